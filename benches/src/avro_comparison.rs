//! typeinfo's Avro against apache-avro 0.22 on the same records, the same schema and, as
//! checked at construction, the same bytes: the comparison of issue "Avro" (criterion bench
//! `avro`, interleaved example `avro`).

use crate::contenders::{Contender, Format};
use crate::datasets::{app_events, log};
use serde::{Deserialize, Serialize};
use typeinfo::{Limits, TypeInfo};
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::avro::{AvroCodec, schema_of};
use typeinfo_serializers::baselines::ApacheAvro;

/// `log::Log` as apache-avro needs it. serde writes a `[u8; 4]` as a tuple, which
/// apache-avro maps to a record; its documented `fixed` attribute makes it write the `fixed`
/// the schema says. Same name and namespace, so the same schema (checked).
#[derive(
    TypeInfo, bincode::Encode, bincode::Decode, Serialize, Deserialize, Debug, Clone, PartialEq,
)]
#[typeinfo(rename = "Log", namespace = "typeinfo_benches.datasets.log")]
#[serde(rename = "Log")]
pub struct ApacheLog {
    #[serde(with = "apache_avro::serde::fixed")]
    pub address: [u8; 4],
    pub identity: String,
    pub userid: String,
    pub date: String,
    pub request: String,
    pub code: u16,
    pub size: u64,
}

impl From<&log::Log> for ApacheLog {
    fn from(l: &log::Log) -> Self {
        ApacheLog {
            address: l.address,
            identity: l.identity.clone(),
            userid: l.userid.clone(),
            date: l.date.clone(),
            request: l.request.clone(),
            code: l.code,
            size: l.size,
        }
    }
}

/// Both sides encode every record to the same bytes.
fn same_bytes<A: 'static, B: 'static>(
    ours: &dyn RecordSerializer<A>,
    a: &[A],
    theirs: &dyn RecordSerializer<B>,
    b: &[B],
) -> Result<(), String> {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (i, (a, b)) in a.iter().zip(b).enumerate() {
        x.clear();
        y.clear();
        ours.encode_into(a, &mut x).map_err(|e| e.to_string())?;
        theirs.encode_into(b, &mut y).map_err(|e| e.to_string())?;
        if x != y {
            return Err(format!(
                "record {i}: typeinfo and apache-avro wrote different bytes"
            ));
        }
    }
    Ok(())
}

/// typeinfo avro and apache-avro on log lines, one datum per line.
pub fn log_contenders<'a>(
    lines: &'a [log::Log],
    mirror: &'a [ApacheLog],
) -> Result<Vec<Box<dyn Contender + 'a>>, String> {
    let schema = |e: typeinfo_serializers::avro::SchemaError| e.to_string();
    if schema_of::<log::Log>().map_err(schema)? != schema_of::<ApacheLog>().map_err(schema)? {
        return Err("the mirror of Log has another schema".into());
    }
    let ours = AvroCodec::<log::Log>::new(Limits::DEFAULT).map_err(schema)?;
    let theirs = ApacheAvro::<ApacheLog>::new(Limits::DEFAULT).map_err(schema)?;
    same_bytes(&ours, lines, &theirs, mirror)?;
    Ok(vec![
        Box::new(Format::per_record(Box::new(ours), lines)?),
        Box::new(Format::per_record(Box::new(theirs), mirror)?),
    ])
}

/// typeinfo avro and apache-avro on app-events sessions, one datum per session.
pub fn app_events_contenders(
    sessions: &[app_events::AppEvent],
) -> Result<Vec<Box<dyn Contender + '_>>, String> {
    let ours =
        AvroCodec::<app_events::AppEvent>::new(Limits::DEFAULT).map_err(|e| e.to_string())?;
    let theirs =
        ApacheAvro::<app_events::AppEvent>::new(Limits::DEFAULT).map_err(|e| e.to_string())?;
    same_bytes(&ours, sessions, &theirs, sessions)?;
    Ok(vec![
        Box::new(Format::per_record(Box::new(ours), sessions)?),
        Box::new(Format::per_record(Box::new(theirs), sessions)?),
    ])
}
