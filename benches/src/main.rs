//! `cargo run --release`: the main job on the built-in datasets.

use std::process::ExitCode;
use typeinfo_benches::samples;

const USAGE: &str = "usage: typeinfo [--help]

Runs the main job on the built-in datasets (log: 10,000 web log lines; mesh: 125,000
triangles): prints each record type's TypeInfo, and its size in every format compared
(pojo, compact, the serde baselines, postcard) after checking each round trip.
Timed comparisons: cargo bench, or the interleaved runner
(cargo run --release -p typeinfo-benches --example interleaved).";

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
    print!("{:<14}", "format");
    for r in &reports {
        print!(" {:>12} {:>9}", format!("{} bytes", r.dataset), "per rec");
    }
    println!();
    for (i, (format, _)) in reports[0].sizes.iter().enumerate() {
        print!("{format:<14}");
        for r in &reports {
            let bytes = r.sizes[i].1;
            print!(" {:>12} {:>9.1}", bytes, bytes as f64 / r.records as f64);
        }
        println!();
    }
    println!("\nevery format decoded every dataset back to an equal value");
    ExitCode::SUCCESS
}
