//! `typeinfo run` with checkpoints: etl writes complete checkpoints in every format that
//! has snapshots, on both backends, keeps only the last N and gives the same windows as
//! without; formats without snapshots, processes and wrong flags are refused before any
//! record, saying what is allowed.

use std::path::PathBuf;
use std::process::Command;
use typeinfo_engine::checkpoint::{Metadata, checkpoint_dir};

/// `typeinfo run ARGS`: stdout on success, stderr on failure.
fn run(args: &[&str]) -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_typeinfo"))
        .arg("run")
        .args(args)
        .output()
        .expect("the binary starts");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The records and checksum of a run's report.
fn outcome(report: &str) -> String {
    let line = report.lines().nth(1).expect("a second line");
    line[line.find("the sinks got").expect("the sinks' line")..].to_owned()
}

/// A test's own directory, removed when it ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "typeinfo-checkpoint-cli-{}-{test}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const JOB: [&str; 6] = ["--job", "etl", "--records", "40000", "--parallelism", "2"];

#[test]
fn etl_keeps_its_last_checkpoints_in_every_snapshot_format_and_changes_no_result() {
    let scratch = Scratch::new("formats");
    for format in ["pojo", "compact", "kryo", "avro"] {
        let plain: Vec<&str> = JOB.iter().copied().chain(["--format", format]).collect();
        let expected = outcome(&run(&plain).unwrap());
        for backend in ["heap", "disk"] {
            let dir = scratch.0.join(format!("{format}-{backend}"));
            let dir_arg = dir.to_str().unwrap();
            let args: Vec<&str> = plain
                .iter()
                .copied()
                .chain(["--state-backend", backend])
                .chain(["--checkpoint-interval", "2", "--checkpoint-dir", dir_arg])
                .chain(["--checkpoints-retained", "2"])
                .collect();
            let report = run(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert_eq!(outcome(&report), expected, "{args:?}");
            let line = report
                .lines()
                .find(|l| l.starts_with("checkpoints every 2 ms"))
                .unwrap_or_else(|| panic!("no checkpoint line in {report}"));
            let complete: u64 = line
                .split(": ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{line}"));
            assert!(complete >= 2, "{line}");
            let mut kept: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            kept.sort();
            assert_eq!(kept.len(), 2, "{kept:?}: {line}");
            for name in &kept {
                let id: u64 = name.strip_prefix("chk-").unwrap().parse().unwrap();
                let metadata = Metadata::read(&checkpoint_dir(&dir, id).join("_metadata"))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(metadata.checkpoint, id);
                let states = metadata.tasks.iter().flat_map(|t| &t.states).count();
                assert_eq!(states, 2, "one file per window subtask: {metadata:?}");
            }
        }
    }
}

#[test]
fn what_cannot_be_checkpointed_is_refused_before_any_record() {
    let scratch = Scratch::new("refused");
    let dir = scratch.0.to_str().unwrap();
    let with = |extra: &[&str]| -> Vec<String> {
        JOB.iter()
            .copied()
            .chain(["--checkpoint-interval", "5", "--checkpoint-dir", dir])
            .chain(extra.iter().copied())
            .map(str::to_owned)
            .collect()
    };
    let refused = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args).expect_err(&format!("{args:?} must be refused"))
    };
    let e = refused(with(&["--format", "json"]));
    assert!(
        e.contains("with checkpoints, a format with serializer snapshots"),
        "{e}"
    );
    let e = refused(with(&["--transport", "processes", "--task-managers", "2"]));
    assert!(
        e.contains("processes cannot acknowledge checkpoints"),
        "{e}"
    );
    let e = refused(with(&["--barrier-interval", "5"]));
    assert!(e.contains("cannot be used with"), "{e}");
    let e = refused(with(&["--checkpoints-retained", "0"]));
    assert!(
        e.contains("1 to 1000") || e.contains("from 1 to 1000"),
        "{e}"
    );
    let e = refused(
        JOB.iter()
            .map(|s| s.to_string())
            .chain(["--checkpoint-interval".into(), "5".into()])
            .collect(),
    );
    assert!(e.contains("--checkpoint-dir"), "{e}");
    let e = refused(
        JOB.iter()
            .map(|s| s.to_string())
            .chain(["--checkpoint-dir".into(), dir.into()])
            .collect(),
    );
    assert!(e.contains("--checkpoint-interval"), "{e}");
    let e = refused(
        JOB.iter()
            .map(|s| s.to_string())
            .chain(["--restart-attempts".into(), "2".into()])
            .collect(),
    );
    assert!(e.contains("--checkpoint-interval"), "{e}");
    // With checkpoints, restarts are taken (and, without a failure, never used).
    let args = with(&["--restart-attempts", "2", "--restart-delay", "10"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = run(&args).unwrap();
    assert!(!report.contains("restart 1"), "{report}");
}

/// Every committed line under `dir` (files not under `_pending/`), sorted.
fn committed_lines(dir: &std::path::Path) -> Vec<String> {
    let mut lines: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .flat_map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            text.lines().map(str::to_owned).collect::<Vec<_>>()
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn etl_stopped_with_a_savepoint_and_resumed_commits_what_a_run_that_never_stopped_does() {
    let scratch = Scratch::new("savepoint");
    let path = |name: &str| scratch.0.join(name).to_str().unwrap().to_owned();
    let (reference, out, savepoint, checkpoints) = (
        path("reference"),
        path("out"),
        path("savepoint"),
        path("checkpoints"),
    );
    let with = |extra: &[&str]| -> Result<String, String> {
        let args: Vec<&str> = JOB.iter().copied().chain(extra.iter().copied()).collect();
        run(&args)
    };
    with(&["--output", &reference]).unwrap();
    let expected = committed_lines(std::path::Path::new(&reference));
    assert!(expected.len() > 10, "{} windows", expected.len());

    let stopped = with(&[
        "--output",
        &out,
        "--state-backend",
        "disk",
        "--stop-with-savepoint",
        &savepoint,
        "--stop-after",
        "15000",
    ])
    .unwrap();
    assert!(
        stopped.contains(&format!(
            "stopped with savepoint chk-1 in {savepoint} after 15000"
        )),
        "{stopped}"
    );
    let before = committed_lines(std::path::Path::new(&out));
    assert!(
        before.len() < expected.len(),
        "{} of {}",
        before.len(),
        expected.len()
    );

    // Resumed on the other backend, taking checkpoints as it goes.
    let resumed = with(&[
        "--output",
        &out,
        "--from-savepoint",
        &savepoint,
        "--checkpoint-interval",
        "5",
        "--checkpoint-dir",
        &checkpoints,
    ])
    .unwrap();
    assert!(!resumed.contains("savepoint chk"), "{resumed}");
    assert_eq!(committed_lines(std::path::Path::new(&out)), expected);

    let e = with(&["--from-savepoint", &path("nothing")]).unwrap_err();
    assert!(e.contains("holds no complete savepoint"), "{e}");
    let e = with(&["--stop-with-savepoint", &savepoint]).unwrap_err();
    assert!(e.contains("--stop-after"), "{e}");
    let e = run(&["--job", "flink-mini", "--output", &out]).unwrap_err();
    assert!(e.contains("only with --job etl"), "{e}");
}
