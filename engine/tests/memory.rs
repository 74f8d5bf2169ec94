//! Back pressure holds memory flat: a sink far slower than its sources makes the sources
//! wait for buffers, over local and TCP channels, while the resident set stays within what
//! the pools hold. Its own test binary, so no other test moves the resident set.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use typeinfo_engine::{Emission, JobBuilder, NetworkConfig, Partitioner, Transport};

/// The resident set of this process in bytes, where the OS tells it.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

const RECORD: usize = 4096;
const RECORDS_PER_SOURCE: u64 = 10_000;

#[test]
fn a_slow_sink_keeps_the_resident_set_flat() {
    let Some(before) = resident_bytes() else {
        println!("skipped: no /proc/self/status on this system, so no resident set to watch");
        return;
    };
    // 128 buffers of 32 KiB: the pools hold at most 4 MiB of records, while the sources
    // produce 78 MiB.
    let config = NetworkConfig {
        network_buffers: 128,
        ..NetworkConfig::default()
    };
    let pojo = typeinfo_serializers::SerializationConfig::default();
    let serializer: Arc<dyn typeinfo_serializers::RecordSerializer<Vec<u8>>> =
        Arc::new(typeinfo_serializers::select::Serializer::new(&pojo).unwrap());
    for transport in [Transport::Local, Transport::Tcp { task_managers: 2 }] {
        let job = JobBuilder::new("slow sink", true)
            .source(
                "source",
                2,
                |i| (0..RECORDS_PER_SOURCE).map(move |n| vec![(n as usize + i) as u8; RECORD]),
                None,
                Emission::default(),
            )
            .connect(Partitioner::Rebalance, serializer.clone(), 2)
            .map("slow", |record: Vec<u8>| {
                if record[0].is_multiple_of(16) {
                    std::thread::sleep(Duration::from_micros(500));
                }
                record
            })
            .sink("sink");
        let done = Arc::new(AtomicBool::new(false));
        let watcher = {
            let done = done.clone();
            std::thread::spawn(move || {
                let mut peak = 0;
                while !done.load(Ordering::Relaxed) {
                    peak = peak.max(resident_bytes().unwrap_or(0));
                    std::thread::sleep(Duration::from_millis(5));
                }
                peak
            })
        };
        let report = job.run(&config, transport.clone()).unwrap();
        done.store(true, Ordering::Relaxed);
        let peak = watcher.join().unwrap();
        let produced = report.edges[0].output.bytes;
        assert!(
            produced >= 2 * RECORDS_PER_SOURCE * RECORD as u64,
            "{produced}"
        );
        assert!(
            report.edges[0].output.blocked > Duration::ZERO,
            "{transport:?}"
        );
        let growth = peak.saturating_sub(before);
        println!(
            "{transport:?}: {} MiB produced, resident set grew by {} MiB at most",
            produced >> 20,
            growth >> 20
        );
        // The pools' 4 MiB, thread stacks, code pages touched for the first time, and the
        // allocator's slack; unbounded queues would hold tens of MiB.
        assert!(growth < 24 << 20, "{transport:?}: grew by {growth} bytes");
    }
}
