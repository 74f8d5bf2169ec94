//! Task managers as OS processes: the binary as coordinator and its workers give the same
//! records as every other topology, refuse workers that built another job, and fail (never
//! hang) when a worker dies mid-stream, naming it and the edge it carried.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use typeinfo_benches::jobs::{JobFormat, flink_mini};
use typeinfo_engine::{EngineError, NetworkConfig, Transport, WorkerCommand};

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_typeinfo"))
}

/// `typeinfo run ARGS`: stdout on success, stderr on failure.
fn run(args: &[&str]) -> Result<String, String> {
    let out = Command::new(binary())
        .arg("run")
        .args(args)
        .output()
        .expect("the binary starts");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(stderr)
    }
}

/// The records and checksum line of a run's report.
fn outcome(report: &str) -> String {
    let line = report.lines().nth(1).expect("a second line");
    line[line.find("the sinks got").expect("the sinks' line")..].to_owned()
}

#[test]
fn processes_deliver_the_same_records_as_threads_and_local_channels() {
    for job in [
        &["--job", "flink-mini", "--records", "30000"][..],
        &["--job", "etl", "--records", "20000", "--parallelism", "3"],
        &[
            "--job",
            "etl",
            "--records",
            "20000",
            "--format",
            "json-value",
        ],
    ] {
        let local = outcome(&run(job).unwrap());
        for tms in ["2", "3"] {
            let transports = [
                ["--transport", "tcp", "--task-managers", tms],
                ["--transport", "processes", "--task-managers", tms],
            ];
            for transport in transports {
                let args: Vec<&str> = job.iter().chain(&transport).copied().collect();
                let report = run(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
                assert_eq!(outcome(&report), local, "{args:?}");
                if transport[1] == "processes" {
                    assert!(
                        report.contains(&format!("{tms} task manager processes over tcp"))
                            && report.contains("network buffers per task manager"),
                        "{report}"
                    );
                }
            }
        }
    }
}

/// The counts on a run's checkpoint barrier line: (emitted, aligned).
fn barrier_counts(report: &str) -> (u64, u64) {
    let line = report
        .lines()
        .find(|l| l.starts_with("checkpoint barriers every"))
        .unwrap_or_else(|| panic!("no barrier line in {report}"));
    let number_before = |word: &str| -> u64 {
        let head = &line[..line.find(word).expect("the word")];
        head.split_whitespace().last().unwrap().parse().unwrap()
    };
    (number_before(" emitted"), number_before(" times"))
}

#[test]
fn checkpoint_barriers_cross_task_manager_processes_and_change_no_result() {
    let job = ["--job", "etl", "--records", "20000", "--parallelism", "3"];
    let plain = outcome(&run(&job).unwrap());
    let barriers = ["--barrier-interval", "1"];
    for transport in [
        &[][..],
        &["--transport", "processes", "--task-managers", "3"],
    ] {
        let args: Vec<&str> = job
            .iter()
            .chain(&barriers)
            .chain(transport)
            .copied()
            .collect();
        let report = run(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert_eq!(outcome(&report), plain, "{args:?}");
        let (emitted, aligned) = barrier_counts(&report);
        assert!(emitted > 0 && aligned > 0, "{args:?}: {report}");
    }
    let e = run(&["--barrier-interval", "0"]).unwrap_err();
    assert!(e.contains("from 1 to 3600000"), "{e}");
}

fn flink_mini_job(records: u64) -> typeinfo_engine::JobGraph {
    let format = JobFormat::parse("pojo").unwrap();
    flink_mini::job(&format, 4, records, false, true).unwrap()
}

/// flink-mini with task managers as processes of the binary started with `worker_args`.
fn processes(worker_args: &[&str]) -> Transport {
    Transport::Processes {
        task_managers: 2,
        worker: WorkerCommand {
            program: binary(),
            args: worker_args.iter().map(|a| a.to_string()).collect(),
        },
    }
}

/// Workers of flink-mini (pojo, parallelism 4) with `records` on their command line.
fn flink_mini_workers(records: &str) -> Transport {
    processes(&[
        "worker",
        "--records",
        records,
        "--transport",
        "processes",
        "--task-managers",
        "2",
    ])
}

#[test]
fn a_worker_that_built_another_job_is_refused() {
    // The coordinator runs 1,000 records; the worker's command line says 2,000.
    let worker = flink_mini_workers("2000");
    let e = flink_mini_job(1000)
        .run(&NetworkConfig::default(), worker)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("task manager 1: process ")
            && e.contains(
                "built another job: it has `job `flink-mini`, chaining true, \
                           parameters [records=2000]` where the coordinator has `job \
                           `flink-mini`, chaining true, parameters [records=1000]`"
            )
            && e.contains("start workers with the job's arguments"),
        "{e}"
    );
    // With the same arguments, the same job runs.
    let same = flink_mini_workers("1000");
    let report = flink_mini_job(1000)
        .run(&NetworkConfig::default(), same)
        .unwrap();
    assert_eq!(report.sink.records, 1000);
    assert_eq!(
        report.connections.len(),
        2,
        "one connection, both directions"
    );
}

#[test]
fn a_worker_that_cannot_start_or_exits_at_once_fails_the_start() {
    let missing = Transport::Processes {
        task_managers: 2,
        worker: WorkerCommand {
            program: PathBuf::from("/nonexistent/typeinfo-worker"),
            args: vec![],
        },
    };
    let e = flink_mini_job(10)
        .run(&NetworkConfig::default(), missing)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("task manager 1: could not start `/nonexistent/typeinfo-worker`"),
        "{e}"
    );
    // The binary refuses a worker command line without the job's flags it knows.
    let started = Instant::now();
    let e = flink_mini_job(10)
        .run(&NetworkConfig::default(), processes(&["worker", "--bogus"]))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("exited (exit status: 1) before it connected to the coordinator"),
        "{e}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn each_task_manager_process_needs_its_own_buffers() {
    let config = NetworkConfig {
        network_buffers: 30,
        ..NetworkConfig::default()
    };
    let e = flink_mini_job(10)
        .run(&config, processes(&["worker"]))
        .unwrap_err();
    assert!(
        matches!(&e, EngineError::InsufficientBuffers { required: 56, available: 30, breakdown }
            if breakdown.starts_with("in the process of task manager 0: ")),
        "{e}"
    );
}

