//! The keyed-state part of a report: etl with its window accumulators on the disk backend,
//! beside the same job on the heap, per format. This is the table a Flink user choosing a
//! state serializer for RocksDB wants: on disk every session read and wrote its window's
//! accumulator in the format.

use super::Report;
use super::jobs::JobResult;
use super::svg::number;
use std::fmt::Write as _;

/// Each disk run with the heap run of the same format, where there is one.
fn pairs(report: &Report) -> Vec<(&JobResult, Option<&JobResult>)> {
    report
        .disk_state
        .iter()
        .map(|disk| {
            let heap = report
                .jobs
                .iter()
                .find(|r| r.job == disk.job && r.format == disk.format);
            (disk, heap)
        })
        .collect()
}

fn ratio(value: f64, base: Option<f64>) -> String {
    base.map_or_else(|| "–".into(), |b| format!("{:.2}×", value / b))
}

/// The `report.md` section, empty when the disk backend did not run.
pub fn section(report: &Report) -> String {
    let pairs = pairs(report);
    let Some((first, _)) = pairs.first() else {
        return String::new();
    };
    let mut out = String::from("## Keyed state on disk\n\n");
    let _ = writeln!(
        out,
        "etl's one-minute windows keep their accumulators as keyed value state. On the heap \
         backend they are objects; on the disk backend (an embedded LSM store, fjall, one \
         per window subtask) every session reads its window's accumulator, decodes it, adds \
         to it, encodes it and writes it back, in the job's format, and each fired window is \
         read once more (Flink's RocksDB backend). {} uploads, parallelism {}; source \
         records per ms, median of {} repeat(s) (min – max), every run taking turns; state \
         bytes are the values written and read per upload (keys not counted). Every run gave \
         the heap's windows (checked).\n",
        first.records, first.parallelism, first.ops_per_ms.samples
    );
    out.push_str(
        "| format | heap ops/ms | disk ops/ms | disk ÷ heap | disk vs pojo | state bytes written / upload | read / upload |\n\
         |---|---|---|---|---|---|---|\n",
    );
    let pojo = pairs
        .iter()
        .find(|(d, _)| d.format == "pojo")
        .map(|(d, _)| d.ops_per_ms.median);
    for (disk, heap) in &pairs {
        let median = disk.ops_per_ms.median;
        let _ = writeln!(
            out,
            "| {} | {} | {} ({} – {}) | {} | {} | {:.1} | {:.1} |",
            disk.format,
            heap.map_or_else(|| "–".into(), |h| number(h.ops_per_ms.median)),
            number(median),
            number(disk.ops_per_ms.low),
            number(disk.ops_per_ms.high),
            ratio(median, heap.map(|h| h.ops_per_ms.median)),
            ratio(median, pojo),
            disk.state_bytes_written_per_record,
            disk.state_bytes_read_per_record,
        );
    }
    out.push('\n');
    out
}

/// The terminal summary's lines.
pub fn summary(report: &Report) -> String {
    let pairs = pairs(report);
    let Some((first, _)) = pairs.first() else {
        return String::new();
    };
    let mut out = format!(
        "\n{} with window state on disk, {} records: ops/ms, disk ÷ heap, state bytes written per record\n",
        first.job, first.records
    );
    for (disk, heap) in &pairs {
        let _ = writeln!(
            out,
            "  {:<18} {:>10} {:>8} {:>10.1}",
            disk.format,
            number(disk.ops_per_ms.median),
            ratio(disk.ops_per_ms.median, heap.map(|h| h.ops_per_ms.median)),
            disk.state_bytes_written_per_record
        );
    }
    out
}
