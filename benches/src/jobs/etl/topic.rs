//! The simulated topic: what a mobile-analytics collector writes to Kafka. Each record is a
//! session an SDK uploaded, as JSON text of the app-event model
//! ([`crate::datasets::app_events::AppEvent`]: parameters tagged with their type), with the
//! collector's receive time as the record timestamp; within a partition, records are in
//! receive-time order. Seeded, so every run and every format reads the same bytes.

use rand::RngExt;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};
use typeinfo::TypeInfo;

/// A record of the topic (Kafka's timestamp and value).
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawEvent {
    /// When the collector received the upload, in ms since the epoch.
    pub timestamp: i64,
    /// The upload, as the SDK sent it plus the collector's `received_at`.
    pub json: String,
}

/// The partitions of the topic.
pub const PARTITIONS: usize = 2;

const SEED: u64 = 0x6574_6c5f_746f_7069; // "etl_topi"
/// 2026-09-21, a Monday, at midnight UTC.
const START_MS: i64 = 1_789_948_800_000;

const APPS: u32 = 52;
const PLATFORMS: [&str; 3] = ["ios", "android", "web"];
const NETWORKS: [&str; 3] = ["wifi", "cellular", "offline"];
const COUNTRIES: [&str; 6] = ["DE", "US", "BR", "JP", "IN", "FR"];
/// Where devices that share their location are: a capital of each country, as the SDK
/// writes it (four decimals).
const LOCATIONS: [&str; 6] = [
    r#"{"latitude":52.52,"longitude":13.405}"#,
    r#"{"latitude":38.9072,"longitude":-77.0369}"#,
    r#"{"latitude":-15.7975,"longitude":-47.8919}"#,
    r#"{"latitude":35.6762,"longitude":139.6503}"#,
    r#"{"latitude":28.6139,"longitude":77.209}"#,
    r#"{"latitude":48.8566,"longitude":2.3522}"#,
];
const VERSIONS: [&str; 4] = ["3.2.0", "3.2.1", "3.3.0", "4.0.0-beta"];
const SCREENS: [&str; 5] = ["home", "shop", "level", "settings", "leaderboard"];
const ITEMS: [(&str, &str); 4] = [
    ("gems_100", "0.99"),
    ("gems_550", "4.99"),
    ("season_pass", "9.99"),
    ("starter_pack", "1.99"),
];
const CURRENCIES: [&str; 4] = ["USD", "EUR", "JPY", "BRL"];

/// Partition `partition` (of [`PARTITIONS`]) holding `count` records.
pub fn partition(partition: usize, count: u64) -> impl Iterator<Item = RawEvent> + Send {
    let mut rng = Pcg64Mcg::seed_from_u64(SEED ^ partition as u64);
    let mut received_at = START_MS;
    (0..count).map(move |_| {
        // About a thousand uploads per second per partition.
        received_at += rng.random_range(0..3);
        RawEvent {
            timestamp: received_at,
            json: upload(&mut rng, received_at),
        }
    })
}

fn pick<'a>(rng: &mut Pcg64Mcg, from: &[&'a str]) -> &'a str {
    from[rng.random_range(0..from.len())]
}

/// JSON text written field by field, numbers through `itoa`: the generator stands in for
/// a Kafka consumer, which hands over bytes it already has, so it should cost little.
struct Writer(String);

impl Writer {
    fn raw(&mut self, text: &str) -> &mut Self {
        self.0.push_str(text);
        self
    }

    fn int(&mut self, n: impl itoa::Integer) -> &mut Self {
        self.0.push_str(itoa::Buffer::new().format(n));
        self
    }

    fn hex(&mut self, n: u64) -> &mut Self {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        self.0.extend(
            (0..16)
                .rev()
                .map(|i| DIGITS[(n >> (i * 4)) as usize & 15] as char),
        );
        self
    }

    /// `,"key":"value"`; keys and values here never need escaping.
    fn text(&mut self, key: &str, value: &str) -> &mut Self {
        self.raw(",\"").raw(key).raw("\":\"").raw(value).raw("\"")
    }

    /// `,"key":n`.
    fn number(&mut self, key: &str, n: impl itoa::Integer) -> &mut Self {
        self.raw(",\"").raw(key).raw("\":").int(n)
    }

