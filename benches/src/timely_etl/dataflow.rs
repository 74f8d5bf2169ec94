//! The `etl` job as a timely dataflow: the topic's partitions as sources, a rebalance
//! exchange of the parsed uploads, enrichment and the filter, an exchange keyed by app, and
//! one-minute event-time windows that fire as timely's frontier passes them. The two
//! exchanges carry a container chosen by the caller, so one dataflow runs on timely's
//! default `Vec<T>` (bincode through serde) and on typeinfo's `Records<T>`.
//!
//! Timely's time is the event-time minute of the topic's record; a source holds a
//! capability for the earliest minute any of its partitions has left, so a window closes
//! only once every record of its minute has arrived.

use crate::datasets::app_events::AppEvent;
use crate::jobs::etl::rules::Apps;
use crate::jobs::etl::typed::{Session, Typed};
use crate::jobs::etl::{MinuteCounts, Model, PARTITIONS, WINDOW_MS, partition_len, topic};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::rc::Rc;
use timely::container::{CapacityContainerBuilder, DrainContainer, PushInto, SizableContainer};
use timely::dataflow::ProbeHandle;
use timely::dataflow::channels::ContainerBytes;
use timely::dataflow::channels::pact::Pipeline;
use timely::dataflow::operators::generic::Operator;
use timely::dataflow::operators::generic::operator::source;
use timely::dataflow::operators::{Exchange, Probe};
use timely::worker::Worker;

/// What a container needs to carry `T` through the job's exchanges.
pub trait Carrier<T>:
    timely::Container
    + SizableContainer
    + ContainerBytes
    + Clone
    + Send
    + PushInto<T>
    + for<'a> DrainContainer<Item<'a> = T>
{
}

impl<T, C> Carrier<T> for C where
    C: timely::Container
        + SizableContainer
        + ContainerBytes
        + Clone
        + Send
        + PushInto<T>
        + for<'a> DrainContainer<Item<'a> = T>
{
}

/// What a worker's windows produced; summed over workers on worker 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// App-minutes fired.
    pub windows: u64,
    /// The engine's order-independent checksum over the fired `AppMinute`s.
    pub checksum: u64,
    /// Sessions for a window that had already fired (none, when time is right).
    pub late: u64,
    /// Sessions that reached the windows.
    pub sessions: u64,
}

impl Summary {
    pub fn merge(&mut self, other: Summary) {
        self.windows += other.windows;
        self.checksum = self.checksum.wrapping_add(other.checksum);
        self.late += other.late;
        self.sessions += other.sessions;
    }
}

/// Uploads a source emits per activation and partition.
const BATCH: usize = 1024;

const KEY_HASH: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x6b6579);

fn minute(event_time_ms: i64) -> u64 {
    u64::try_from(event_time_ms.div_euclid(WINDOW_MS)).expect("event times after 1970")
}

