//! `etl`: a mobile-analytics ETL of the kind teams moved onto Flink. A topic of two
//! partitions holds the sessions SDKs upload, as JSON ([`topic`]). The job parses them,
//! rebalances them to a wider ETL stage (the chain breaks there, as it does when the ETL's
//! parallelism exceeds the topic's partitions), enriches them from the app catalogue and
//! drops beta builds, broken clocks and empty sessions ([`rules`]), keys them by app, and
//! per app and event-time minute counts sessions, events, purchases and revenue with a
//! histogram of session lengths.
//!
//! One description ([`Model`]) runs over two record representations: typed structs
//! ([`typed`]), which travel in the chosen format, and `serde_json::Value` trees
//! ([`trees`], `--format json-value`), the `JsonNode` records such teams started with. Both
//! give the same windows, so the same checksum.

pub mod rules;
pub mod topic;
pub mod trees;
pub mod typed;

use crate::jobs::JobFormat;
use rules::{Apps, Facts, Tier};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
pub use topic::{PARTITIONS, RawEvent};
use typeinfo::TypeInfo;
use typeinfo_engine::{
    Emission, EngineError, JobBuilder, JobGraph, Partitioner, StateBackend, WindowAggregate,
};
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::config::Format;

/// How the job's records are represented and read: the steps that differ between typed
/// records and JSON trees.
pub trait Model: Clone + Send + Sync + 'static {
    type Upload: Send + 'static;
    type Session: Send + 'static;
    /// The serializers of the edge after parsing and of the edge after enrichment; kryo
    /// registers `classes`.
    #[allow(clippy::type_complexity)]
    fn edges(
        format: &JobFormat,
        classes: &[&'static str],
    ) -> Result<
        (
            Arc<dyn RecordSerializer<Self::Upload>>,
            Arc<dyn RecordSerializer<Self::Session>>,
        ),
        EngineError,
    >;
    fn parse(json: &str) -> Result<Self::Upload, String>;
    fn enrich(upload: Self::Upload, apps: &Apps) -> Result<Self::Session, String>;
    fn keep(session: &Self::Session) -> bool;
    fn app_key(session: &Self::Session) -> &str;
    fn received_at(session: &Self::Session) -> i64;
    fn facts(session: &Self::Session) -> Facts;
}

/// Upper bounds of the session-length buckets, in ms: 10 s, 30 s, 1, 3, 10 and 30 min; the
/// last bucket holds the longer sessions.
pub const SESSION_LENGTH_BOUNDS_MS: [i64; 6] =
    [10_000, 30_000, 60_000, 180_000, 600_000, 1_800_000];

/// The window size: one minute of event time.
pub const WINDOW_MS: i64 = 60_000;

/// What the job produces: one app's minute.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppMinute {
    pub app_key: String,
    pub tier: Tier,
    pub window_start: i64,
    pub sessions: u64,
    pub events: u64,
    pub purchases: u64,
    pub revenue_usd_cents: i64,
    /// Sessions per length bucket (see [`SESSION_LENGTH_BOUNDS_MS`]).
    pub session_lengths: Vec<u64>,
}

/// An app's minute while its window is open: the window's keyed state, so on the disk
/// backend it is written in the job's format on every session.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct MinuteCounts {
    tier: Tier,
    sessions: u64,
    events: u64,
    purchases: u64,
    revenue_usd_cents: i64,
    session_lengths: [u64; SESSION_LENGTH_BOUNDS_MS.len() + 1],
}

impl MinuteCounts {
    pub fn add(&mut self, facts: Facts) {
        self.tier = facts.tier;
        self.sessions += 1;
        self.events += facts.events;
        self.purchases += facts.purchases;
        self.revenue_usd_cents += facts.revenue_usd_cents;
        let bucket = SESSION_LENGTH_BOUNDS_MS
            .iter()
            .position(|&bound| facts.session_length_ms < bound)
            .unwrap_or(SESSION_LENGTH_BOUNDS_MS.len());
        self.session_lengths[bucket] += 1;
    }

    pub fn finish(self, app_key: String, window_start: i64) -> AppMinute {
        AppMinute {
            app_key,
            tier: self.tier,
            window_start,
            sessions: self.sessions,
            events: self.events,
            purchases: self.purchases,
            revenue_usd_cents: self.revenue_usd_cents,
            session_lengths: self.session_lengths.to_vec(),
        }
    }
}

