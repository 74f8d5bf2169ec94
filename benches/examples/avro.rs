//! typeinfo's Avro against apache-avro 0.22 with interleaved timing (see
//! `typeinfo_benches::interleaved`): `cargo run --release -p typeinfo-benches --example avro [ROUNDS]`.

use std::time::Duration;
use typeinfo_benches::avro_comparison::{
    ApacheLog, app_events_contenders, log_contenders, resolved_read_contenders,
};
use typeinfo_benches::contenders::{CloneFloor, Contender};
use typeinfo_benches::datasets::{SEED, app_events, log};
use typeinfo_benches::interleaved::{self, Operation};

/// Serialize, then deserialize beside `floor` (what cloning the records costs).
fn compare<'a>(
    dataset: &str,
    mut all: Vec<Box<dyn Contender + 'a>>,
    floor: Box<dyn Contender + 'a>,
    rounds: usize,
) {
    time(dataset, &mut all, Operation::Serialize, rounds);
    all.insert(0, floor);
    time(dataset, &mut all, Operation::Deserialize, rounds);
}

fn time(dataset: &str, all: &mut [Box<dyn Contender + '_>], operation: Operation, rounds: usize) {
    let timings = interleaved::run(all, operation, rounds, Duration::from_millis(5));
    let ours = timings
        .iter()
        .find(|t| t.name == "avro")
        .unwrap_or(&timings[0])
        .median();
    println!(
        "\n{dataset}/{}: {rounds} rounds, median (p10 … p90), ratio to typeinfo avro",
        operation.name()
    );
    for t in &timings {
        println!(
            "  {:<14} {:>10.1} µs ({:>9.1} … {:>9.1})  {:>7.2}×  {:>9} bytes",
            t.name,
            t.median() * 1e6,
            t.quantile(0.1) * 1e6,
            t.quantile(0.9) * 1e6,
            t.median() / ours,
            t.bytes
        );
    }
}

fn main() {
    let rounds = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 20,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => {
            eprintln!("error: ROUNDS must be a whole number of at least 1");
            std::process::exit(2);
        }
    };
    let logs = log::generate(SEED, log::DEFAULT_LEN).logs;
    let mirror: Vec<ApacheLog> = logs.iter().map(ApacheLog::from).collect();
    compare(
        "log (per line)",
        log_contenders(&logs, &mirror).expect("log"),
        Box::new(CloneFloor::new(&logs)),
        rounds,
    );
    let sessions = app_events::generate(SEED, app_events::DEFAULT_LEN).sessions;
    compare(
        "app-events (per session)",
        app_events_contenders(&sessions).expect("app-events"),
        Box::new(CloneFloor::new(&sessions)),
        rounds,
    );
    // Reading what an older schema wrote: own schema, resolved, apache-avro resolved.
    time(
        "log (older writer schema)",
        &mut resolved_read_contenders(&mirror, true).expect("log resolved"),
        Operation::Deserialize,
        rounds,
    );
    time(
        "app-events (older writer schema)",
        &mut resolved_read_contenders(&sessions, false).expect("app-events resolved"),
        Operation::Deserialize,
        rounds,
    );
}
