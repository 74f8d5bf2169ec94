//! Faults a job must survive without hanging, leaking threads or memory: a task that
//! panics, a record over the limit, hostile framing that floods a reader with tiny buffers
//! or claims gigabytes. Its own test binary with one test function, so that the thread
//! count and the counting allocator see this job alone.

use std::sync::Arc;
use std::time::{Duration, Instant};
use typeinfo_engine::{
    ChannelEvent, Delivery, Emission, EngineError, InputGate, JobBuilder, JobControl,
    NetworkBufferPool, NetworkConfig, Partitioner, RecordReader, Transport,
};
use typeinfo_serializers::RecordSerializer;
use typeinfo_tests::counting::{Counting, peak_of};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Threads of this process, where the OS tells.
fn threads() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/task").ok()?.count())
}

fn bytes_serializer() -> Arc<dyn RecordSerializer<Vec<u8>>> {
    let config = typeinfo_serializers::SerializationConfig::default();
    Arc::new(typeinfo_serializers::select::Serializer::new(&config).unwrap())
}

/// Runs a job that must fail, and checks it failed with `expected` in time, leaving no
/// thread behind.
fn fails_cleanly(
    name: &str,
    transport: Transport,
    config: &NetworkConfig,
    job: typeinfo_engine::JobGraph,
    expected: impl Fn(&EngineError) -> bool,
) -> String {
    let before = threads();
    let started = Instant::now();
    let e = job.run(config, transport.clone()).unwrap_err();
    let took = started.elapsed();
    assert!(expected(&e), "{name}: {e}");
    assert!(took < Duration::from_secs(20), "{name}: took {took:?}");
    // A joined thread can linger in /proc for a moment after its join returns (the
    // kernel wakes the joiner before it drops the task), so give it that moment.
    let settle = Instant::now() + Duration::from_secs(2);
    while threads() != before && Instant::now() < settle {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(threads(), before, "{name}: threads left behind");
    format!("{name} over {transport:?}: failed in {took:?} with: {e}")
}

fn panicking_task(transport: Transport) -> String {
    let job = JobBuilder::new("panics", true)
        .source(
            "source",
            2,
            |_| (0..u64::MAX).map(|n| vec![n as u8; 100]),
            None,
            Emission::default(),
        )
        .connect(Partitioner::Rebalance, bytes_serializer(), 2)
        .map("fails", |record: Vec<u8>| {
            assert!(record[0] != 200, "record starting with 200");
            record
        })
        .sink("sink");
    fails_cleanly(
        "a panicking task",
        transport,
        &NetworkConfig::default(),
        job,
        |e| matches!(e, EngineError::TaskPanicked { message, .. } if message.contains("200")),
    )
}

fn record_over_the_limit(transport: Transport) -> String {
    let config = NetworkConfig {
        max_record_bytes: 64 << 10,
        ..NetworkConfig::default()
    };
    let job = JobBuilder::new("too big", true)
        .source(
            "source",
            2,
            |_| (0..1000usize).map(|n| vec![1u8; if n == 500 { 65 << 10 } else { 100 }]),
            None,
            Emission::default(),
        )
        .connect(Partitioner::Rebalance, bytes_serializer(), 2)
        .sink("sink");
    fails_cleanly("a record over the limit", transport, &config, job, |e| {
        let e = e.to_string();
        e.contains("exceeds max_record_bytes (65536)") && e.contains("on edge `source`")
    })
}

/// A reader fed `buffers` buffers of `bytes` each on one channel, then the channel's end.
fn reader_of(buffers: Vec<Vec<u8>>, segment: usize, limit: usize) -> RecordReader<Vec<u8>> {
    let count = buffers.len().max(1);
    let pool = NetworkBufferPool::new(count, segment)
        .local_pool(count, "hostile")
        .unwrap();
    let (gate, senders) = InputGate::new(1, JobControl::new());
    for bytes in buffers {
        let mut buffer = pool.try_request().unwrap();
        assert_eq!(buffer.append(&bytes), bytes.len());
        senders[0].deliver(Delivery::Buffer(buffer));
    }
    senders[0].deliver(Delivery::Event(ChannelEvent::EndOfPartition));
    RecordReader::new("hostile → reader".into(), gate, bytes_serializer(), limit)
}

/// Peak allocation while the reader reads to its first error.
fn reader_peak(mut reader: RecordReader<Vec<u8>>, expected: &str) -> usize {
    let (peak, e) = peak_of(|| {
        loop {
            match reader.next(Some(Instant::now())) {
                Err(e) => break e,
                Ok(typeinfo_engine::Next::Element { .. }) => {}
                Ok(other) => panic!("{expected}: read to {other:?} without an error"),
            }
        }
    });
    assert!(e.to_string().contains(expected), "{e}");
    peak
}

#[test]
fn faults_fail_the_job_in_time_and_leave_nothing_behind() {
    if threads().is_none() {
        println!("thread counts skipped: no /proc/self/task on this system");
    }
    let mut outcomes = Vec::new();
    for transport in [Transport::Local, Transport::Tcp { task_managers: 2 }] {
        outcomes.push(panicking_task(transport.clone()));
        outcomes.push(record_over_the_limit(transport));
    }

    // An element that claims 4 GiB is refused before anything is gathered for it.
    let claim = reader_of(vec![vec![0xfe, 0xff, 0xff, 0xff, 0]], 64, 1 << 20);
    let claim_peak = reader_peak(claim, "over the limit");
    assert!(
        claim_peak < 4096,
        "a 4 GiB claim allocated {claim_peak} bytes"
    );
    outcomes.push(format!(
        "a 4 GiB length claim: refused, peak allocation {claim_peak} bytes"
    ));

    // A flood of one-byte buffers of one element that claims 1 MiB and never completes:
    // the element gathers only the bytes that arrived.
    let mut flood = vec![[(1u32 << 20).to_le_bytes().to_vec(), vec![0]].concat()];
    flood.extend((0..50_000).map(|_| vec![7u8]));
    let flood_peak = reader_peak(reader_of(flood, 8, 4 << 20), "ended inside an element");
    assert!(
        flood_peak <= 2 * 50_000 + 4096,
        "50,000 bytes gathered with a peak of {flood_peak} bytes"
    );
    outcomes.push(format!(
        "50,000 one-byte buffers of an element claiming 1 MiB: refused at the end, peak allocation {flood_peak} bytes"
    ));
    for outcome in outcomes {
        println!("{outcome}");
    }
}