/// The window aggregate over either model's sessions.
pub struct PerAppMinute<M>(PhantomData<fn() -> M>);

impl<M> Clone for PerAppMinute<M> {
    fn clone(&self) -> Self {
        PerAppMinute(PhantomData)
    }
}

impl<M: Model> WindowAggregate<M::Session> for PerAppMinute<M> {
    type Key = String;
    type Acc = MinuteCounts;
    type Out = AppMinute;

    fn key(&self, session: &M::Session) -> String {
        M::app_key(session).to_owned()
    }
    fn event_time(&self, session: &M::Session) -> i64 {
        M::received_at(session)
    }
    fn create(&self) -> MinuteCounts {
        MinuteCounts::default()
    }
    fn add(&self, counts: &mut MinuteCounts, session: M::Session) {
        counts.add(M::facts(&session));
    }
    fn result(&self, app_key: String, window_start: i64, counts: MinuteCounts) -> AppMinute {
        counts.finish(app_key, window_start)
    }
}

/// How many of `records` partition `p` holds.
pub fn partition_len(records: u64, p: usize) -> u64 {
    let n = PARTITIONS as u64;
    records / n + u64::from((p as u64) < records % n)
}

/// Whether etl's window state can be checkpointed in `format`: whether its accumulators'
/// serializer has snapshots (the serde baselines have none).
pub fn state_has_snapshots(format: &str) -> bool {
    JobFormat::parse(format)
        .and_then(|f| f.serializer::<MinuteCounts>(&typed::classes()))
        .is_ok_and(|s| s.record_snapshot().is_some())
}

/// The job: `records` uploads in all, an ETL stage of `parallelism`, window accumulators in
/// `state`. With `json-value` the operators work on trees; with every other format on typed
/// records in that format (and the accumulators too, when `state` keeps them on disk).
pub fn job(
    format: &JobFormat,
    parallelism: usize,
    records: u64,
    chaining: bool,
    state: StateBackend,
) -> Result<JobGraph, EngineError> {
    job_into(format, parallelism, records, chaining, state, None)
}

/// The job, its windows written to `output` by an exactly-once sink (one JSON line per app
/// minute, committed per checkpoint) when given, else checksummed.
pub fn job_into(
    format: &JobFormat,
    parallelism: usize,
    records: u64,
    chaining: bool,
    state: StateBackend,
    output: Option<&Path>,
) -> Result<JobGraph, EngineError> {
    if format.format() == Format::JsonValue {
        build::<trees::Trees>(format, parallelism, records, chaining, state, output)
    } else {
        build::<typed::Typed>(format, parallelism, records, chaining, state, output)
    }
}

fn build<M: Model>(
    format: &JobFormat,
    parallelism: usize,
    records: u64,
    chaining: bool,
    state: StateBackend,
    output: Option<&Path>,
) -> Result<JobGraph, EngineError> {
    let classes = typed::classes();
    let raw = format.serializer::<RawEvent>(&classes)?;
    let minutes = format.serializer::<AppMinute>(&classes)?;
    let counts = format.serializer::<MinuteCounts>(&classes)?;
    let (uploads, sessions) = M::edges(format, &classes)?;
    let apps = Arc::new(Apps::catalogue());
    let windows = JobBuilder::new("etl", chaining)
        .state_backend(state)
        .parameter("records", records)
        .source(
            "topic",
            PARTITIONS,
            move |p| topic::partition(p, partition_len(records, p)),
            Some(|raw: &RawEvent| raw.timestamp),
            Emission::default(),
        )
        .connect(Partitioner::Forward, raw, PARTITIONS)
        .try_map("parse", |raw: RawEvent| M::parse(&raw.json))
        .connect(Partitioner::Rebalance, uploads, parallelism)
        .try_map("enrich", move |upload| M::enrich(upload, &apps))
        .filter("filter", M::keep)
        .connect(
            Partitioner::key_by_ref("app_key", M::app_key),
            sessions,
            parallelism,
        )
        .window("minute", WINDOW_MS, PerAppMinute::<M>(PhantomData), counts)
        .connect(Partitioner::Forward, minutes, parallelism);
    Ok(match output {
        None => windows.sink("dashboard"),
        Some(dir) => windows.sink_exactly_once("dashboard", dir, |minute: &AppMinute, out| {
            serde_json::to_writer(&mut *out, minute).expect("an app minute is plain data");
            out.push(b'\n');
        }),
    })
}
