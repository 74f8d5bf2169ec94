//! flink-mini gives the same records, by checksum, in every format and topology.

use typeinfo_benches::jobs::{JobFormat, flink_mini};
use typeinfo_engine::{NetworkConfig, Transport};

const RECORDS: u64 = 20_000;

fn run(format: &str, transport: Transport, fully_chained: bool) -> (u64, u64) {
    let format = JobFormat::parse(format).unwrap();
    let job = flink_mini::job(&format, 4, RECORDS, fully_chained, true).unwrap();
    let report = job
        .run(&NetworkConfig::default(), transport.clone())
        .unwrap();
    let channels: usize = report.edges.iter().map(|e| e.remote_channels).sum();
    match (transport, fully_chained) {
        (_, true) => assert!(report.edges.is_empty(), "one chain, no edge"),
        (Transport::Local, false) => assert_eq!(channels, 0),
        // Subtasks alternate between two task managers: half of 4 × 4 channels cross.
        (Transport::Tcp { .. } | Transport::Processes { .. }, false) => {
            assert_eq!(channels, 8)
        }
    }
    (report.sink.records, report.sink.checksum)
}

#[test]
fn every_format_and_transport_delivers_the_same_records() {
    let expected = run("pojo", Transport::Local, true);
    assert_eq!(expected.0, RECORDS);
    for format in JobFormat::names() {
        assert_eq!(
            run(format, Transport::Local, false),
            expected,
            "{format} local"
        );
    }
    for format in ["pojo", "kryo", "json-value"] {
        assert_eq!(
            run(format, Transport::Tcp { task_managers: 2 }, false),
            expected,
            "{format} over tcp"
        );
    }
}
