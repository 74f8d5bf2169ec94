//! Jobs end to end: buffers checked at start, failures that stop the job without hanging,
//! back pressure over TCP, and event-time windows that agree across topologies.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use typeinfo_engine::{
    Emission, EngineError, JobBuilder, JobGraph, NetworkConfig, Partitioner, StateBackend,
    Transport, WindowAggregate,
};
use typeinfo_serializers::RecordSerializer;

fn pojo<T>() -> Arc<dyn RecordSerializer<T>>
where
    T: typeinfo::Encode + typeinfo::Decode + Send + Sync + 'static,
{
    let config = typeinfo_serializers::SerializationConfig::default();
    Arc::new(typeinfo_serializers::select::Serializer::<T>::new(&config).unwrap())
}

fn numbers(records: u64, slow_every: Option<u64>) -> JobGraph {
    JobBuilder::new("numbers", true)
        .source(
            "source",
            2,
            move |i| (0..records).map(move |n| n * 2 + i as u64),
            None,
            Emission::default(),
        )
        .connect(Partitioner::Rebalance, pojo(), 2)
        .map("slow", move |n: u64| {
            if slow_every.is_some_and(|every| n.is_multiple_of(every)) {
                std::thread::sleep(Duration::from_millis(1));
            }
            n
        })
        .sink("sink")
}

#[test]
fn too_few_buffers_fail_at_start_with_the_numbers() {
    let config = NetworkConfig {
        network_buffers: 20,
        ..NetworkConfig::default()
    };
    let e = numbers(10, None)
        .run(&config, Transport::Local)
        .unwrap_err();
    assert!(matches!(
        e,
        EngineError::InsufficientBuffers {
            required: 24,
            available: 20,
            ..
        }
    ));
    assert!(e.to_string().contains("raise network_buffers"), "{e}");
}

#[test]
fn a_slow_consumer_over_tcp_back_pressures_within_the_pools() {
    let config = NetworkConfig {
        segment_size: 256,
        ..NetworkConfig::default()
    };
    let report = numbers(20_000, Some(500))
        .run(&config, Transport::Tcp { task_managers: 2 })
        .unwrap();
    assert_eq!(report.sink.records, 40_000);
    let edge = &report.edges[0];
    assert_eq!(edge.remote_channels, 2);
    assert!(
        edge.output.blocked > Duration::ZERO,
        "the sources waited for buffers"
    );
    assert!(edge.output.pool_peak <= edge.output.pool_capacity);
    assert!(report.required_buffers <= report.network_buffers);
}

