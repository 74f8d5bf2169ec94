//! `cargo run --release`: the main job, the comparison report on the built-in datasets and
//! engine jobs; `run` runs one engine job; `explain` shows which serializer a config selects.

use clap::Parser;
use std::process::ExitCode;
use typeinfo_benches::cli::{Cli, Command, ExplainFlags, TimelyFlags};
use typeinfo_benches::explain;
use typeinfo_benches::report::{self, ReportArgs};
use typeinfo_benches::runner::{self, RunArgs};
use typeinfo_engine::WorkerArgs;

/// Shows the library's warnings (`generic_types = "warn"`) on standard error.
struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Warn
    }
    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let level = match record.level() {
                log::Level::Error => "error",
                _ => "warning",
            };
            eprintln!("{level}: {}", record.args());
        }
    }
    fn flush(&self) {}
}

fn main() -> ExitCode {
    static LOGGER: StderrLogger = StderrLogger;
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
    let argv: Vec<String> = std::env::args().collect();
    // What follows the program (and the subcommand): what the report records and what a
    // worker is given.
    let given: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    let after_subcommand = given.get(1..).unwrap_or_default();
    let parsed = Cli::try_parse_from(&argv).map(Cli::into_command);
    let parsed = parsed.and_then(|command| match command {
        Command::Report(flags) => {
            let args = match given.first() {
                Some(&"report") => after_subcommand,
                _ => &given[..],
            };
            ReportArgs::from_flags(flags, args).map(Parsed::Report)
        }
        Command::Run(flags) => {
            RunArgs::from_flags(*flags, after_subcommand).map(|run| Parsed::Run(Box::new(run)))
        }
        Command::Explain(flags) => Ok(Parsed::Explain(flags)),
        Command::State { command } => Ok(Parsed::State(command)),
        Command::Worker { args } => Ok(Parsed::Worker(args)),
        Command::TimelyEtl(flags) => Ok(Parsed::Timely(flags)),
    });
    match parsed {
        Err(e) => e.exit(),
        Ok(Parsed::Report(args)) => main_job(&args),
        Ok(Parsed::Run(args)) => run_job(&args),
        Ok(Parsed::Explain(flags)) => explain_config(&flags),
        Ok(Parsed::State(command)) => state_command(&command),
        Ok(Parsed::Worker(args)) => run_worker(&args),
        Ok(Parsed::Timely(flags)) => timely_etl(&flags),
    }
}

enum Parsed {
    Report(ReportArgs),
    Run(Box<RunArgs>),
    Explain(ExplainFlags),
    State(typeinfo_benches::state_cli::StateCommand),
    Worker(Vec<String>),
    Timely(TimelyFlags),
}

fn timely_etl(flags: &TimelyFlags) -> ExitCode {
    match typeinfo_benches::timely_etl::run_flags(flags) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn state_command(command: &typeinfo_benches::state_cli::StateCommand) -> ExitCode {
    match typeinfo_benches::state_cli::run(command) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_job(args: &RunArgs) -> ExitCode {
    match args.run() {
        Ok(report) => {
            print!("{}", runner::describe(args, &report));
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
fn run_worker(args: &[String]) -> ExitCode {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match RunArgs::run_worker(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let index = WorkerArgs::split(&args).map(|(_, w)| w.task_manager.to_string());
            eprintln!(
                "worker (task manager {}): error: {e}",
                index.as_deref().unwrap_or("?")
            );
            ExitCode::FAILURE
        }
    }
}

fn explain_config(flags: &ExplainFlags) -> ExitCode {
    let config = match explain::load(flags.config.as_deref()) {
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

fn main_job(args: &ReportArgs) -> ExitCode {
    let progress = report::Progress::new(report::steps(args));
    let result = report::run(args, &progress).and_then(|found| {
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
