//! The transfer job over TCP: each connection reports the bytes of the channels it carried.

use typeinfo_benches::jobs::{JobFormat, transfer};
use typeinfo_engine::{NetworkConfig, Transport};

#[test]
fn connections_report_the_bytes_of_their_remote_channels() {
    let format = JobFormat::parse("pojo").unwrap();
    let job = transfer::job(&format, 2, 2_000, 3_000).unwrap();
    let report = job
        .run(
            &NetworkConfig::default(),
            Transport::Tcp { task_managers: 2 },
        )
        .unwrap();
    assert_eq!(report.sink.records, 2_000);
    let directions: Vec<(usize, usize)> = report
        .connections
        .iter()
        .map(|c| (c.from_task_manager, c.to_task_manager))
        .collect();
    assert_eq!(directions, [(0, 1), (1, 0)]);
    // Round robin sends half of each source's records to the other task manager, and some
    // of the latency markers (the rest of what was written).
    let mut one = Vec::new();
    format
        .serializer::<Vec<u8>>(&[])
        .unwrap()
        .write_record(&vec![0; 3_000], &mut one)
        .unwrap();
    let framed = (4 + 1 + one.len()) as u64; // length, tag, record
    let remote: u64 = report.connections.iter().map(|c| c.bytes).sum();
    let markers = report.edges[0].output.bytes - 2_000 * framed;
    assert!(
        (1_000 * framed..=1_000 * framed + markers).contains(&remote),
        "{remote} {markers}"
    );
    let local = transfer::job(&format, 2, 100, 10)
        .unwrap()
        .run(&NetworkConfig::default(), Transport::Local)
        .unwrap();
    assert!(local.connections.is_empty());
}
