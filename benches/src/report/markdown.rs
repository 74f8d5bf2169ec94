//! A report for people: the markdown page, the terminal summary, and the charts they show.

use super::jobs::JobResult;
use super::svg::{Bar, Chart, Panel, Row, number};
use super::{Report, Spread, micro::FormatResult};
use crate::datasets::DatasetKind;
use crate::interleaved::Operation;
use std::fmt::Write as _;

/// The datasets of a report, in run order.
fn datasets(report: &Report) -> Vec<DatasetKind> {
    report.settings.datasets.iter().map(|&(d, _)| d).collect()
}

fn rows_of(report: &Report, dataset: DatasetKind) -> Vec<&FormatResult> {
    report
        .datasets
        .iter()
        .filter(|r| r.dataset == dataset)
        .collect()
}

/// The job names of a report, in run order, with their results.
fn jobs(report: &Report) -> Vec<(&str, Vec<&JobResult>)> {
    report
        .settings
        .jobs
        .iter()
        .map(|(job, _)| {
            let rows = report.jobs.iter().filter(|r| r.job == *job).collect();
            (job.as_str(), rows)
        })
        .filter(|(_, rows): &(_, Vec<_>)| !rows.is_empty())
        .collect()
}

/// A job's pojo throughput, the base of its ratios, where pojo ran.
fn pojo_median(rows: &[&JobResult]) -> Option<f64> {
    rows.iter()
        .find(|r| r.format == "pojo")
        .map(|r| r.ops_per_ms.median)
}

fn spread(s: &Spread) -> String {
    format!(
        "{} ({} – {})",
        number(s.median),
        number(s.low),
        number(s.high)
    )
}

/// `value / base` as `1.23×`, where there is a base.
fn ratio(value: f64, base: Option<f64>) -> String {
    base.map_or_else(|| "–".into(), |b| format!("{:.2}×", value / b))
}

/// The summary printed at the end of a run.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    for (job, rows) in jobs(report) {
        let pojo = pojo_median(&rows);
        let first = rows[0];
        let _ = writeln!(
            out,
            "\n{job}: {} records, parallelism {}: source records per ms, median of {} \
             (min – max), and the ratio to pojo",
            first.records, first.parallelism, first.ops_per_ms.samples
        );
        for r in &rows {
            let _ = writeln!(
                out,
                "  {:<18} {:>22}  {:>6}",
                r.format,
                spread(&r.ops_per_ms),
                ratio(r.ops_per_ms.median, pojo)
            );
        }
    }
    out.push_str(&super::state::summary(report));
    if let Some(timely) = &report.timely {
        out.push_str(&super::timely::summary(timely));
    }
    let datasets = datasets(report);
    if !datasets.is_empty() {
        let _ = writeln!(out, "\nround trip per record: median ns (bytes per record)");
        let _ = write!(out, "  {:<18}", "format");
        for d in &datasets {
            let _ = write!(out, " {:>20}", d.name());
        }
        let _ = writeln!(out);
        for (format, cells) in dataset_rows(report, &datasets) {
            let _ = write!(out, "  {format:<18}");
            for cell in cells {
                let text = cell.map_or_else(
                    || "n/a".to_owned(),
                    |r| {
                        format!(
                            "{} ({})",
                            number(r.round_trip.median),
                            number(r.bytes_per_record())
                        )
                    },
                );
                let _ = write!(out, " {text:>20}");
            }
            let _ = writeln!(out);
        }
    }
    out
}

