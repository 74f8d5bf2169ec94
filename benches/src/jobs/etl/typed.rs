//! The job on typed records: parsed once from JSON into the app-event model of the datasets
//! ([`AppEvent`]), which travels in the chosen format; operators read fields.

use super::rules::{self, Apps, Facts, Tier, UNKNOWN_COUNTRY};
use super::{Model, RawEvent};
use crate::datasets::app_events::{AppEvent, CustomEvent, Location, Network, Param, Platform};
use crate::jobs::{JobFormat, class};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use typeinfo::TypeInfo;
use typeinfo_engine::EngineError;
use typeinfo_serializers::RecordSerializer;

/// An upload after enrichment: what the session is worth to the app's dashboard.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Session {
    pub app_key: String,
    pub tier: Tier,
    pub device_id: String,
    pub session_id: String,
    pub received_at: i64,
    pub clock_skew_ms: i64,
    pub platform: Platform,
    pub app_version: String,
    pub country: String,
    pub session_length_ms: i64,
    pub purchases: u32,
    pub revenue_usd_cents: i64,
    pub events: Vec<CustomEvent>,
}

/// The kryo classes the typed job registers, in id order.
pub(crate) fn classes() -> Vec<&'static str> {
    vec![
        class::<RawEvent>(),
        class::<AppEvent>(),
        class::<CustomEvent>(),
        class::<Session>(),
        class::<super::AppMinute>(),
        class::<Platform>(),
        class::<Network>(),
        class::<Tier>(),
        class::<Location>(),
        class::<Param>(),
        class::<super::MinuteCounts>(),
    ]
}

/// Typed records.
#[derive(Debug, Clone, Copy)]
pub struct Typed;

impl Model for Typed {
    type Upload = AppEvent;
    type Session = Session;

    fn edges(
        format: &JobFormat,
        classes: &[&'static str],
    ) -> Result<
        (
            Arc<dyn RecordSerializer<AppEvent>>,
            Arc<dyn RecordSerializer<Session>>,
        ),
        EngineError,
    > {
        Ok((format.serializer(classes)?, format.serializer(classes)?))
    }

    fn parse(json: &str) -> Result<AppEvent, String> {
        serde_json::from_str(json).map_err(|e| format!("upload is not valid: {e}"))
    }

    fn enrich(upload: AppEvent, apps: &Apps) -> Result<Session, String> {
        let mut purchases = 0;
        let mut revenue_usd_cents = 0;
        for event in upload.events.iter().filter(|e| e.name == "purchase") {
            let param = |key: &str| {
                event
                    .params
                    .get(key)
                    .and_then(Param::as_text)
                    .ok_or_else(|| format!("purchase without a text `{key}`"))
            };
            revenue_usd_cents += rules::usd_cents(param("price")?, param("currency")?)?;
            purchases += 1;
        }
        Ok(Session {
            tier: apps.tier(&upload.app_key),
            clock_skew_ms: upload.received_at - upload.sent_at,
            session_length_ms: rules::session_length(
                upload.events.iter().map(|e| (e.timestamp, e.duration_ms)),
            ),
            country: upload.country.unwrap_or_else(|| UNKNOWN_COUNTRY.to_owned()),
            app_key: upload.app_key,
            device_id: upload.device_id,
            session_id: upload.session_id,
            received_at: upload.received_at,
            platform: upload.platform,
            app_version: upload.app_version,
            purchases,
            revenue_usd_cents,
            events: upload.events,
        })
    }

    fn keep(session: &Session) -> bool {
        rules::keep(
            &session.app_version,
            session.clock_skew_ms,
            session.events.len(),
        )
    }

    fn app_key(session: &Session) -> &str {
        &session.app_key
    }

    fn received_at(session: &Session) -> i64 {
        session.received_at
    }

    fn facts(session: &Session) -> Facts {
        Facts {
            tier: session.tier,
            events: session.events.len() as u64,
            purchases: u64::from(session.purchases),
            revenue_usd_cents: session.revenue_usd_cents,
            session_length_ms: session.session_length_ms,
        }
    }
}
