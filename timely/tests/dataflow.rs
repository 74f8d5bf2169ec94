//! Records in a timely dataflow whose workers exchange bytes (timely's zero-copy allocator
//! serializes between threads as it does between processes).

use std::sync::mpsc;
use std::time::Duration;
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Pipeline;
use timely::dataflow::operators::core::{Exchange, Probe};
use timely::dataflow::operators::generic::Operator;
use timely::dataflow::{InputHandle, ProbeHandle};
use timely::{CommunicationConfig, WorkerConfig};
use typeinfo::TypeInfo;
use typeinfo_serializers::SerializationConfig;
use typeinfo_timely::Records;

#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Order {
    customer: String,
    cents: i64,
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Note {
    text: String,
}

fn two_workers_over_bytes() -> timely::Config {
    timely::Config {
        communication: CommunicationConfig::ProcessBinary(2),
        worker: WorkerConfig::default(),
    }
}

/// Runs `work` on a thread; fails the test if it takes longer than `bound`.
fn within<T: Send + 'static>(bound: Duration, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || done.send(work()));
    finished
        .recv_timeout(bound)
        .expect("the dataflow ended within its bound")
}

#[test]
fn records_are_exchanged_by_key_between_workers_that_serialize() {
    let per_worker = within(Duration::from_secs(60), || {
        timely::execute(two_workers_over_bytes(), |worker| {
            let index = worker.index();
            let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
            let sink = seen.clone();
            let mut input = InputHandle::<u64, CapacityContainerBuilder<Records<Order>>>::new();
            let probe = ProbeHandle::new();
            worker.dataflow(|scope| {
                input
                    .to_stream(scope)
                    .exchange(|order: &Order| order.customer.len() as u64)
                    .probe_with(&probe)
                    .sink(Pipeline, "Collect", move |(input, _)| {
                        input.for_each(|_, records| {
                            sink.borrow_mut().extend(records.try_drain().unwrap());
                        });
                    });
            });
            if index == 0 {
                for i in 0..5_000 {
                    let customer = "c".repeat(1 + i % 7);
                    input.send(Order {
                        customer,
                        cents: i as i64,
                    });
                }
            }
            input.close();
            while !probe.done() {
                worker.step();
            }
            while worker.has_dataflows() {
                worker.step();
            }
            seen.take()
        })
        .unwrap()
        .join()
        .into_iter()
        .map(Result::unwrap)
        .collect::<Vec<_>>()
    });
    let total: usize = per_worker.iter().map(Vec::len).sum();
    assert_eq!(total, 5_000);
    // Routed by key: each worker holds the customers of its parity of name length.
    for (worker, orders) in per_worker.iter().enumerate() {
        assert!(!orders.is_empty());
        assert!(orders.iter().all(|o| o.customer.len() % 2 == worker));
    }
    let mut cents: Vec<i64> = per_worker.iter().flatten().map(|o| o.cents).collect();
    cents.sort();
    assert_eq!(cents, (0..5_000).collect::<Vec<_>>());
}

#[test]
fn a_record_the_reader_would_refuse_ends_the_worker_with_the_error() {
    let config = SerializationConfig::builder()
        .max_record_bytes(128)
        .build()
        .unwrap();
    typeinfo_timely::install::<Note>(&config).unwrap();
    // Timely's join keeps only that a worker panicked; the hook keeps what it said.
    let said = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let hook_said = said.clone();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        hook_said.lock().unwrap().push(info.to_string());
        default_hook(info);
    }));
    let results = within(Duration::from_secs(60), || {
        timely::execute(two_workers_over_bytes(), |worker| {
            let mut input = InputHandle::<u64, CapacityContainerBuilder<Records<Note>>>::new();
            let probe =
                worker.dataflow(|scope| input.to_stream(scope).exchange(|_: &Note| 1).probe().0);
            if worker.index() == 0 {
                input.send(Note {
                    text: "x".repeat(1_000),
                });
            }
            input.close();
            while !probe.done() {
                worker.step();
            }
        })
        .unwrap()
        .join()
    });
    // Both workers end: the sender with the encode error, its peer as timely's channels
    // to a dead worker make it.
    assert!(results.iter().all(Result::is_err), "{results:?}");
    let said = said.lock().unwrap();
    assert!(
        said.iter()
            .any(|m| m.contains("cannot be written in pojo") && m.contains("(128)")),
        "{said:?}"
    );
}