/// Builds the job on `worker` for `records` uploads in all. Worker 0's `total` receives
/// every worker's summary. The returned probe is done when the job is.
pub fn build<CU: Carrier<AppEvent>, CS: Carrier<Session>>(
    worker: &mut Worker,
    records: u64,
    total: Rc<RefCell<Summary>>,
) -> ProbeHandle<u64> {
    let index = worker.index();
    let peers = worker.peers();
    let probe = ProbeHandle::new();
    worker.dataflow::<u64, _, _>(|scope| {
        let uploads =
            source::<_, CapacityContainerBuilder<CU>, _, _>(scope, "topic", |cap, info| {
                let activator = scope.activator_for(info.address);
                let mut partitions: Vec<_> = (0..PARTITIONS)
                    .filter(|p| p % peers == index)
                    .map(|p| topic::partition(p, partition_len(records, p)).peekable())
                    .collect();
                let mut cap = Some(cap);
                move |output| {
                    let Some(held) = cap.as_mut() else { return };
                    {
                        let mut session = output.session(held);
                        for partition in &mut partitions {
                            for raw in partition.by_ref().take(BATCH) {
                                let upload = Typed::parse(&raw.json).unwrap_or_else(|e| {
                                    panic!("operator `parse` refused a record: {e}")
                                });
                                session.give(upload);
                            }
                        }
                    }
                    let next = partitions
                        .iter_mut()
                        .filter_map(|p| p.peek().map(|raw| minute(raw.timestamp)))
                        .min();
                    match next {
                        Some(next) => {
                            held.downgrade(&next);
                            activator.activate();
                        }
                        None => cap = None,
                    }
                }
            });
        let mut turn = index as u64;
        uploads
            .exchange(move |_: &AppEvent| {
                turn = turn.wrapping_add(1);
                turn
            })
            .unary::<CapacityContainerBuilder<CS>, _, _, _>(Pipeline, "enrich", |_, _| {
                let apps = Apps::catalogue();
                move |input, output| {
                    input.for_each(|cap, uploads| {
                        let mut session = output.session(&cap);
                        for upload in uploads.drain() {
                            let enriched = Typed::enrich(upload, &apps).unwrap_or_else(|e| {
                                panic!("operator `enrich` refused a record: {e}")
                            });
                            if Typed::keep(&enriched) {
                                session.give(enriched);
                            }
                        }
                    });
                }
            })
            .exchange(|session: &Session| KEY_HASH.hash_one(&session.app_key))
            .unary_frontier::<CapacityContainerBuilder<Vec<Summary>>, _, _, _>(
                Pipeline,
                "minute",
                |cap, _| {
                    let mut cap = Some(cap);
                    let mut windows = Windows::new();
                    move |(input, frontier), output| {
                        input.for_each(|_, sessions| {
                            for session in sessions.drain() {
                                windows.add(session);
                            }
                        });
                        // Every minute before the frontier's earliest is complete.
                        let complete_ms = frontier
                            .frontier()
                            .iter()
                            .min()
                            .map_or(i64::MAX, |&m| (m as i64).saturating_mul(WINDOW_MS));
                        windows.fire_before(complete_ms);
                        if frontier.is_empty()
                            && let Some(held) = cap.take()
                        {
                            output.session(&held).give(windows.summary);
                        }
                    }
                },
            )
            .exchange(|_: &Summary| 0)
            .probe_with(&probe)
            .sink(Pipeline, "dashboard", move |(input, _)| {
                input.for_each(|_, summaries| {
                    for summary in summaries.drain(..) {
                        total.borrow_mut().merge(summary);
                    }
                });
            });
    });
    probe
}

/// The open app-minutes of one worker.
struct Windows {
    open: HashMap<(String, i64), MinuteCounts, foldhash::fast::FixedState>,
    /// Windows starting before this have fired.
    fired_before: i64,
    summary: Summary,
}

impl Windows {
    fn new() -> Self {
        Windows {
            open: HashMap::default(),
            fired_before: i64::MIN,
            summary: Summary::default(),
        }
    }

    fn add(&mut self, session: Session) {
        self.summary.sessions += 1;
        let start = session.received_at - session.received_at.rem_euclid(WINDOW_MS);
        if start.saturating_add(WINDOW_MS) <= self.fired_before {
            self.summary.late += 1;
            return;
        }
        self.open
            .entry((session.app_key.clone(), start))
            .or_default()
            .add(Typed::facts(&session));
    }

    fn fire_before(&mut self, complete_ms: i64) {
        if complete_ms <= self.fired_before {
            return;
        }
        self.fired_before = complete_ms;
        let due: Vec<(String, i64)> = self
            .open
            .keys()
            .filter(|(_, start)| start.saturating_add(WINDOW_MS) <= complete_ms)
            .cloned()
            .collect();
        for key in due {
            let counts = self.open.remove(&key).expect("listed above");
            let minute = counts.finish(key.0, key.1);
            self.summary.windows += 1;
            self.summary.checksum = self
                .summary
                .checksum
                .wrapping_add(typeinfo_engine::checksum([&minute]));
        }
    }
}
