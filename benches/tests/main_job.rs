//! The main job end to end on a tiny run: the binary as a user starts it, its report
//! folder, and one row per requested format, dataset and job.

use std::path::{Path, PathBuf};
use std::process::Command;
use typeinfo_benches::datasets::DatasetKind;
use typeinfo_benches::report::Report;

const FORMATS: [&str; 5] = [
    "pojo",
    "json",
    "apache-avro",
    "bitcode",
    "kryo-unregistered",
];
/// The requested formats the engine runs (apache-avro and bitcode are micro-only).
const ENGINE_FORMATS: [&str; 3] = ["pojo", "json", "kryo-unregistered"];

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("typeinfo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn typeinfo(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_typeinfo"))
        .args(args)
        .output()
        .expect("the binary starts")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_tiny_run_writes_a_report_with_every_requested_row() {
    let dir = out_dir("report");
    let formats = FORMATS.join(",");
    let out = typeinfo(&[
        "--quick",
        "--datasets",
        "log,game-sessions",
        "--formats",
        &formats,
        "--records",
        "20",
        "--job-records",
        "3000",
        "--rounds",
        "2",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // Not on a terminal: one progress line per step (2 datasets × 4 operations, etl on the
    // heap and on disk in 3 engine formats and again with checkpoints in the 2 of them with
    // snapshots, flink-mini in 3, then etl on timely in the 2 requested channels × 2
    // topologies and the channels' costs).
    assert!(stderr.contains("state on disk"), "{stderr}");
    assert!(stderr.contains("checkpoints every 100 ms"), "{stderr}");
    assert!(stderr.contains("[21/26] flink-mini in"), "{stderr}");
    assert!(stderr.contains("[26/26] timely channels"), "{stderr}");
    let folder = std::fs::canonicalize(&dir).unwrap();
    assert!(
        stdout.contains(&format!("report: {}", folder.display())),
        "{stdout}"
    );

    let report: Report = serde_json::from_str(&read(&dir.join("results.json"))).unwrap();
    assert_eq!(report.settings.rounds, 2);
    for dataset in [DatasetKind::Log, DatasetKind::GameSessions] {
        for format in FORMATS {
            let rows = report
                .datasets
                .iter()
                .filter(|r| r.dataset == dataset && r.format == format)
                .count();
            let skipped = report
                .skipped
                .iter()
                .filter(|s| s.dataset == dataset && s.format == format)
                .count();
            // apache-avro cannot take `log`'s `[u8; 4]`: said, not dropped.
            assert_eq!(rows + skipped, 1, "{dataset:?} {format}");
        }
    }
    assert!(report.skipped.iter().all(|s| s.format == "apache-avro"));
    for r in &report.datasets {
        assert_eq!(r.records, 20);
        assert!(r.bytes > 0 && r.zstd_bytes > 0, "{r:?}");
        // Every contender of these formats has a plain API.
        let to_vec = r
            .to_vec
            .as_ref()
            .unwrap_or_else(|| panic!("{r:?}: no to_vec"));
        for spread in [&r.serialize, to_vec, &r.deserialize, &r.round_trip] {
            assert_eq!(spread.samples, 2);
            assert!(spread.low <= spread.median && spread.median <= spread.high);
            assert!(spread.median > 0.0);
        }
    }
    for job in ["etl", "flink-mini"] {
        let mut formats: Vec<&str> = report
            .jobs
            .iter()
            .filter(|r| r.job == job)
            .map(|r| r.format.as_str())
            .collect();
        formats.sort_unstable();
        let mut expected = ENGINE_FORMATS;
        expected.sort_unstable();
        assert_eq!(formats, expected, "{job}");
    }
    assert!(
        report
            .jobs
            .iter()
            .all(|r| r.ops_per_ms.median > 0.0 && r.records == 3000 && r.state_backend == "heap")
    );
    // etl again with its windows on disk, in every engine format, with the heap's windows.
    let mut on_disk: Vec<&str> = report
        .disk_state
        .iter()
        .map(|r| r.format.as_str())
        .collect();
    on_disk.sort_unstable();
    let mut expected = ENGINE_FORMATS;
    expected.sort_unstable();
    assert_eq!(on_disk, expected);
    let heap_etl = report.jobs.iter().find(|r| r.job == "etl").unwrap();
    for r in &report.disk_state {
        assert_eq!((r.job.as_str(), r.state_backend.as_str()), ("etl", "disk"));
        assert_eq!(r.checksum, heap_etl.checksum, "{}", r.format);
        assert!(r.state_bytes_written_per_record > 0.0, "{r:?}");
    }
    // etl again with checkpoints, on each backend, in the formats with snapshots (json has
    // none), with the same windows.
    let mut checkpointed: Vec<(&str, &str)> = report
        .checkpointed
        .iter()
        .map(|r| (r.format.as_str(), r.state_backend.as_str()))
        .collect();
    checkpointed.sort_unstable();
    assert_eq!(
        checkpointed,
        [
            ("kryo-unregistered", "disk"),
            ("kryo-unregistered", "heap"),
            ("pojo", "disk"),
            ("pojo", "heap")
        ]
    );
    for r in &report.checkpointed {
        assert_eq!(r.checksum, heap_etl.checksum, "{r:?}");
        assert_eq!(r.checkpoints.as_ref().map(|c| c.interval_ms), Some(100));
    }
    let markdown = read(&dir.join("report.md"));
    assert!(markdown.contains("## Keyed state on disk"), "{markdown}");
    assert!(markdown.contains("## Checkpoints"), "{markdown}");

    // etl on timely in the requested channels typeinfo-timely has, with the harness's windows.
    let timely = report.timely.as_ref().expect("etl ran, so timely did");
    let etl_checksum = &report
        .jobs
        .iter()
        .find(|r| r.job == "etl")
        .unwrap()
        .checksum;
    let mut channels: Vec<(&str, usize)> = timely
        .results
        .iter()
        .map(|r| (r.channel.as_str(), r.processes))
        .collect();
    channels.sort_unstable();
    assert_eq!(
        channels,
        [
            ("kryo-unregistered", 1),
            ("kryo-unregistered", 2),
            ("pojo", 1),
            ("pojo", 2)
        ]
    );
    for r in &timely.results {
        assert_eq!(&r.checksum, etl_checksum, "{r:?}");
        assert!(r.records_per_second.median > 0.0, "{r:?}");
        assert_eq!(r.bytes_between_processes > 0, r.processes == 2, "{r:?}");
    }
    assert_eq!(timely.costs.len(), 2);
    assert!(
        timely
            .costs
            .iter()
            .all(|c| c.uploads.bytes_per_record > 0.0)
    );

    let markdown = read(&dir.join("report.md"));
    assert!(markdown.contains("## On timely-dataflow"));
    for format in FORMATS {
        assert!(markdown.contains(&format!("| {format} |")), "{format}");
    }
    assert!(markdown.contains("Not measured: apache-avro"));
    assert!(markdown.contains("## Summary\n\n| format | etl ops/ms (3000 records) | vs pojo |"));
    assert!(markdown.contains(&report.machine.cpu));
    for chart in ["jobs.svg", "sizes.svg", "times.svg", "timely.svg"] {
        assert!(markdown.contains(&format!("]({chart})")));
        let svg = read(&dir.join(chart));
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{chart}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_jobs_means_no_job_chart_and_bad_flags_are_refused() {
    let dir = out_dir("report-no-jobs");
    let out = typeinfo(&[
        "--datasets",
        "mesh",
        "--formats",
        "pojo,compact",
        "--records",
        "10",
        "--rounds",
        "1",
        "--jobs",
        "none",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.join("jobs.svg").exists());
    assert!(!dir.join("timely.svg").exists());
    let report: Report = serde_json::from_str(&read(&dir.join("results.json"))).unwrap();
    assert_eq!(report.datasets.len(), 2);
    assert!(report.jobs.is_empty());
    assert!(report.timely.is_none(), "no etl, no timely comparison");
    let _ = std::fs::remove_dir_all(&dir);

    let out = typeinfo(&["--formats", "protobuf"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid value 'protobuf' for '--formats <LIST>'"),
        "{stderr}"
    );
    for subcommand in ["report", "run", "explain"] {
        let out = typeinfo(&[subcommand, "--help"]);
        assert!(out.status.success(), "{subcommand}");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains(&format!("Usage: typeinfo {subcommand}")),
            "{help}"
        );
    }
    let out = typeinfo(&["run", "--formt", "pojo"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a similar argument exists: '--format'"),
        "{stderr}"
    );
}
