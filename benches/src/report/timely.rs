//! The report's section on timely-dataflow: the etl job with each channel on its exchanges,
//! in one process and in two, and each channel's cost per record apart from the job.

use super::svg::{Bar, Chart, Panel, Row, number};
use crate::timely_etl::Channel;
use crate::timely_etl::compare::{ChannelResult, Comparison};
use std::fmt::Write as _;

fn baseline(c: &Comparison, processes: usize) -> Option<&ChannelResult> {
    c.results
        .iter()
        .find(|r| r.channel == Channel::BINCODE && r.processes == processes)
}

fn ratio(value: f64, base: Option<f64>) -> String {
    base.map_or_else(|| "–".into(), |b| format!("{:.2}×", value / b))
}

fn throughput(r: &ChannelResult) -> String {
    let s = &r.records_per_second;
    format!(
        "{} ({} – {})",
        number(s.median),
        number(s.low),
        number(s.high)
    )
}

/// The section of `report.md`.
pub fn section(c: &Comparison, chart: bool) -> String {
    let mut out = String::from("## On timely-dataflow\n\n");
    let _ = writeln!(
        out,
        "The etl job as a timely dataflow (`typeinfo timely-etl`): the same uploads, rules, \
         key-by and one-minute windows, its two exchanges carrying timely's own `Vec<T>` \
         (`{}`: bincode 1 through serde, padded to 8 bytes) or typeinfo's `Records<T>` in \
         each format. {} uploads; 1 process of 2 worker threads (the exchanges pass records \
         between threads without bytes), or 2 processes of 1 worker over loopback TCP; \
         median of {} repeat(s) (min – max), the channels taking turns. Bytes are what the \
         processes sent each other, message headers included.\n",
        Channel::BINCODE,
        c.records,
        c.repeats
    );
    out.push_str("| channel | 1 process: uploads/s | vs timely | 2 processes: uploads/s | vs timely | bytes between processes | vs timely |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    let (one, two) = (baseline(c, 1), baseline(c, 2));
    for r in c.results.iter().filter(|r| r.processes == 1) {
        let Some(across) = c
            .results
            .iter()
            .find(|o| o.channel == r.channel && o.processes == 2)
        else {
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.channel,
            throughput(r),
            ratio(
                r.records_per_second.median,
                one.map(|b| b.records_per_second.median)
            ),
            throughput(across),
            ratio(
                across.records_per_second.median,
                two.map(|b| b.records_per_second.median)
            ),
            number(across.bytes_between_processes as f64),
            ratio(
                across.bytes_between_processes as f64,
                two.map(|b| b.bytes_between_processes as f64)
            ),
        );
    }
    if let Some(first) = c.results.first() {
        let _ = writeln!(
            out,
            "\nEvery channel and topology gave the same {} windows (checksum {}), those of \
             the harness's etl on the same uploads.\n",
            first.windows, first.checksum
        );
    }
    let _ = writeln!(
        out,
        "What a channel adds per record that crosses processes, apart from the job (whose \
         JSON parsing is the same for every channel): the job's own {} uploads and the \
         sessions they give, in containers of the size timely fills, each written \
         (`length_in_bytes`, `into_bytes`) and read back (`from_bytes`) into owned records, \
         which are dropped outside the timing (the job drops them whatever carried them); ns \
         per record, median of the rounds (min – max), and bytes per record.\n",
        c.cost_records
    );
    out.push_str("| channel | uploads ns | speed vs timely | upload bytes | sessions ns | speed vs timely | session bytes |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    let base = c.costs.iter().find(|k| k.channel == Channel::BINCODE);
    for k in &c.costs {
        let spread = |s: &super::Spread| {
            format!(
                "{} ({} – {})",
                number(s.median),
                number(s.low),
                number(s.high)
            )
        };
        // A speed-up: the baseline's time over this channel's.
        let faster = |mine: f64, theirs: Option<f64>| {
            theirs.map_or_else(|| "–".into(), |t| format!("{:.2}×", t / mine))
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            k.channel,
            spread(&k.uploads.ns_per_record),
            faster(
                k.uploads.ns_per_record.median,
                base.map(|b| b.uploads.ns_per_record.median)
            ),
            number(k.uploads.bytes_per_record),
            spread(&k.sessions.ns_per_record),
            faster(
                k.sessions.ns_per_record.median,
                base.map(|b| b.sessions.ns_per_record.median)
            ),
            number(k.sessions.bytes_per_record),
        );
    }
    out.push('\n');
    if chart {
        out.push_str("![the etl job on timely, per channel](timely.svg)\n\n");
    }
    out
}

/// The chart: uploads per second per channel, in each topology.
pub fn chart(c: &Comparison) -> Chart {
    let rows = c
        .results
        .iter()
        .filter(|r| r.processes == 1)
        .map(|r| Row {
            label: r.channel.clone(),
            bars: [1, 2]
                .iter()
                .map(|&p| {
                    c.results
                        .iter()
                        .find(|o| o.channel == r.channel && o.processes == p)
                        .map(|o| Bar {
                            value: o.records_per_second.median,
                            spread: Some((o.records_per_second.low, o.records_per_second.high)),
                        })
                })
                .collect(),
        })
        .collect();
    Chart {
        title: "etl on timely-dataflow: throughput per channel".into(),
        axis: "uploads per second, median and min – max (more is better)".into(),
        series: vec!["1 process".into(), "2 processes".into()],
        panels: vec![Panel {
            title: format!("{} uploads", c.records),
            rows,
        }],
    }
}

/// The lines of the terminal summary.
pub fn summary(c: &Comparison) -> String {
    let mut out = format!(
        "\netl on timely, {} uploads: uploads/s in 1 and 2 processes, bytes between processes\n",
        c.records
    );
    for r in c.results.iter().filter(|r| r.processes == 1) {
        if let Some(across) = c
            .results
            .iter()
            .find(|o| o.channel == r.channel && o.processes == 2)
        {
            let _ = writeln!(
                out,
                "  {:<18} {:>10} {:>10} {:>14}",
                r.channel,
                number(r.records_per_second.median),
                number(across.records_per_second.median),
                number(across.bytes_between_processes as f64)
            );
        }
    }
    out
}
