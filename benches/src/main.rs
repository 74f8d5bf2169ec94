//! `cargo run --release`: the main job on the built-in datasets; `explain` shows which
//! serializer a config selects.

use std::process::ExitCode;
use typeinfo::config::SerializationConfig;
use typeinfo_benches::runner::{self, RunArgs};
use typeinfo_benches::{explain, samples};

const USAGE: &str = "usage: typeinfo [--help]
       typeinfo explain [--config FILE]
       typeinfo run [FLAGS] (below)

With no arguments, runs the main job on the built-in datasets (log: 10,000 web log lines;
mesh: 125,000 triangles): prints each record type's TypeInfo, and its size in every format
compared (pojo, compact, the serde baselines, postcard) after checking each round trip.

explain: prints, for each record type of the built-in datasets, the serializer that the
config FILE (TOML; the defaults without it) selects and why.

Timed comparisons: cargo bench, or the interleaved runner
(cargo run --release -p typeinfo-benches --example interleaved).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => main_job(),
        ["--help" | "-h"] => {
            println!("{USAGE}\n{}", runner::USAGE);
            ExitCode::SUCCESS
        }
        ["explain"] => explain_config(None),
        ["explain", "--config", file] => explain_config(Some(file)),
        ["explain", "--config"] => usage_error("`--config` needs a FILE"),
        ["run", rest @ ..] => run_job(rest),
        ["explain", other, ..] => usage_error(&format!(
            "unknown argument `{other}` to explain; it takes --config FILE"
        )),
        [other, ..] => usage_error(&format!(
            "unknown argument `{other}`; expected run, explain or --help"
        )),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}\n{}", runner::USAGE);
    ExitCode::from(2)
}

fn run_job(args: &[&str]) -> ExitCode {
    let args = match RunArgs::parse(args) {
        Ok(args) => args,
        Err(e) => return usage_error(&e.to_string()),
    };
    match args.run() {
        Ok(report) => {
            print!("{}", runner::describe(&args, &report));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn explain_config(file: Option<&str>) -> ExitCode {
    let config = match file
        .map(SerializationConfig::from_file)
        .unwrap_or_else(|| Ok(SerializationConfig::default()))
    {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match explain::datasets(&config) {
        Ok(lines) => {
            lines.iter().for_each(|line| println!("{line}"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main_job() -> ExitCode {
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
