//! The ETL's business rules, shared by both models: what a session's length and revenue
//! are, which sessions are kept, and the app catalogue enrichment looks up.

use foldhash::fast::FixedState;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use typeinfo::TypeInfo;

/// An app's plan, from the catalogue.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Free,
    Pro,
    Enterprise,
    /// The app is not in the catalogue.
    #[default]
    Unlisted,
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Pro => "pro",
            Tier::Enterprise => "enterprise",
            Tier::Unlisted => "unlisted",
        }
    }

    pub fn from_name(name: &str) -> Option<Tier> {
        [Tier::Free, Tier::Pro, Tier::Enterprise, Tier::Unlisted]
            .into_iter()
            .find(|t| t.name() == name)
    }
}

/// The app catalogue: the dimension table enrichment joins against.
#[derive(Debug, Clone)]
pub struct Apps(HashMap<Box<str>, Tier, FixedState>);

/// Apps in the catalogue; the topic also has uploads from two apps it lacks.
const LISTED_APPS: usize = 50;

impl Apps {
    pub fn catalogue() -> Self {
        let tiers = [Tier::Free, Tier::Free, Tier::Pro, Tier::Enterprise];
        Apps(
            (0..LISTED_APPS)
                .map(|i| (format!("app-{i}").into(), tiers[i % tiers.len()]))
                .collect(),
        )
    }

    pub fn tier(&self, app_key: &str) -> Tier {
        self.0.get(app_key).copied().unwrap_or(Tier::Unlisted)
    }
}

/// The country of uploads that do not say.
pub const UNKNOWN_COUNTRY: &str = "unknown";

/// From the first event's start to the last event's end, in ms (0 without events).
pub fn session_length(events: impl Iterator<Item = (i64, Option<u32>)>) -> i64 {
    let (first, last) = events.fold((i64::MAX, i64::MIN), |(first, last), (at, duration)| {
        let end = at.saturating_add(i64::from(duration.unwrap_or(0)));
        (first.min(at), last.max(end))
    });
    if first > last { 0 } else { last - first }
}

/// US cents per 1,000 units of each currency the SDKs report.
const CENTS_PER_1000: [(&str, i64); 4] = [("USD", 1000), ("EUR", 1080), ("JPY", 7), ("BRL", 180)];

/// A purchase's price (`"4.99"`, in `currency`) in US cents, rounded down.
pub fn usd_cents(price: &str, currency: &str) -> Result<i64, String> {
    let invalid = || format!("price `{price}` is not a decimal with two places");
    let (units, hundredths) = price.split_once('.').ok_or_else(invalid)?;
    if hundredths.len() != 2 {
        return Err(invalid());
    }
    let units: i64 = units.parse().map_err(|_| invalid())?;
    let hundredths: i64 = hundredths.parse().map_err(|_| invalid())?;
    let rate = CENTS_PER_1000
        .iter()
        .find(|(code, _)| *code == currency)
        .map(|(_, rate)| *rate)
        .ok_or_else(|| format!("unknown currency `{currency}`"))?;
    Ok((units * 100 + hundredths) * rate / 1000)
}

/// Device clocks further off than this make a session's times meaningless.
const MAX_CLOCK_SKEW_MS: i64 = 3_600_000;

/// Sessions the job keeps: release builds, sane clocks, at least one event.
pub fn keep(app_version: &str, clock_skew_ms: i64, events: usize) -> bool {
    !app_version.ends_with("-beta") && clock_skew_ms.abs() <= MAX_CLOCK_SKEW_MS && events > 0
}

/// What the window of a session's app counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub tier: Tier,
    pub events: u64,
    pub purchases: u64,
    pub revenue_usd_cents: i64,
    pub session_length_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_convert_exactly_and_bad_ones_are_named() {
        assert_eq!(usd_cents("4.99", "USD"), Ok(499));
        assert_eq!(usd_cents("9.99", "EUR"), Ok(1078));
        assert_eq!(
            usd_cents("4.9", "USD"),
            Err("price `4.9` is not a decimal with two places".into())
        );
        assert!(usd_cents("x.99", "USD").is_err());
        assert_eq!(
            usd_cents("1.00", "XYZ"),
            Err("unknown currency `XYZ`".into())
        );
    }

    #[test]
    fn session_length_spans_first_start_to_last_end() {
        assert_eq!(session_length([].into_iter()), 0);
        assert_eq!(session_length([(100, None)].into_iter()), 0);
        assert_eq!(
            session_length([(100, Some(50)), (120, None)].into_iter()),
            50
        );
        assert_eq!(
            session_length([(100, Some(5)), (300, Some(20))].into_iter()),
            220
        );
    }

    #[test]
    fn beta_builds_bad_clocks_and_empty_sessions_are_dropped() {
        assert!(keep("3.2.0", -2_000, 3));
        assert!(!keep("4.0.0-beta", 0, 3));
        assert!(!keep("3.2.0", 3_600_001, 3));
        assert!(!keep("3.2.0", 0, 0));
    }

    #[test]
    fn the_catalogue_lists_fifty_apps() {
        let apps = Apps::catalogue();
        assert_eq!(apps.tier("app-3"), Tier::Enterprise);
        assert_eq!(apps.tier("app-51"), Tier::Unlisted);
        assert_eq!(Tier::from_name(Tier::Pro.name()), Some(Tier::Pro));
    }
}
