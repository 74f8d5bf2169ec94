//! `log`: web server log lines (10,000 by default).

use rand::RngExt;
use rand_pcg::Pcg64Mcg;

record! {
    /// One access-log line.
    pub struct Log {
        /// IPv4 address as four bytes.
        pub address: [u8; 4],
        pub identity: String,
        pub userid: String,
        pub date: String,
        pub request: String,
        pub code: u16,
        pub size: u64,
    }
}

record! {
    /// The whole dataset, serialized as one value.
    pub struct Logs {
        pub logs: Vec<Log>,
    }
}

/// The size the reference benchmark uses.
pub const DEFAULT_LEN: usize = 10_000;

const USERS: [&str; 8] = [
    "-", "frank", "alice", "bob", "carol", "dave", "erin", "mallory",
];
const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];
const PATHS: [&str; 6] = [
    "/",
    "/index.html",
    "/api/v1/events",
    "/static/app.js",
    "/login",
    "/images/logo.png",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const CODES: [u16; 6] = [200, 200, 200, 304, 404, 500];

/// `len` log lines from `seed`.
pub fn generate(seed: u64, len: usize) -> Logs {
    let mut rng = super::rng(seed);
    Logs {
        logs: (0..len).map(|_| line(&mut rng)).collect(),
    }
}

fn line(rng: &mut Pcg64Mcg) -> Log {
    let pick = |rng: &mut Pcg64Mcg, n: usize| rng.random_range(0..n);
    Log {
        address: rng.random(),
        identity: USERS[pick(rng, USERS.len())].to_owned(),
        userid: format!(
            "{}{}",
            USERS[pick(rng, USERS.len())],
            rng.random_range(0..1000u32)
        ),
        date: format!(
            "{:02}/{}/2026:{:02}:{:02}:{:02} +0000",
            rng.random_range(1..29u8),
            MONTHS[pick(rng, 12)],
            rng.random_range(0..24u8),
            rng.random_range(0..60u8),
            rng.random_range(0..60u8)
        ),
        request: format!(
            "{} {}?id={} HTTP/1.1",
            METHODS[pick(rng, METHODS.len())],
            PATHS[pick(rng, PATHS.len())],
            rng.random_range(0..100_000u32)
        ),
        code: CODES[pick(rng, CODES.len())],
        size: rng.random_range(0..100_000_000u64),
    }
}
