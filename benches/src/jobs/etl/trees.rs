//! The job on `serde_json::Value` trees, as teams write it first with Jackson `JsonNode`s:
//! the upload is parsed into a tree, enrichment adds and removes fields by name, every
//! operator looks fields up by name, and trees travel between operators as JSON text.

use super::Model;
use super::rules::{self, Apps, Facts, Tier, UNKNOWN_COUNTRY};
use crate::jobs::JobFormat;
use serde_json::{Map, Value};
use std::sync::Arc;
use typeinfo::Limits;
use typeinfo_engine::EngineError;
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::baselines::JsonTree;

/// `serde_json::Value` records.
#[derive(Debug, Clone, Copy)]
pub struct Trees;

fn field<'a>(object: &'a Map<String, Value>, key: &str) -> Result<&'a Value, String> {
    object.get(key).ok_or_else(|| format!("no field `{key}`"))
}

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    field(object, key)?
        .as_str()
        .ok_or_else(|| format!("field `{key}` is not text"))
}

fn integer(object: &Map<String, Value>, key: &str) -> Result<i64, String> {
    field(object, key)?
        .as_i64()
        .ok_or_else(|| format!("field `{key}` is not an integer"))
}

fn object<'a>(tree: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    tree.as_object()
        .ok_or_else(|| format!("{what} is not a JSON object"))
}

/// A field enrichment wrote; present in every tree that left `enrich`.
fn enriched(session: &Value, key: &str) -> i64 {
    session[key].as_i64().unwrap_or_default()
}

impl Model for Trees {
    type Upload = Value;
    type Session = Value;

    fn edges(
        _: &JobFormat,
        _: &[&'static str],
    ) -> Result<
        (
            Arc<dyn RecordSerializer<Value>>,
            Arc<dyn RecordSerializer<Value>>,
        ),
        EngineError,
    > {
        let trees = Arc::new(JsonTree::new(Limits::default()));
        Ok((trees.clone(), trees))
    }

    fn parse(json: &str) -> Result<Value, String> {
        serde_json::from_str(json).map_err(|e| format!("upload is not valid: {e}"))
    }

    fn enrich(mut upload: Value, apps: &Apps) -> Result<Value, String> {
        let Value::Object(fields) = &mut upload else {
            return Err("upload is not a JSON object".into());
        };
        let received_at = integer(fields, "received_at")?;
        let clock_skew_ms = received_at - integer(fields, "sent_at")?;
        let tier = apps.tier(text(fields, "app_key")?);
        text(fields, "app_version")?;
        let events = field(fields, "events")?
            .as_array()
            .ok_or("field `events` is not an array")?;
        let mut times = Vec::with_capacity(events.len());
        let (mut purchases, mut revenue_usd_cents) = (0u32, 0i64);
        for event in events {
            let event = object(event, "an event")?;
            let duration = match event.get("duration_ms") {
                None | Some(Value::Null) => None,
                Some(d) => Some(
                    d.as_u64()
                        .and_then(|d| u32::try_from(d).ok())
                        .ok_or("field `duration_ms` is not a u32")?,
                ),
            };
            times.push((integer(event, "timestamp")?, duration));
            if text(event, "name")? == "purchase" {
                let params = object(field(event, "params")?, "`params`")?;
                let param = |key: &str| text(object(field(params, key)?, key)?, "text");
                revenue_usd_cents += rules::usd_cents(param("price")?, param("currency")?)?;
                purchases += 1;
            }
        }
        let session_length_ms = rules::session_length(times.into_iter());
        if fields.get("country").is_none_or(Value::is_null) {
            fields.insert("country".into(), UNKNOWN_COUNTRY.into());
        }
        for gone in ["sent_at", "sdk_version", "network", "location"] {
            fields.remove(gone);
        }
        fields.insert("tier".into(), tier.name().into());
        fields.insert("clock_skew_ms".into(), clock_skew_ms.into());
        fields.insert("session_length_ms".into(), session_length_ms.into());
        fields.insert("purchases".into(), purchases.into());
        fields.insert("revenue_usd_cents".into(), revenue_usd_cents.into());
        Ok(upload)
    }

    fn keep(session: &Value) -> bool {
        rules::keep(
            session["app_version"].as_str().unwrap_or_default(),
            enriched(session, "clock_skew_ms"),
            session["events"].as_array().map_or(0, Vec::len),
        )
    }

    fn app_key(session: &Value) -> &str {
        session["app_key"].as_str().unwrap_or_default()
    }

    fn received_at(session: &Value) -> i64 {
        enriched(session, "received_at")
    }

    fn facts(session: &Value) -> Facts {
        Facts {
            tier: session["tier"]
                .as_str()
                .and_then(Tier::from_name)
                .unwrap_or(Tier::Unlisted),
            events: session["events"].as_array().map_or(0, |e| e.len() as u64),
            purchases: enriched(session, "purchases") as u64,
            revenue_usd_cents: enriched(session, "revenue_usd_cents"),
            session_length_ms: enriched(session, "session_length_ms"),
        }
    }
}
