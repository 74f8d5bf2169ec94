//! The checkpoint part of a report: etl with checkpoints beside the same run without, per
//! state backend and format, with what a checkpoint took and weighed.

use super::Report;
use super::jobs::JobResult;
use super::svg::number;
use std::fmt::Write as _;

/// Each checkpointed run with the run of the same backend and format without checkpoints.
fn pairs(report: &Report) -> Vec<(&JobResult, Option<&JobResult>)> {
    report
        .checkpointed
        .iter()
        .map(|with| {
            let without = report.jobs.iter().chain(&report.disk_state).find(|r| {
                r.job == with.job
                    && r.format == with.format
                    && r.state_backend == with.state_backend
            });
            (with, without)
        })
        .collect()
}

/// The `report.md` section, empty when no run checkpointed.
pub fn section(report: &Report) -> String {
    let pairs = pairs(report);
    let Some((first, _)) = pairs.first() else {
        return String::new();
    };
    let interval = first.checkpoints.as_ref().map_or(0, |c| c.interval_ms);
    let mut out = String::from("## Checkpoints\n\n");
    let _ = writeln!(
        out,
        "etl again with a checkpoint every {interval} ms: at each barrier the window tasks \
         write their accumulators as state files in the format (its serializer snapshot \
         first), every task acknowledges, and the checkpoint completes when its metadata is \
         renamed into place (docs/checkpoints.md). {} uploads, parallelism {}; ops/ms are \
         medians of {} repeat(s), taking turns with every other run; duration (first \
         acknowledgement to completion) and bytes (state files of one checkpoint) are of the \
         last repeat. Only formats with snapshots can checkpoint. Every run gave the same \
         windows (checked).\n",
        first.records, first.parallelism, first.ops_per_ms.samples
    );
    out.push_str(
        "| format | state | ops/ms without | with checkpoints | with ÷ without | checkpoints | duration mean / max ms | bytes per checkpoint |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for (with, without) in &pairs {
        let Some(c) = &with.checkpoints else { continue };
        let base = without.map(|w| w.ops_per_ms.median);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {:.1} / {:.1} | {} |",
            with.format,
            with.state_backend,
            base.map_or_else(|| "–".into(), number),
            number(with.ops_per_ms.median),
            base.map_or_else(
                || "–".into(),
                |b| format!("{:.2}×", with.ops_per_ms.median / b)
            ),
            c.completed,
            c.duration_mean_ms,
            c.duration_max_ms,
            number(c.bytes_mean),
        );
    }
    out.push('\n');
    out
}