#[test]
fn a_panicking_task_fails_the_job_without_hanging() {
    for transport in [Transport::Local, Transport::Tcp { task_managers: 2 }] {
        let job = JobBuilder::new("panics", true)
            .source("source", 2, |_| 0..u64::MAX, None, Emission::default())
            .connect(Partitioner::Rebalance, pojo(), 2)
            .map("fails", |n: u64| {
                assert!(n < 100_000, "record {n} is too big");
                n
            })
            .sink("sink");
        let started = Instant::now();
        let e = job.run(&NetworkConfig::default(), transport).unwrap_err();
        assert!(
            matches!(&e, EngineError::TaskPanicked { message, .. } if message.contains("too big")),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}

#[test]
fn a_record_an_operator_refuses_fails_the_job_naming_the_operator() {
    let job = JobBuilder::new("refuses", true)
        .source(
            "source",
            1,
            |_| {
                (0..u64::MAX).map(|n| {
                    if n == 5_000 {
                        "x".to_owned()
                    } else {
                        n.to_string()
                    }
                })
            },
            None,
            Emission::default(),
        )
        .try_map("parse", |text: String| {
            text.parse::<u64>()
                .map_err(|e| format!("`{text}` is not a number: {e}"))
        })
        .connect(Partitioner::Rebalance, pojo(), 2)
        .sink("sink");
    let e = job
        .run(&NetworkConfig::default(), Transport::Local)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "operator `parse`: `x` is not a number: invalid digit found in string"
    );
}

/// Readings of a few sensors, in event-time order per source.
#[derive(typeinfo::TypeInfo, Debug, Clone, PartialEq, Hash)]
struct Reading {
    sensor: u32,
    time_ms: i64,
    value: u32,
}

#[derive(typeinfo::TypeInfo, Debug, Clone, PartialEq, Eq, Hash)]
struct WindowSum {
    sensor: u32,
    start: i64,
    count: u64,
    sum: u64,
}

#[derive(Clone)]
struct SumPerSensor;

impl WindowAggregate<Reading> for SumPerSensor {
    type Key = u32;
    type Acc = (u64, u64);
    type Out = WindowSum;
    fn key(&self, r: &Reading) -> u32 {
        r.sensor
    }
    fn event_time(&self, r: &Reading) -> i64 {
        r.time_ms
    }
    fn create(&self) -> (u64, u64) {
        (0, 0)
    }
    fn add(&self, acc: &mut (u64, u64), r: Reading) {
        acc.0 += 1;
        acc.1 += u64::from(r.value);
    }
    fn result(&self, sensor: u32, start: i64, (count, sum): (u64, u64)) -> WindowSum {
        WindowSum {
            sensor,
            start,
            count,
            sum,
        }
    }
}

fn reading(source: usize, i: i64) -> Reading {
    Reading {
        sensor: ((i * 7 + source as i64) % 5) as u32,
        time_ms: i * 10,
        value: (i % 13) as u32,
    }
}

fn windows_job(chaining: bool, state: StateBackend) -> JobGraph {
    windows_job_pausing(chaining, state, None)
}

/// The windows job, its sources pausing 1 ms every `pause_every` records.
fn windows_job_pausing(chaining: bool, state: StateBackend, pause_every: Option<i64>) -> JobGraph {
    JobBuilder::new("windows", chaining)
        .state_backend(state)
        .source(
            "readings",
            3,
            move |s| {
                (0..2_000).map(move |i| {
                    if pause_every.is_some_and(|every| i % every == 0) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    reading(s, i)
                })
            },
            Some(|r: &Reading| r.time_ms),
            Emission {
                watermark_every: 50,
                ..Emission::default()
            },
        )
        .connect(Partitioner::Forward, pojo(), 3)
        .filter("odd values", |r: &Reading| r.value % 2 == 1)
        .connect(
            Partitioner::key_by("sensor", |r: &Reading| r.sensor),
            pojo(),
            2,
        )
        .window("sum per second", 1000, SumPerSensor, pojo())
        .sink("sink")
}

/// The windows computed directly: (sensor, start) → (count, sum).
fn expected_windows() -> HashMap<(u32, i64), (u64, u64)> {
    let mut expected: HashMap<(u32, i64), (u64, u64)> = HashMap::new();
    for s in 0..3 {
        for r in (0..2_000)
            .map(|i| reading(s, i))
            .filter(|r| r.value % 2 == 1)
        {
            let acc = expected
                .entry((r.sensor, r.time_ms - r.time_ms % 1000))
                .or_default();
            acc.0 += 1;
            acc.1 += u64::from(r.value);
        }
    }
    expected
}

fn checksum_of(windows: &HashMap<(u32, i64), (u64, u64)>) -> u64 {
    typeinfo_engine::checksum(
        windows
            .iter()
            .map(|(&(sensor, start), &(count, sum))| WindowSum {
                sensor,
                start,
                count,
                sum,
            }),
    )
}

#[test]
fn checkpoint_barriers_are_aligned_at_every_task_and_change_no_result() {
    let expected = expected_windows();
    let (windows, checksum) = (expected.len() as u64, checksum_of(&expected));
    for chaining in [true, false] {
        for transport in [Transport::Local, Transport::Tcp { task_managers: 2 }] {
            // Sources of 2,000 readings pausing 1 ms every 100: at least 20 ms each, so
            // barriers every 2 ms cut each of them several times.
            let report = windows_job_pausing(chaining, StateBackend::Heap, Some(100))
                .with_barriers(Duration::from_millis(2))
                .run(&NetworkConfig::default(), transport.clone())
                .unwrap();
            let at = format!("chaining {chaining}, {transport:?}");
            assert_eq!(report.late_records, 0, "{at}");
            assert_eq!(
                (report.sink.records, report.sink.checksum),
                (windows, checksum),
                "{at}"
            );
            let sources: Vec<u64> = report
                .tasks
                .iter()
                .filter(|t| t.source_records > 0)
                .map(|t| t.barriers.emitted)
                .collect();
            assert_eq!(sources.len(), 3, "{at}");
            assert!(sources.iter().all(|&n| n >= 3), "{sources:?}, {at}");
            let most = *sources.iter().max().unwrap();
            // A task aligns every checkpoint its upstream sources cut, once: as many as the
            // source that cut most, unless all of its sources are one (forward) source.
            let network: Vec<&typeinfo_engine::TaskReport> = report
                .tasks
                .iter()
                .filter(|t| t.source_records == 0)
                .collect();
            for task in &network {
                let b = &task.barriers;
                assert_eq!(b.emitted, 0, "{}", task.task);
                assert!(sources.contains(&b.aligned), "{}: {b:?}, {at}", task.task);
            }
            let window_tasks: Vec<_> = network
                .iter()
                .filter(|t| t.task.contains("sum per second"))
                .collect();
            assert_eq!(window_tasks.len(), 2, "{at}");
            for task in window_tasks {
                assert_eq!(task.barriers.aligned, most, "{}, {at}", task.task);
            }
            assert_eq!(report.barriers.emitted, sources.iter().sum::<u64>(), "{at}");
        }
    }
}

/// A source held up before its first barrier keeps the other source's channels blocked at
/// every consumer: their buffers queue (locally in the producer's pool, over TCP as the
/// receiver's credit), the other source waits for buffers, and the alignment lasts about
/// as long as the hold-up.
#[test]
fn an_alignment_held_up_by_one_source_back_pressures_the_other() {
    const HOLD_UP: Duration = Duration::from_millis(400);
    for transport in [Transport::Local, Transport::Tcp { task_managers: 2 }] {
        let report = JobBuilder::new("held up", true)
            .source(
                "numbers",
                2,
                |i| {
                    (0..300_000u64).inspect(move |&n| {
                        if i == 0 && n == 100 {
                            std::thread::sleep(HOLD_UP);
                        }
                    })
                },
                None,
                Emission::default(),
            )
            .connect(Partitioner::Rebalance, pojo(), 2)
            .sink("sink")
            .with_barriers(Duration::from_millis(50))
            .run(&NetworkConfig::default(), transport.clone())
            .unwrap();
        assert_eq!(report.sink.records, 600_000, "{transport:?}");
        let task = |name: &str| report.tasks.iter().find(|t| t.task == name).unwrap();
        let fast = &task("numbers[1]").outputs[0].1;
        assert!(
            fast.blocked > HOLD_UP / 4,
            "the fast source waited {:?} for buffers, {transport:?}",
            fast.blocked
        );
        let longest = report.barriers.alignment_max;
        assert!(
            longest > HOLD_UP / 2,
            "the longest alignment took {longest:?}, {transport:?}"
        );
    }
}

#[test]
fn windows_give_the_same_results_in_every_topology() {
    let expected = expected_windows();
    let expected_checksum = checksum_of(&expected);
    let disk = StateBackend::Disk {
        dir: std::env::temp_dir(),
    };
    for state in [StateBackend::Heap, disk] {
        for chaining in [true, false] {
            for transport in [Transport::Local, Transport::Tcp { task_managers: 2 }] {
                let report = windows_job(chaining, state.clone())
                    .run(&NetworkConfig::default(), transport.clone())
                    .unwrap();
                assert_eq!(report.late_records, 0, "watermarks never overtake records");
                assert_eq!(report.sink.records, expected.len() as u64);
                assert_eq!(
                    report.sink.checksum, expected_checksum,
                    "{state:?}, chaining {chaining}, {transport:?}"
                );
                let accesses = report.state.reads + report.state.writes;
                match state {
                    StateBackend::Heap => assert_eq!(accesses, 0, "the heap serializes nothing"),
                    StateBackend::Disk { .. } => {
                        let kept: u64 = expected.values().map(|acc| acc.0).sum();
                        assert_eq!(report.state.writes, kept, "one write per record");
                        let windows = expected.len() as u64;
                        assert_eq!(
                            report.state.reads,
                            kept + windows,
                            "one read per record and per window that fires"
                        );
                        assert_eq!(report.state.removes, expected.len() as u64);
                    }
                }
            }
        }
    }
}
