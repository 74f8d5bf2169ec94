//! What a report states about where and with what it ran: the date, the machine, the
//! compiler and the versions of the measured crates.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// UTC, `YYYY-MM-DD HH:MM`.
    pub date: String,
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: Option<f64>,
    pub os: String,
    pub rustc: String,
    pub typeinfo: String,
    /// The measured crates' versions, from the workspace's Cargo.lock.
    pub versions: BTreeMap<String, String>,
}

impl Machine {
    /// This machine, now.
    pub fn current() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        Machine {
            date: utc_now(),
            cpu: field(&cpuinfo, "model name").unwrap_or_else(|| "unknown CPU".into()),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_gib: field(&meminfo, "MemTotal")
                .and_then(|kib| kib.trim_end_matches("kB").trim().parse::<f64>().ok())
                .map(|kib| (kib / (1024.0 * 1024.0) * 10.0).round() / 10.0),
            os: format!(
                "{} {} {}",
                std::env::consts::OS,
                std::env::consts::ARCH,
                kernel.trim()
            )
            .trim()
            .to_owned(),
            rustc: env!("TYPEINFO_RUSTC_VERSION").to_owned(),
            typeinfo: env!("CARGO_PKG_VERSION").to_owned(),
            versions: env!("TYPEINFO_MEASURED_VERSIONS")
                .split(',')
                .filter_map(|pair| pair.split_once(' '))
                .map(|(name, version)| (name.to_owned(), version.to_owned()))
                .collect(),
        }
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        let memory = self
            .memory_gib
            .map(|g| format!(", {g} GiB"))
            .unwrap_or_default();
        format!(
            "{} · {} ({} cores{memory}) · {} · {}",
            self.date, self.cpu, self.cores, self.os, self.rustc
        )
    }
}

/// The value of the first `key : value` line of a /proc file.
fn field(text: &str, key: &str) -> Option<String> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().to_owned())
}

fn utc_now() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (year, month, day) = civil_date(seconds / 86_400);
    let minute = seconds % 86_400 / 60;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minute / 60,
        minute % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_date(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(59), (1970, 3, 1));
        // 2000-02-29, a leap day of a century year divisible by 400.
        assert_eq!(civil_date(11_016), (2000, 2, 29));
        assert_eq!(civil_date(20_781), (2026, 11, 24));
    }

    #[test]
    fn the_build_recorded_versions() {
        let machine = Machine::current();
        assert!(machine.rustc.starts_with("rustc "), "{}", machine.rustc);
        assert_eq!(
            machine.versions.get("bincode").map(String::as_str),
            Some("2.0.1")
        );
        assert!(machine.versions.contains_key("apache-avro"));
        assert!(machine.cores >= 1);
    }
}
