//! Records, for the report, the rustc that builds the comparison and the versions of the
//! serialization crates it measures, as the workspace's Cargo.lock pins them.

use std::process::Command;

/// The crates whose versions a report states.
const MEASURED: &[&str] = &[
    "apache-avro",
    "bincode",
    "bitcode",
    "postcard",
    "rkyv",
    "rmp-serde",
    "serde",
    "serde_json",
    "simd-json",
    "wincode",
    "zstd",
];

fn main() {
    let lock = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");
    println!("cargo:rerun-if-changed={lock}");
    let versions = std::fs::read_to_string(lock)
        .map(|text| locked_versions(&text))
        .unwrap_or_default();
    println!("cargo:rustc-env=TYPEINFO_MEASURED_VERSIONS={versions}");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=TYPEINFO_RUSTC_VERSION={version}");
}

/// `name version` pairs, comma-separated, of the measured crates in a Cargo.lock.
fn locked_versions(lock: &str) -> String {
    let mut found = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(value) = line.strip_prefix("name = ") {
            name = Some(value.trim_matches('"'));
        } else if let (Some(n), Some(value)) = (name, line.strip_prefix("version = ")) {
            if MEASURED.contains(&n) {
                found.push(format!("{n} {}", value.trim_matches('"')));
            }
            name = None;
        }
    }
    found.join(",")
}
