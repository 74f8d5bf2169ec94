//! etl gives the windows a direct computation gives, in every format and topology, on
//! typed records and on JSON trees alike.

use std::collections::HashMap;
use typeinfo_benches::jobs::JobFormat;
use typeinfo_benches::jobs::etl::rules::Apps;
use typeinfo_benches::jobs::etl::trees::Trees;
use typeinfo_benches::jobs::etl::typed::Typed;
use typeinfo_benches::jobs::etl::{
    self, AppMinute, MinuteCounts, Model, PARTITIONS, WINDOW_MS, topic,
};
use typeinfo_engine::{JobReport, NetworkConfig, StateBackend, Transport, checksum};

/// Windows and checksum computed without the engine, from the same rules.
fn direct(records: u64) -> (u64, u64) {
    let apps = Apps::catalogue();
    let mut windows: HashMap<(String, i64), MinuteCounts> = HashMap::new();
    for p in 0..PARTITIONS {
        for raw in topic::partition(p, etl::partition_len(records, p)) {
            let session = Typed::enrich(Typed::parse(&raw.json).unwrap(), &apps).unwrap();
            if Typed::keep(&session) {
                let start = session.received_at - session.received_at.rem_euclid(WINDOW_MS);
                windows
                    .entry((session.app_key.clone(), start))
                    .or_default()
                    .add(Typed::facts(&session));
            }
        }
    }
    let minutes: Vec<AppMinute> = windows
        .into_iter()
        .map(|((app, start), counts)| counts.finish(app, start))
        .collect();
    (minutes.len() as u64, checksum(&minutes))
}

fn run(format: &str, records: u64, chaining: bool, transport: Transport) -> JobReport {
    run_on(StateBackend::Heap, format, records, chaining, transport)
}

fn run_on(
    state: StateBackend,
    format: &str,
    records: u64,
    chaining: bool,
    transport: Transport,
) -> JobReport {
    let format = JobFormat::parse(format).unwrap();
    let job = etl::job(&format, 3, records, chaining, state).unwrap();
    job.run(&NetworkConfig::default(), transport).unwrap()
}

fn outcome(report: &JobReport) -> (u64, u64) {
    assert_eq!(report.late_records, 0, "sources are in event-time order");
    (report.sink.records, report.sink.checksum)
}

#[test]
fn windows_fire_as_event_time_passes_and_equal_a_direct_computation() {
    // 75 s of event time: windows fire on watermarks, not only at the end.
    const RECORDS: u64 = 150_000;
    let expected = direct(RECORDS);
    assert!(expected.0 > 100, "{expected:?}");
    let report = run("pojo", RECORDS, false, Transport::Local);
    assert_eq!(report.source_records, RECORDS);
    assert_eq!(outcome(&report), expected);
    // The edges: topic → parse (forward), rebalance, key by app, windows → sink (forward).
    let partitioners: Vec<&str> = report
        .edges
        .iter()
        .map(|e| e.partitioner.as_str())
        .collect();
    assert_eq!(
        partitioners,
        ["forward", "rebalance", "hash(app_key)", "forward"]
    );
    let sessions = &report.edges[2];
    assert!(
        sessions.output.records < RECORDS * 9 / 10,
        "the filter drops sessions"
    );
}

#[test]
fn every_format_chaining_and_transport_gives_the_same_windows() {
    const RECORDS: u64 = 6_000;
    let expected = direct(RECORDS);
    for format in JobFormat::names() {
        assert_eq!(
            outcome(&run(format, RECORDS, true, Transport::Local)),
            expected,
            "{format}"
        );
    }
    for format in ["pojo", "json-value"] {
        let report = run(format, RECORDS, false, Transport::Tcp { task_managers: 2 });
        assert_eq!(report.edges.len(), 4, "chaining off: every operator edge");
        assert_eq!(
            outcome(&report),
            expected,
            "{format} over tcp, chaining off"
        );
    }
}

#[test]
fn window_state_on_disk_gives_the_same_windows_in_every_format() {
    const RECORDS: u64 = 6_000;
    let expected = direct(RECORDS);
    let disk = StateBackend::Disk {
        dir: std::env::temp_dir(),
    };
    for format in JobFormat::names() {
        let report = run_on(disk.clone(), format, RECORDS, true, Transport::Local);
        assert_eq!(outcome(&report), expected, "{format}");
        let by_app = report
            .edges
            .iter()
            .find(|e| e.partitioner == "hash(app_key)");
        let sessions = by_app.unwrap().output.records;
        assert_eq!(
            report.state.writes, sessions,
            "{format}: one write per session"
        );
        assert_eq!(
            report.state.removes, expected.0,
            "{format}: one remove per window"
        );
        assert!(report.state.bytes_written > sessions, "{format}");
    }
    let report = run_on(
        disk,
        "compact",
        RECORDS,
        false,
        Transport::Tcp { task_managers: 2 },
    );
    assert_eq!(outcome(&report), expected, "compact over tcp, chaining off");
}

#[test]
fn json_trees_and_typed_records_agree_on_every_upload() {
    let apps = Apps::catalogue();
    for raw in topic::partition(1, 2_000) {
        let typed = Typed::enrich(Typed::parse(&raw.json).unwrap(), &apps).unwrap();
        let tree = Trees::enrich(Trees::parse(&raw.json).unwrap(), &apps).unwrap();
        assert_eq!(Typed::facts(&typed), Trees::facts(&tree), "{}", raw.json);
        assert_eq!(Typed::keep(&typed), Trees::keep(&tree));
        assert_eq!(Typed::app_key(&typed), Trees::app_key(&tree));
        assert_eq!(Typed::received_at(&typed), Trees::received_at(&tree));
    }
}

#[test]
fn uploads_that_break_the_rules_are_refused_with_the_reason() {
    let apps = Apps::catalogue();
    let upload = r#"{"app_key":"app-1","device_id":"d","session_id":"s","received_at":5,
        "platform":"ios","app_version":"3.2.0","sdk_version":"x","events":[]}"#;
    assert!(
        Typed::parse(upload)
            .unwrap_err()
            .contains("missing field `sent_at`")
    );
    let tree = Trees::parse(upload).unwrap();
    assert_eq!(
        Trees::enrich(tree, &apps).unwrap_err(),
        "no field `sent_at`"
    );
    let purchase = upload.replace(
        r#""events":[]"#,
        r#""sent_at":1,"events":[{"name":"purchase","timestamp":1,"params":{"price":{"text":"1.5"},"currency":{"text":"USD"}}}]"#,
    );
    let refused = "price `1.5` is not a decimal with two places";
    let typed = Typed::parse(&purchase).unwrap();
    assert_eq!(Typed::enrich(typed, &apps).unwrap_err(), refused);
    let tree = Trees::parse(&purchase).unwrap();
    assert_eq!(Trees::enrich(tree, &apps).unwrap_err(), refused);
}
