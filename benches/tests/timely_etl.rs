//! The etl job on timely-dataflow: worker processes on loopback give the windows of one
//! process and of our harness, in every channel; processes that disagree on the config end
//! with the decode error within a bound; bad flags are refused.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use typeinfo_benches::jobs::{JobFormat, etl};
use typeinfo_benches::timely_etl::Channel;
use typeinfo_benches::timely_etl::compare::{
    Hostfile, free_ports_hostfile, run_processes, wait_all,
};
use typeinfo_engine::{NetworkConfig, StateBackend, Transport};

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_typeinfo"))
}

const BOUND: Duration = Duration::from_secs(120);

/// Windows and checksum of the harness's etl.
fn harness(records: u64) -> (u64, String) {
    let format = JobFormat::parse("pojo").unwrap();
    let report = etl::job(&format, 2, records, true, StateBackend::Heap)
        .unwrap()
        .run(&NetworkConfig::default(), Transport::Local)
        .unwrap();
    (
        report.sink.records,
        format!("{:016x}", report.sink.checksum),
    )
}

#[test]
fn worker_processes_give_the_windows_of_one_process_and_of_the_harness() {
    const RECORDS: u64 = 20_000;
    let expected = harness(RECORDS);
    let mut bytes = Vec::new();
    for channel in Channel::names() {
        for (processes, threads) in [(2, 1), (1, 2), (2, 2)] {
            if channel != "pojo" && (processes, threads) != (2, 1) {
                continue;
            }
            let run =
                run_processes(&binary(), channel, RECORDS, processes, threads, BOUND).unwrap();
            let what = format!("{channel}, {processes} process(es) of {threads}");
            assert_eq!(run.first.workers, processes * threads, "{what}");
            assert_eq!(
                (
                    run.summary.windows,
                    format!("{:016x}", run.summary.checksum)
                ),
                expected,
                "{what}"
            );
            assert_eq!(run.summary.late, 0, "{what}");
            match processes {
                1 => assert_eq!(run.bytes_between_processes, 0, "{what}"),
                _ => assert!(run.bytes_between_processes > RECORDS * 100, "{what}"),
            }
            if (processes, threads) == (2, 1) {
                bytes.push((channel, run.bytes_between_processes));
            }
        }
    }
    // The same records cross in fewer bytes with compact than with pojo, and with pojo
    // than with timely's bincode.
    let of = |name: &str| bytes.iter().find(|(c, _)| *c == name).unwrap().1;
    assert!(of("compact") < of("pojo"), "{bytes:?}");
    assert!(of("pojo") < of(Channel::BINCODE), "{bytes:?}");
}

#[test]
fn processes_that_installed_different_configs_end_with_the_decode_error() {
    let hostfile = free_ports_hostfile(2).unwrap();
    let start = Instant::now();
    let children = ["pojo", "compact"]
        .iter()
        .enumerate()
        .map(|(process, channel)| {
            let process = process.to_string();
            let args = [
                "--channel",
                channel,
                "--records",
                "4000",
                "-n",
                "2",
                "-p",
                &process,
            ];
            spawn(&args, "60", &hostfile)
        })
        .collect();
    let ends = wait_all(children, BOUND);
    assert!(start.elapsed() < BOUND, "the processes ended by themselves");
    assert!(ends.iter().all(|end| !end.success), "both processes fail");
    let said: Vec<&str> = ends.iter().map(|end| end.stderr.as_str()).collect();
    assert!(
        said.iter()
            .any(|s| s.contains("every process must install the same config")
                && s.contains("error:")),
        "{said:#?}"
    );
    assert!(said.iter().all(|s| !s.contains("killed")), "{said:#?}");
}

/// `typeinfo timely-etl ARGS` meeting its peers at `hostfile`, giving up after `deadline`
/// seconds, its output piped.
fn spawn(args: &[&str], deadline: &str, hostfile: &Hostfile) -> Child {
    Command::new(binary())
        .arg("timely-etl")
        .args(args)
        .args(["--deadline-secs", deadline, "--hostfile"])
        .arg(hostfile.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn refused(args: &[&str]) -> String {
    let out = Command::new(binary())
        .arg("timely-etl")
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_flags_are_refused_saying_what_is_allowed() {
    let said = refused(&["--channel", "msgpack"]);
    assert!(
        said.contains("timely-bincode, pojo, compact, kryo, kryo-unregistered, avro"),
        "{said}"
    );
    let said = refused(&["-n", "2", "-p", "2"]);
    assert!(
        said.contains("process 2 is not one of the 2 processes"),
        "{said}"
    );
    let said = refused(&["-w", "0"]);
    assert!(said.contains("at least 1"), "{said}");
    let said = refused(&["-n", "3", "--hostfile", "/nonexistent/hosts"]);
    assert!(said.contains("cannot read --hostfile"), "{said}");
}

#[test]
fn a_process_whose_peers_never_come_fails_within_its_deadline() {
    let hostfile = free_ports_hostfile(2).unwrap();
    let start = Instant::now();
    let child = spawn(&["-n", "2", "-p", "0"], "2", &hostfile);
    let end = wait_all(vec![child], BOUND).pop().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert!(!end.success);
    assert!(
        end.stderr.contains("did not connect within 2s"),
        "{}",
        end.stderr
    );
}
