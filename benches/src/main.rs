//! `cargo run --release`: the main job, the comparison report on the built-in datasets and
//! engine jobs; `run` runs one engine job; `explain` shows which serializer a config selects.

use std::process::ExitCode;
use typeinfo_benches::explain;
use typeinfo_benches::report::{self, ReportArgs};
use typeinfo_benches::runner::{self, RunArgs};
use typeinfo_engine::WorkerArgs;

const USAGE: &str = "usage: typeinfo [MAIN JOB FLAGS] (below)
       typeinfo explain [--config FILE]
       typeinfo run [FLAGS] (below)
       typeinfo --help

explain: prints, for each record type of the built-in datasets, the serializer that the
config FILE (TOML; the defaults without it) selects and why. Its factory entries pick from
the datasets' factories: flink-mini-payload (see examples/factories.toml).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["--help" | "-h"] => {
            println!("{USAGE}\n{}\n\n{}", report::USAGE, runner::USAGE);
            ExitCode::SUCCESS
        }
        ["explain"] => explain_config(None),
        ["explain", "--config", file] => explain_config(Some(file)),
        ["explain", "--config"] => usage_error("`--config` needs a FILE"),
        ["run", rest @ ..] => run_job(rest),
        ["worker", rest @ ..] => run_worker(rest),
        [] => main_job(&[]),
        [flag, ..] if flag.starts_with("--") => main_job(&args),
        ["explain", other, ..] => usage_error(&format!(
            "unknown argument `{other}` to explain; it takes --config FILE"
        )),
        [other, ..] => usage_error(&format!(
            "unknown argument `{other}`; expected run, explain or --help"
        )),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!(
        "error: {message}\n\n{USAGE}\n{}\n\n{}",
        report::USAGE,
        runner::USAGE
    );
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
            eprintln!("error: {}", runner::error_message(e));
            ExitCode::FAILURE
        }
    }
}

/// A task manager process of `run --transport processes`, started by the coordinator; it
/// reports to the coordinator, and says here only why it failed.
fn run_worker(args: &[&str]) -> ExitCode {
    match RunArgs::run_worker(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let index = WorkerArgs::split(args).map(|(_, w)| w.task_manager.to_string());
            eprintln!(
                "worker (task manager {}): error: {e}",
                index.as_deref().unwrap_or("?")
            );
            ExitCode::FAILURE
        }
    }
}

fn explain_config(file: Option<&str>) -> ExitCode {
    let config = match explain::load(file) {
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

fn main_job(args: &[&str]) -> ExitCode {
    let args = match ReportArgs::parse(args) {
        Ok(args) => args,
        Err(e) => return usage_error(&e),
    };
    let progress = report::Progress::new(report::steps(&args));
    let result = report::run(&args, &progress).and_then(|found| {
        let files = report::write(&found, &args.out)?;
        Ok((found, files))
    });
    match result {
        Ok((found, files)) => {
            println!("{}", found.machine.summary());
            print!("{}", report::summary(&found));
            let folder = std::fs::canonicalize(&args.out).unwrap_or(args.out.clone());
            println!("\nreport: {}", folder.display());
            for file in files {
                println!(
                    "  {}",
                    file.file_name().unwrap_or_default().to_string_lossy()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
