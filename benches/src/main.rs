//! `cargo run --release`: the main job on the built-in datasets.

use std::process::ExitCode;
use typeinfo_benches::samples;

const USAGE: &str = "usage: typeinfo [--help]

Runs the main job on the built-in datasets (log: 10,000 web log lines; mesh: 125,000
triangles): prints each record type's TypeInfo, its size in the pojo and compact formats
next to bincode 2's and postcard's, and checks round trips. Criterion benches: cargo bench.";

fn main() -> ExitCode {
    if let Some(arg) = std::env::args().nth(1) {
        if arg == "--help" || arg == "-h" {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        eprintln!("error: unknown argument `{arg}`; the only option is --help\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let reports = match samples::run_all() {
        Ok(reports) => reports,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for r in &reports {
        println!(
            "== dataset `{}`: {} records of\n{}\n",
            r.dataset, r.records, r.record_type
        );
    }
    println!(
        "{:<8} {:>8} {:>10} {:>10} {:>10} {:>10}  {:>10} {:>10}  round trips",
        "dataset", "records", "pojo", "compact", "bincode 2", "postcard", "pojo enc", "pojo dec"
    );
    for r in &reports {
        println!(
            "{:<8} {:>8} {:>10} {:>10} {:>10} {:>10}  {:>7.3} ms {:>7.3} ms  {}",
            r.dataset,
            r.records,
            r.pojo_bytes,
            r.compact_bytes,
            r.bincode_bytes,
            r.postcard_bytes,
            r.encode_ms,
            r.decode_ms,
            if r.round_trip_ok { "ok" } else { "MISMATCH" }
        );
    }
    println!(
        "\n(sizes in bytes; times are one pass, for orientation; timed comparisons: cargo bench)"
    );
    if reports.iter().all(|r| r.round_trip_ok) {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: a round trip did not give back the value it started from");
        ExitCode::FAILURE
    }
}
