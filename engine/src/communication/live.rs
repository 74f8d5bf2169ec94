//! What a running job shows while it runs: a registry of series that tasks register and
//! publish into, rendered in Prometheus's text format by the metrics endpoint. Writers and
//! readers publish their totals every buffer (or every 1,024 records), so a scrape lags a
//! running task by at most one buffer or the buffer timeout; nothing per record is shared.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A metric's name, help and type.
#[derive(Debug)]
pub struct Metric {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        }
    }
}

impl Metric {
    pub const fn counter(name: &'static str, help: &'static str) -> Metric {
        Metric {
            name,
            help,
            kind: Kind::Counter,
        }
    }

    pub const fn gauge(name: &'static str, help: &'static str) -> Metric {
        Metric {
            name,
            help,
            kind: Kind::Gauge,
        }
    }
}

type Read = Box<dyn Fn() -> f64 + Send + Sync>;

struct Series {
    metric: &'static Metric,
    labels: Vec<(&'static str, String)>,
    read: Read,
}

/// Every series of the job's tasks in this process.
#[derive(Default)]
pub struct Registry {
    series: Mutex<Vec<Series>>,
}

impl Registry {
    /// Adds a series of `metric` with `labels`, read by `read` at every scrape.
    pub fn register(
        &self,
        metric: &'static Metric,
        labels: &[(&'static str, &str)],
        read: impl Fn() -> f64 + Send + Sync + 'static,
    ) {
        let labels = labels.iter().map(|&(k, v)| (k, v.to_owned())).collect();
        self.series
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Series {
                metric,
                labels,
                read: Box::new(read),
            });
    }

    /// A counter `source` publishes into.
    pub fn counter(
        &self,
        metric: &'static Metric,
        labels: &[(&'static str, &str)],
    ) -> Arc<AtomicU64> {
        let value = Arc::new(AtomicU64::new(0));
        let read = value.clone();
        self.register(metric, labels, move || read.load(Ordering::Relaxed) as f64);
        value
    }

    /// A counter of seconds `source` publishes into in nanoseconds.
    pub fn seconds_counter(
        &self,
        metric: &'static Metric,
        labels: &[(&'static str, &str)],
    ) -> Arc<AtomicU64> {
        let nanos = Arc::new(AtomicU64::new(0));
        let read = nanos.clone();
        self.register(metric, labels, move || {
            read.load(Ordering::Relaxed) as f64 / 1e9
        });
        nanos
    }

    /// The text format (version 0.0.4): each metric's HELP and TYPE once, then its series.
    pub fn render(&self) -> String {
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let mut metrics: Vec<&'static Metric> = Vec::new();
        for s in series.iter() {
            if !metrics.iter().any(|m| m.name == s.metric.name) {
                metrics.push(s.metric);
            }
        }
        let mut out = String::new();
        for metric in metrics {
            let _ = writeln!(out, "# HELP {} {}", metric.name, metric.help);
            let _ = writeln!(out, "# TYPE {} {}", metric.name, metric.kind.name());
            for s in series.iter().filter(|s| s.metric.name == metric.name) {
                out.push_str(metric.name);
                if !s.labels.is_empty() {
                    out.push('{');
                    for (i, (key, value)) in s.labels.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        let _ = write!(out, "{key}=\"{}\"", escape(value));
                    }
                    out.push('}');
                }
                let _ = writeln!(out, " {}", (s.read)());
            }
        }
        out
    }
}

/// A label value as the text format needs it: backslash, quote and newline escaped.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

pub static RECORDS_OUT: Metric = Metric::counter(
    "typeinfo_task_records_out_total",
    "Records a task wrote to an edge.",
);
pub static BYTES_OUT: Metric = Metric::counter(
    "typeinfo_task_bytes_out_total",
    "Bytes a task wrote to an edge, framing included.",
);
pub static BUFFERS_OUT: Metric = Metric::counter(
    "typeinfo_task_buffers_out_total",
    "Network buffers a task sent on an edge.",
);
pub static BACK_PRESSURE: Metric = Metric::counter(
    "typeinfo_task_back_pressure_seconds_total",
    "Time a task waited for a free network buffer on an edge.",
);
pub static BUFFERS_IN_USE: Metric = Metric::gauge(
    "typeinfo_task_buffers_in_use",
    "Network buffers of a task's output pool on loan now.",
);
pub static RECORDS_IN: Metric = Metric::counter(
    "typeinfo_task_records_in_total",
    "Records a task read from an edge.",
);
pub static BYTES_IN: Metric = Metric::counter(
    "typeinfo_task_bytes_in_total",
    "Bytes a task read from an edge, framing included.",
);
pub static CHECKPOINTS_ALIGNED: Metric = Metric::counter(
    "typeinfo_task_checkpoints_aligned_total",
    "Checkpoint barriers a task aligned over the channels of an edge.",
);
pub static ALIGNMENT: Metric = Metric::counter(
    "typeinfo_task_checkpoint_alignment_seconds_total",
    "Time channels of an edge were blocked waiting for the others' checkpoint barrier.",
);

/// The counters of one writer, published every buffer it sends.
pub(crate) struct LiveOutput {
    pub(crate) records: Arc<AtomicU64>,
    pub(crate) bytes: Arc<AtomicU64>,
    pub(crate) buffers: Arc<AtomicU64>,
    pub(crate) blocked_nanos: Arc<AtomicU64>,
}

/// The counters of one reader, published every 1,024 records and at the end.
pub(crate) struct LiveInput {
    pub(crate) records: Arc<AtomicU64>,
    pub(crate) bytes: Arc<AtomicU64>,
    pub(crate) checkpoints: Arc<AtomicU64>,
    pub(crate) alignment_nanos: Arc<AtomicU64>,
}

/// What one task registers under: the registry and its labels.
#[derive(Clone)]
pub struct TaskMetrics {
    pub(crate) registry: Arc<Registry>,
    pub(crate) task: String,
    pub(crate) task_manager: String,
}

impl TaskMetrics {
    pub(crate) fn new(registry: Arc<Registry>, task: String, task_manager: usize) -> Self {
        TaskMetrics {
            registry,
            task,
            task_manager: task_manager.to_string(),
        }
    }

    pub fn labels<'a>(&'a self, edge: &'a str) -> [(&'static str, &'a str); 3] {
        [
            ("task", &self.task),
            ("task_manager", &self.task_manager),
            ("edge", edge),
        ]
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The task's labels without an edge.
    pub fn task_labels(&self) -> [(&'static str, &str); 2] {
        [("task", &self.task), ("task_manager", &self.task_manager)]
    }

    pub(crate) fn output(&self, edge: &str) -> LiveOutput {
        let labels = self.labels(edge);
        let r = &self.registry;
        LiveOutput {
            records: r.counter(&RECORDS_OUT, &labels),
            bytes: r.counter(&BYTES_OUT, &labels),
            buffers: r.counter(&BUFFERS_OUT, &labels),
            blocked_nanos: r.seconds_counter(&BACK_PRESSURE, &labels),
        }
    }

    pub(crate) fn input(&self, edge: &str) -> LiveInput {
        let labels = self.labels(edge);
        let r = &self.registry;
        LiveInput {
            records: r.counter(&RECORDS_IN, &labels),
            bytes: r.counter(&BYTES_IN, &labels),
            checkpoints: r.counter(&CHECKPOINTS_ALIGNED, &labels),
            alignment_nanos: r.seconds_counter(&ALIGNMENT, &labels),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_groups_series_under_one_help_and_type_and_escapes_labels() {
        let registry = Registry::default();
        let a = registry.counter(&RECORDS_OUT, &[("task", "a \"b\"\\\n")]);
        registry.counter(&BYTES_OUT, &[("task", "x")]);
        registry.counter(&RECORDS_OUT, &[("task", "c")]);
        a.store(7, Ordering::Relaxed);
        assert_eq!(
            registry.render(),
            "# HELP typeinfo_task_records_out_total Records a task wrote to an edge.\n\
             # TYPE typeinfo_task_records_out_total counter\n\
             typeinfo_task_records_out_total{task=\"a \\\"b\\\"\\\\\\n\"} 7\n\
             typeinfo_task_records_out_total{task=\"c\"} 0\n\
             # HELP typeinfo_task_bytes_out_total Bytes a task wrote to an edge, framing included.\n\
             # TYPE typeinfo_task_bytes_out_total counter\n\
             typeinfo_task_bytes_out_total{task=\"x\"} 0\n"
        );
    }
}
