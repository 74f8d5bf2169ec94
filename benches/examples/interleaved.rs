//! The formats compared with interleaved timing (see `typeinfo_benches::interleaved`):
//! `cargo run --release -p typeinfo-benches --example interleaved [ROUNDS]`.

use std::time::Duration;
use typeinfo_benches::contenders::{self, Contender};
use typeinfo_benches::datasets::{SEED, flink_mini, log, mesh};
use typeinfo_benches::interleaved::{self, Operation};

fn compare(dataset: &str, mut all: Vec<Box<dyn Contender + '_>>, rounds: usize) {
    for operation in [Operation::Serialize, Operation::Deserialize] {
        let timings = interleaved::run(&mut all, operation, rounds, Duration::from_millis(2));
        let pojo = timings[0].median();
        println!(
            "\n{dataset}/{}: {rounds} rounds, median (p10 … p90), ratio to pojo",
            operation.name()
        );
        for t in &timings {
            println!(
                "  {:<13} {:>10.1} µs ({:>9.1} … {:>9.1})  {:>7.2}×  {:>9} bytes",
                t.name,
                t.median() * 1e6,
                t.quantile(0.1) * 1e6,
                t.quantile(0.9) * 1e6,
                t.median() / pojo,
                t.bytes
            );
        }
    }
}

fn main() {
    let rounds = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 30,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => {
            eprintln!("error: ROUNDS must be a whole number of at least 1");
            std::process::exit(2);
        }
    };
    let logs = log::generate(SEED, log::DEFAULT_LEN);
    compare(
        "log",
        contenders::all(&logs, false).expect("log round trips"),
        rounds,
    );
    let mesh = mesh::generate(SEED, mesh::DEFAULT_LEN);
    compare(
        "mesh",
        contenders::all(&mesh, true).expect("mesh round trips"),
        rounds,
    );
    let events = flink_mini::generate(SEED, flink_mini::DEFAULT_LEN);
    compare(
        "events (per record)",
        contenders::per_record(&events.events).expect("events round trip"),
        rounds,
    );
}