/// The pid of the worker process of `coordinator` that runs task manager `tm`, once its
/// subtasks run (a thread named after a subtask exists).
fn running_worker(coordinator: u32, tm: usize, deadline: Instant) -> Option<u32> {
    let suffix = format!("--task-manager\0{tm}\0");
    while Instant::now() < deadline {
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (comm) state ppid …`; comm may hold spaces, so split after the ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            if ppid != Some(coordinator) || !String::from_utf8_lossy(&cmdline).ends_with(&suffix) {
                continue;
            }
            let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
            let running = tasks.flatten().any(|t| {
                std::fs::read_to_string(t.path().join("comm"))
                    .is_ok_and(|name| name.starts_with("source["))
            });
            if running {
                return Some(pid);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn a_worker_killed_mid_stream_fails_the_job_naming_it_and_its_edge() {
    if !std::path::Path::new("/proc/self/task").exists() {
        println!("skipped: finding the worker process needs Linux's /proc");
        return;
    }
    // 200 million records run for minutes; the job must end within seconds of the kill.
    let mut coordinator = Command::new(binary())
        .args([
            "run",
            "--records",
            "200000000",
            "--transport",
            "processes",
            "--task-managers",
            "3",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let Some(worker) = running_worker(coordinator.id(), 1, deadline) else {
        let _ = coordinator.kill();
        panic!("task manager 1 did not start running within 30 s");
    };
    std::thread::sleep(Duration::from_millis(200));
    let killed = Command::new("kill")
        .args(["-KILL", &worker.to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let killed_at = Instant::now();
    let status = loop {
        if let Some(status) = coordinator.try_wait().unwrap() {
            break status;
        }
        if killed_at.elapsed() > Duration::from_secs(30) {
            let _ = coordinator.kill();
            panic!("the job did not end within 30 s of the kill");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = coordinator.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let error = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line in:\n{stderr}"));
    assert!(!status.success());
    assert!(
        error.starts_with(&format!(
            "error: task manager 1: went away before it reported (process {worker}, carrying \
             edge `source` ⇒ stage 1 (rebalance))"
        )) && error.contains("SIGKILL"),
        "{error}"
    );
    println!("failed {:?} after the kill: {error}", killed_at.elapsed());
}
