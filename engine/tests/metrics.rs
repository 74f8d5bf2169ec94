//! The metrics endpoint: scraped while a job runs, its text passes Prometheus's own checker
//! (`promtool check metrics`, skipped with a reason where promtool is absent), its counters
//! only grow, and it ends with the job.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};
use typeinfo_engine::{
    Emission, EngineError, JobBuilder, JobGraph, NetworkConfig, Partitioner, Transport,
};
use typeinfo_serializers::RecordSerializer;

fn pojo<T>() -> Arc<dyn RecordSerializer<T>>
where
    T: typeinfo::Encode + typeinfo::Decode + Send + Sync + 'static,
{
    let config = typeinfo_serializers::SerializationConfig::default();
    Arc::new(typeinfo_serializers::select::Serializer::<T>::new(&config).unwrap())
}

/// A job that takes about `millis` ms: its map sleeps a little every 1,000 records.
fn slow_job(millis: u64) -> JobGraph {
    const RECORDS: u64 = 200_000;
    let pause = Duration::from_micros(millis * 1000 / (RECORDS / 1000));
    JobBuilder::new("slow", true)
        .source(
            "numbers",
            2,
            |i| (0..RECORDS / 2).map(move |n| n * 2 + i as u64),
            None,
            Emission::default(),
        )
        .map("pace", move |n: u64| {
            if n % 2_000 < 2 {
                std::thread::sleep(pause);
            }
            n
        })
        .connect(Partitioner::Rebalance, pojo(), 2)
        .sink("sink")
}

fn free_address() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// One HTTP GET; the status line and the body.
fn get(address: SocketAddr, path: &str) -> std::io::Result<(String, String)> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: test\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    Ok((
        head.lines().next().unwrap_or("").to_owned(),
        body.to_owned(),
    ))
}

/// The value of the series of `metric` whose labels contain `label`.
fn value(text: &str, metric: &str, label: &str) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")) && l.contains(label))
        .map(|l| l.rsplit_once(' ').unwrap().1.parse::<f64>().unwrap())
        .reduce(f64::max)
}

fn promtool() -> Option<std::path::PathBuf> {
    let found = std::process::Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    found.then(|| "promtool".into())
}

#[test]
fn a_running_job_serves_metrics_that_promtool_accepts() {
    let address = free_address();
    let checkpoints = std::env::temp_dir().join(format!(
        "typeinfo-metrics-checkpoints-{}",
        std::process::id()
    ));
    let job = slow_job(1_500).serve_metrics(address).with_checkpoints(
        Duration::from_millis(20),
        typeinfo_engine::checkpoint::CheckpointConfig::new(&checkpoints, 1).unwrap(),
    );
    let running = std::thread::spawn(move || job.run(&NetworkConfig::default(), Transport::Local));
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut scrapes: Vec<String> = Vec::new();
    while !running.is_finished() && Instant::now() < deadline {
        if let Ok((status, body)) = get(address, "/metrics") {
            assert_eq!(status, "HTTP/1.1 200 OK");
            scrapes.push(body);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let report = running.join().unwrap().unwrap();
    let mid_run: Vec<&String> = scrapes
        .iter()
        .filter(|s| value(s, "typeinfo_task_records_out_total", "edge=").unwrap_or(0.0) > 0.0)
        .collect();
    assert!(
        mid_run.len() >= 2,
        "{} scrapes saw records move",
        mid_run.len()
    );
    // Counters only grow between scrapes, and never past what the job reported at the end.
    let written = |s: &str| {
        value(
            s,
            "typeinfo_task_records_out_total",
            "task=\"numbers → pace[0]\"",
        )
    };
    let seen: Vec<f64> = mid_run.iter().filter_map(|s| written(s)).collect();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    let total = report.edges[0].output.records as f64;
    assert!(seen.iter().all(|&v| v <= total), "{seen:?} over {total}");
    let last = mid_run.last().unwrap();
    for metric in [
        "typeinfo_task_records_out_total",
        "typeinfo_task_bytes_out_total",
        "typeinfo_task_buffers_out_total",
        "typeinfo_task_back_pressure_seconds_total",
        "typeinfo_task_buffers_in_use",
        "typeinfo_task_records_in_total",
        "typeinfo_task_bytes_in_total",
        "typeinfo_task_checkpoints_aligned_total",
        "typeinfo_task_checkpoint_alignment_seconds_total",
        "typeinfo_checkpoints_completed_total",
        "typeinfo_checkpoint_duration_seconds_total",
        "typeinfo_checkpoint_last_duration_seconds",
        "typeinfo_checkpoint_size_bytes_total",
        "typeinfo_checkpoint_last_size_bytes",
    ] {
        assert!(
            last.contains(&format!("# TYPE {metric} ")),
            "{metric} in\n{last}"
        );
    }
    let aligned = value(last, "typeinfo_task_checkpoints_aligned_total", "edge=");
    assert!(aligned.is_some_and(|n| n > 0.0), "{aligned:?} in\n{last}");
    let completed = value(last, "typeinfo_checkpoints_completed_total", "job=\"slow\"");
    assert!(
        completed.is_some_and(|n| n > 0.0),
        "{completed:?} in\n{last}"
    );
    assert!(completed.unwrap() <= report.checkpoints.completed as f64);
    std::fs::remove_dir_all(&checkpoints).unwrap();
    match promtool() {
        None => {
            if std::env::var_os("TYPEINFO_REQUIRE_PROMTOOL").is_some() {
                panic!("TYPEINFO_REQUIRE_PROMTOOL is set but promtool is not on PATH");
            }
            eprintln!("skipped: promtool (Debian package prometheus) is not on PATH");
        }
        Some(promtool) => {
            let mut check = std::process::Command::new(promtool)
                .args(["check", "metrics"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            check
                .stdin
                .take()
                .unwrap()
                .write_all(last.as_bytes())
                .unwrap();
            let out = check.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "promtool refused:\n{}{}\n{last}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // The endpoint ended with the job: its port is free again.
    TcpListener::bind(address).expect("the endpoint let go of its port");
}

#[test]
fn other_paths_are_not_found_and_a_taken_port_is_refused_at_start() {
    let address = free_address();
    let job = slow_job(500).serve_metrics(address);
    let running = std::thread::spawn(move || job.run(&NetworkConfig::default(), Transport::Local));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut status = None;
    while status.is_none() && Instant::now() < deadline {
        status = get(address, "/").ok().map(|(s, _)| s);
        std::thread::sleep(Duration::from_millis(20));
    }
    running.join().unwrap().unwrap();
    assert_eq!(status.as_deref(), Some("HTTP/1.1 404 Not Found"));

    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let job = slow_job(10).serve_metrics(taken.local_addr().unwrap());
    match job.run(&NetworkConfig::default(), Transport::Local) {
        Err(EngineError::Config { key, allowed, .. }) => {
            assert_eq!(key, "metrics_port");
            assert!(
                allowed.contains("a port this process can listen on"),
                "{allowed}"
            );
        }
        other => panic!("expected the port to be refused, got {other:?}"),
    }
}