/// The two summary tables of `report.md` (and of the README's results): each job's
/// throughput per format, and each dataset's round trip and size per format.
pub fn summary_tables(report: &Report) -> String {
    let mut out = String::new();
    let jobs = jobs(report);
    if !jobs.is_empty() {
        out.push_str("| format |");
        for (job, rows) in &jobs {
            let _ = write!(
                out,
                " {job} ops/ms ({} records) | vs pojo |",
                rows[0].records
            );
        }
        out.push_str("\n|---|");
        out.push_str(&"---|---|".repeat(jobs.len()));
        out.push('\n');
        for format in &report.settings.formats {
            let cells: Vec<Option<&&JobResult>> = jobs
                .iter()
                .map(|(_, rows)| rows.iter().find(|r| r.format == *format))
                .collect();
            if cells.iter().all(Option::is_none) {
                continue;
            }
            let _ = write!(out, "| {format} |");
            for ((_, rows), cell) in jobs.iter().zip(cells) {
                let pojo = pojo_median(rows);
                match cell {
                    Some(r) => {
                        let median = r.ops_per_ms.median;
                        let _ = write!(out, " {} | {} |", number(median), ratio(median, pojo));
                    }
                    None => out.push_str(" | |"),
                }
            }
            out.push('\n');
        }
        out.push('\n');
    }
    let datasets = datasets(report);
    if !datasets.is_empty() {
        out.push_str(
            "Round trip (write, then read) per record, median, and bytes per record:\n\n| format |",
        );
        for d in &datasets {
            let _ = write!(out, " {} |", d.name());
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(datasets.len()));
        out.push('\n');
        for (format, cells) in dataset_rows(report, &datasets) {
            let _ = write!(out, "| {format} |");
            for cell in cells {
                match cell {
                    Some(r) => {
                        let _ = write!(
                            out,
                            " {} ns · {} B |",
                            number(r.round_trip.median),
                            number(r.bytes_per_record())
                        );
                    }
                    None => out.push_str(" n/a |"),
                }
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// One row per format that ran on any of `datasets`: its result on each, where it ran.
fn dataset_rows<'a>(
    report: &'a Report,
    datasets: &[DatasetKind],
) -> Vec<(&'a str, Vec<Option<&'a FormatResult>>)> {
    let find = |dataset: DatasetKind, format: &str| {
        report
            .datasets
            .iter()
            .find(|r| r.dataset == dataset && r.format == format)
    };
    report
        .settings
        .formats
        .iter()
        .map(|format| {
            let cells = datasets.iter().map(|&d| find(d, format)).collect();
            (format.as_str(), cells)
        })
        .filter(|(_, cells): &(_, Vec<Option<_>>)| cells.iter().any(Option::is_some))
        .collect()
}

/// The charts of a report, by file name.
pub fn charts(report: &Report) -> Vec<(String, Chart)> {
    let mut charts = Vec::new();
    let jobs = jobs(report);
    if !jobs.is_empty() {
        charts.push((
            "jobs.svg".to_owned(),
            Chart {
                title: "Engine jobs: throughput per format".into(),
                axis: "source records per ms, median and min – max (more is better)".into(),
                series: vec!["ops/ms".into()],
                panels: jobs
                    .iter()
                    .map(|(job, rows)| Panel {
                        title: (*job).to_owned(),
                        rows: rows
                            .iter()
                            .map(|r| Row {
                                label: r.format.clone(),
                                bars: vec![Some(bar(&r.ops_per_ms))],
                            })
                            .collect(),
                    })
                    .collect(),
            },
        ));
    }
    let datasets = datasets(report);
    if !datasets.is_empty() {
        let panels = |row: &dyn Fn(&FormatResult) -> Vec<Option<Bar>>| -> Vec<Panel> {
            datasets
                .iter()
                .map(|&d| Panel {
                    title: d.name().to_owned(),
                    rows: rows_of(report, d)
                        .into_iter()
                        .map(|r| Row {
                            label: r.format.clone(),
                            bars: row(r),
                        })
                        .collect(),
                })
                .collect()
        };
        let plain = |value| {
            Some(Bar {
                value,
                spread: None,
            })
        };
        charts.push((
            "sizes.svg".to_owned(),
            Chart {
                title: "Bytes per record".into(),
                axis: "bytes per record (less is better)".into(),
                series: vec!["encoded".into(), "after zstd".into()],
                panels: panels(&|r| {
                    vec![
                        plain(r.bytes_per_record()),
                        plain(r.zstd_bytes_per_record()),
                    ]
                }),
            },
        ));
        charts.push((
            "times.svg".to_owned(),
            Chart {
                title: "Serialize and deserialize time per record".into(),
                axis: "ns per record, median and p10 – p90 (less is better)".into(),
                series: vec!["serialize".into(), "deserialize".into()],
                panels: panels(&|r| vec![Some(bar(&r.serialize)), Some(bar(&r.deserialize))]),
            },
        ));
    }
    if let Some(timely) = &report.timely {
        charts.push(("timely.svg".to_owned(), super::timely::chart(timely)));
    }
    charts
}

fn bar(s: &Spread) -> Bar {
    Bar {
        value: s.median,
        spread: Some((s.low, s.high)),
    }
}

const DATASET_NOTES: [(DatasetKind, &str); 5] = [
    (
        DatasetKind::Log,
        "web server log lines (address, identity, user, date, request, code, size), the \
         whole dataset as one value, as in the reference Rust serialization benchmark",
    ),
    (
        DatasetKind::Mesh,
        "triangles of `[f32; 3]` vertices and a normal, as one value: plain numbers",
    ),
    (
        DatasetKind::AppEvents,
        "mobile-analytics session uploads (optional fields, custom events with maps of \
         typed parameters), one record at a time",
    ),
    (
        DatasetKind::GameSessions,
        "play sessions with the levels played and in-game payments, one record at a time",
    ),
    (
        DatasetKind::FlinkMini,
        "the nested record of Flink's serialization mini-benchmark (its `someObject` \
         field has no TypeInfo and goes through serde), one record at a time",
    ),
];

/// `report.md`.
pub fn report(report: &Report, charts: &[(String, Chart)]) -> String {
    let m = &report.machine;
    let mut out = String::from("# typeinfo: which serializer for my records?\n\n");
    let memory = m
        .memory_gib
        .map(|g| format!(", {g} GiB"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Run on {} on {} ({} cores{memory}), {}; {}; typeinfo {}.\n",
        m.date, m.cpu, m.cores, m.os, m.rustc, m.typeinfo
    );
    let versions: Vec<String> = m.versions.iter().map(|(n, v)| format!("{n} {v}")).collect();
    let _ = writeln!(out, "Measured crates: {}.\n", versions.join(", "));
    let _ = writeln!(
        out,
        "Command: `cargo run --release --{}{}` (the main job of the `typeinfo` binary).\n",
        if report.command.is_empty() { "" } else { " " },
        report.command
    );
    let chart = |name: &str| charts.iter().any(|(n, _)| n == name);
    out.push_str("## Summary\n\n");
    out.push_str(&summary_tables(report));
    out.push_str("Details, spreads and what each number means follow.\n\n");
    let jobs = jobs(report);
    if !jobs.is_empty() {
        out.push_str("## Engine jobs\n\n");
        out.push_str(
            "Source records per millisecond through the whole job, median of the repeats \
             (min – max), the formats taking turns; every edge carries records in the \
             format. `etl` parses JSON uploads from a 2-partition topic, enriches, filters, \
             keys by app and counts in 1-minute windows; `flink-mini` is Flink's \
             serialization mini-benchmark (sources rebalanced into a sink). Network bytes \
             are those written to every edge, per source record.\n\n",
        );
        for (job, rows) in &jobs {
            let pojo = pojo_median(rows);
            let first = rows[0];
            let _ = writeln!(
                out,
                "### {job}: {} records, parallelism {}, repeats: {}\n",
                first.records, first.parallelism, first.ops_per_ms.samples
            );
            out.push_str("| format | ops/ms (min – max) | vs pojo | network bytes/record |\n");
            out.push_str("|---|---|---|---|\n");
            for r in rows {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {:.1} |",
                    r.format,
                    spread(&r.ops_per_ms),
                    ratio(r.ops_per_ms.median, pojo),
                    r.network_bytes_per_record
                );
            }
            let _ = writeln!(
                out,
                "\nEvery format's sinks received the same {} records (checksum {}).\n",
                first.sink_records, first.checksum
            );
        }
        if chart("jobs.svg") {
            out.push_str("![engine throughput per format](jobs.svg)\n\n");
        }
    }
    out.push_str(&super::state::section(report));
    out.push_str(&super::checkpoints::section(report));
    if let Some(timely) = &report.timely {
        out.push_str(&super::timely::section(timely, chart("timely.svg")));
    }
    let datasets = datasets(report);
    if !datasets.is_empty() {
        out.push_str("## Datasets\n\n");
        let _ = writeln!(
            out,
            "Nanoseconds per record, median and p10 – p90 over {} rounds in which the \
             formats take turns; each format's round trip was checked for equality first. \
             Writers append to a buffer allocated outside the timed code (serialize), or \
             take each format's plain API, which returns a new vector per record (to_vec; \
             — where there is none); readers build owned values. Sizes are of the whole encoded dataset per record, and after \
             zstd level {}.\n",
            report.settings.rounds, report.settings.zstd_level
        );
        for d in datasets {
            let rows = rows_of(report, d);
            let records = rows.first().map_or(0, |r| r.records);
            let note = DATASET_NOTES
                .iter()
                .find(|(k, _)| *k == d)
                .map_or("", |(_, n)| n);
            let _ = writeln!(out, "### {}: {records} records\n\n{note}.\n", d.name());
            out.push_str(
                "| format | bytes/rec | zstd bytes/rec | serialize ns | to_vec ns | deserialize ns | round trip ns |\n",
            );
            out.push_str("|---|---|---|---|---|---|---|\n");
            for r in &rows {
                let times: Vec<String> = Operation::ALL
                    .iter()
                    .map(|&op| r.time(op).map_or_else(|| "—".to_owned(), spread))
                    .collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    r.format,
                    number(r.bytes_per_record()),
                    number(r.zstd_bytes_per_record()),
                    times.join(" | ")
                );
            }
            for s in report.skipped.iter().filter(|s| s.dataset == d) {
                let _ = writeln!(out, "\nNot measured: {} ({}).", s.format, s.reason);
            }
            out.push('\n');
        }
        for (name, alt) in [
            ("sizes.svg", "bytes per record"),
            ("times.svg", "time per record"),
        ] {
            if chart(name) {
                let _ = writeln!(out, "![{alt}]({name})\n");
            }
        }
    }
    out.push_str("## Raw results\n\n`results.json` holds every number above, with the settings.\n");
    out
}
