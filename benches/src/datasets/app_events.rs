//! `app-events`: what a mobile-analytics collector receives (5,000 sessions by default):
//! device and session data with optional fields, and a list of custom events, each with a
//! map of typed parameters. Nested, optional, maps and tagged unions: the shape Avro users
//! move between systems. Every field has a `TypeInfo`, so every format sees all of it.
//!
//! The same model is the upload of the `etl` job ([`crate::jobs::etl`]), which reads it
//! from JSON: serde's names are the ones SDKs send (`"ios"`, `{"text": "4.99"}`), and each
//! variant names itself the same way for typeinfo, so the Avro schema agrees with serde.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use typeinfo::TypeInfo;

record! {
    /// One upload of an SDK: a session's events.
    pub struct AppEvent {
        pub app_key: String,
        pub device_id: String,
        pub session_id: String,
        /// Milliseconds since the epoch, on the device and at the collector.
        pub sent_at: i64,
        pub received_at: i64,
        pub platform: Platform,
        pub app_version: String,
        pub sdk_version: String,
        pub country: Option<String>,
        pub network: Option<Network>,
        pub location: Option<Location>,
        pub events: Vec<CustomEvent>,
    }
}

record! {
    #[derive(Copy, Eq)]
    #[serde(rename_all = "lowercase")]
    pub enum Platform {
        Ios,
        Android,
        Web,
    }
}

record! {
    #[derive(Copy, Eq)]
    #[serde(rename_all = "lowercase")]
    pub enum Network {
        Wifi,
        Cellular,
        Offline,
    }
}

record! {
    #[derive(Copy)]
    pub struct Location {
        pub latitude: f64,
        pub longitude: f64,
    }
}

record! {
    /// An event the app defined: a name, when, how long, and its parameters.
    pub struct CustomEvent {
        pub name: String,
        pub timestamp: i64,
        pub duration_ms: Option<u32>,
        pub params: BTreeMap<String, Param>,
    }
}

/// A typed parameter value. (Outside `record!`: bincode's derive cannot expand tuple
/// variants inside a `macro_rules!`, a hygiene limit of its own.)
#[derive(
    TypeInfo,
    bincode::Encode,
    bincode::Decode,
    bitcode::Encode,
    bitcode::Decode,
    wincode::SchemaWrite,
    wincode::SchemaRead,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Serialize,
    Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
#[serde(rename_all = "lowercase")]
pub enum Param {
    Text(String),
    Int(i64),
    Real(f64),
    Flag(bool),
}

impl Param {
    /// The text of a `Text` parameter.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Param::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// The dataset: sessions, each serialized on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct AppEvents {
    pub sessions: Vec<AppEvent>,
}

pub const DEFAULT_LEN: usize = 5_000;

const EVENT_NAMES: [&str; 6] = [
    "screen_view",
    "tap",
    "purchase",
    "level_up",
    "share",
    "error",
];
const PARAM_KEYS: [&str; 6] = ["screen", "item", "price", "count", "premium", "source"];
const COUNTRIES: [&str; 5] = ["DE", "US", "BR", "JP", "IN"];
const VERSIONS: [&str; 4] = ["3.2.0", "3.2.1", "3.3.0", "4.0.0-beta"];

/// `len` sessions from `seed`.
pub fn generate(seed: u64, len: usize) -> AppEvents {
    let mut rng = super::rng(seed);
    AppEvents {
        sessions: (0..len).map(|_| session(&mut rng)).collect(),
    }
}

fn hex_id(rng: &mut Pcg64Mcg) -> String {
    format!("{:016x}{:016x}", rng.random::<u64>(), rng.random::<u64>())
}

fn session(rng: &mut Pcg64Mcg) -> AppEvent {
    let sent_at = 1_790_000_000_000 + rng.random_range(0..10_000_000_000i64);
    let events = (0..rng.random_range(1..8))
        .map(|i| custom_event(rng, sent_at - 60_000 + i * 1_000))
        .collect();
    AppEvent {
        app_key: format!("app-{}", rng.random_range(0..50u32)),
        device_id: hex_id(rng),
        session_id: hex_id(rng),
        sent_at,
        received_at: sent_at + rng.random_range(5..3_000),
        platform: [Platform::Ios, Platform::Android, Platform::Web][rng.random_range(0..3)],
        app_version: VERSIONS[rng.random_range(0..VERSIONS.len())].to_owned(),
        sdk_version: "typeinfo-sdk/1.4".to_owned(),
        country: rng
            .random_bool(0.8)
            .then(|| COUNTRIES[rng.random_range(0..COUNTRIES.len())].to_owned()),
        network: rng
            .random_bool(0.7)
            .then(|| [Network::Wifi, Network::Cellular, Network::Offline][rng.random_range(0..3)]),
        location: rng.random_bool(0.3).then(|| Location {
            latitude: rng.random_range(-90.0..90.0),
            longitude: rng.random_range(-180.0..180.0),
        }),
        events,
    }
}

fn custom_event(rng: &mut Pcg64Mcg, timestamp: i64) -> CustomEvent {
    let params = (0..rng.random_range(0..4))
        .map(|_| {
            let key = PARAM_KEYS[rng.random_range(0..PARAM_KEYS.len())].to_owned();
            let value = match rng.random_range(0..4u8) {
                0 => Param::Text(format!("item-{}", rng.random_range(0..500u32))),
                1 => Param::Int(rng.random_range(0..10_000)),
                2 => Param::Real(rng.random_range(0.0..100.0)),
                _ => Param::Flag(rng.random_bool(0.5)),
            };
            (key, value)
        })
        .collect();
    CustomEvent {
        name: EVENT_NAMES[rng.random_range(0..EVENT_NAMES.len())].to_owned(),
        timestamp,
        duration_ms: rng.random_bool(0.5).then(|| rng.random_range(0..60_000)),
        params,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sessions() {
        assert_eq!(generate(1, 50), generate(1, 50));
        assert_ne!(generate(1, 50), generate(2, 50));
        let data = generate(super::super::SEED, 300);
        let sessions = &data.sessions;
        assert!(sessions.iter().any(|s| s.location.is_some()));
        assert!(sessions.iter().any(|s| s.country.is_none()));
        assert!(
            sessions
                .iter()
                .flat_map(|s| &s.events)
                .any(|e| e.params.values().any(|p| matches!(p, Param::Real(_))))
        );
    }
}

/// `AppEvent` as a later version of the app defines it: `build` added, `sdk_version`
/// removed, `received_at` widened. State written under [`AppEvent`] reads as it through a
/// migration (the `migration` bench, `typeinfo state check --type app-event-next`).
pub mod evolved {
    use super::{CustomEvent, Location, Network, Platform};
    use typeinfo::TypeInfo;

    #[derive(TypeInfo, Debug, Clone, PartialEq)]
    pub struct AppEvent {
        pub app_key: String,
        pub device_id: String,
        pub session_id: String,
        pub sent_at: i64,
        pub received_at: i128,
        pub platform: Platform,
        pub app_version: String,
        #[typeinfo(default)]
        pub build: u32,
        pub country: Option<String>,
        pub network: Option<Network>,
        pub location: Option<Location>,
        pub events: Vec<CustomEvent>,
    }
}