    /// `"key":{"text":"value"}`, a parameter as the SDK tags it.
    fn text_param(&mut self, key: &str, value: &str) -> &mut Self {
        self.raw("\"")
            .raw(key)
            .raw(r#"":{"text":""#)
            .raw(value)
            .raw("\"}")
    }

    /// `"key":{"text":"{prefix}{n}"}`.
    fn code_param(&mut self, key: &str, prefix: &str, n: impl itoa::Integer) -> &mut Self {
        self.raw("\"")
            .raw(key)
            .raw(r#"":{"text":""#)
            .raw(prefix)
            .int(n)
            .raw("\"}")
    }

    /// `"key":{"int":n}`.
    fn int_param(&mut self, key: &str, n: impl itoa::Integer) -> &mut Self {
        self.raw("\"").raw(key).raw(r#"":{"int":"#).int(n).raw("}")
    }
}

/// One upload as JSON text, written directly (a collector forwards bytes, it does not
/// build objects first).
fn upload(rng: &mut Pcg64Mcg, received_at: i64) -> String {
    let mut json = Writer(String::with_capacity(640));
    // One device in thirty has a clock that is hours off.
    let sent_at = if rng.random_range(0..30) == 0 {
        received_at + rng.random_range(-30 * 3_600_000..30 * 3_600_000)
    } else {
        received_at - rng.random_range(20..3_000)
    };
    json.raw(r#"{"app_key":"app-"#)
        .int(rng.random_range(0..APPS))
        .raw(r#"","device_id":""#)
        .hex(rng.random())
        .raw(r#"","session_id":""#)
        .hex(rng.random())
        .raw("\"")
        .number("sent_at", sent_at)
        .number("received_at", received_at)
        .text("platform", pick(rng, &PLATFORMS))
        .text("app_version", pick(rng, &VERSIONS))
        .text("sdk_version", "typeinfo-sdk/1.4.2");
    // Optional fields are missing, as SDKs leave them out, or null.
    match rng.random_range(0..10) {
        0 => {}
        1 => {
            json.raw(r#","country":null"#);
        }
        _ => {
            json.text("country", pick(rng, &COUNTRIES));
        }
    }
    if rng.random_range(0..10) < 7 {
        json.text("network", pick(rng, &NETWORKS));
    }
    if rng.random_range(0..10) < 3 {
        json.raw(r#","location":"#).raw(pick(rng, &LOCATIONS));
    }
    json.raw(r#","events":["#);
    let count = rng.random_range(0..8);
    let mut timestamp = sent_at - rng.random_range(1_000..1_800_000);
    for i in 0..count {
        if i > 0 {
            json.raw(",");
        }
        timestamp += rng.random_range(200..240_000);
        event(rng, &mut json, timestamp);
    }
    json.raw("]}");
    json.0
}

fn event(rng: &mut Pcg64Mcg, json: &mut Writer, timestamp: i64) {
    let kind = rng.random_range(0..10);
    let name = match kind {
        0..=4 => "screen_view",
        5 | 6 => "tap",
        7 => "purchase",
        8 => "level_up",
        _ => "error",
    };
    json.raw(r#"{"name":""#)
        .raw(name)
        .raw("\"")
        .number("timestamp", timestamp);
    match kind {
        0..=4 => {
            json.number("duration_ms", rng.random_range(100..120_000))
                .raw(r#","params":{"#)
                .text_param("screen", pick(rng, &SCREENS));
        }
        5 | 6 => {
            json.raw(r#","params":{"#)
                .code_param("button", "b", rng.random_range(0..20))
                .raw(",")
                .text_param("screen", pick(rng, &SCREENS));
        }
        7 => {
            let (item, price) = ITEMS[rng.random_range(0..ITEMS.len())];
            json.raw(r#","params":{"#)
                .text_param("currency", pick(rng, &CURRENCIES))
                .raw(",")
                .text_param("item", item)
                .raw(",")
                .text_param("price", price);
        }
        8 => {
            json.number("duration_ms", rng.random_range(10_000..600_000))
                .raw(r#","params":{"#)
                .int_param("level", rng.random_range(1..80));
        }
        _ => {
            json.raw(r#","params":{"#)
                .code_param("code", "E", rng.random_range(100..120));
        }
    }
    json.raw("}}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::app_events::{AppEvent, Network, Param};

    #[test]
    fn partitions_are_seeded_ordered_and_valid_json() {
        let a: Vec<RawEvent> = partition(0, 500).collect();
        assert_eq!(a, partition(0, 500).collect::<Vec<_>>());
        assert_ne!(a[0], partition(1, 1).next().unwrap());
        assert!(a.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
        let uploads: Vec<AppEvent> = a
            .iter()
            .map(|record| {
                let tree: serde_json::Value = serde_json::from_str(&record.json).unwrap();
                assert_eq!(tree["received_at"], record.timestamp);
                serde_json::from_str(&record.json).unwrap()
            })
            .collect();
        // Every shape of the model occurs: a location, each network, typed parameters.
        assert!(uploads.iter().any(|u| u.location.is_some()));
        assert!(uploads.iter().any(|u| u.network == Some(Network::Offline)));
        let params = || {
            uploads
                .iter()
                .flat_map(|u| &u.events)
                .flat_map(|e| e.params.values())
        };
        assert!(params().any(|p| matches!(p, Param::Int(_))));
        assert!(params().any(|p| matches!(p, Param::Text(_))));
    }
}
