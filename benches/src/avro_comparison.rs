//! typeinfo's Avro against apache-avro 0.22 on the same records, the same schema and, as
//! checked at construction, the same bytes: the comparison of issue "Avro" (criterion bench
//! `avro`, interleaved example `avro`).

use crate::contenders::{Contender, Format};
use crate::datasets::{app_events, log};
use apache_avro::reader::datum::GenericDatumReader;
use serde::de::DeserializeOwned;
use typeinfo::{Decode, DecodeError, Encode, EncodeError, HasTypeInfo, Limits};
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::avro::resolve::{self, Resolution};
use typeinfo_serializers::avro::{AvroCodec, Resolved, Schema, schema_of};
use typeinfo_serializers::baselines::ApacheAvro;

record! {
    /// `log::Log` as apache-avro needs it. serde writes a `[u8; 4]` as a tuple, which
    /// apache-avro maps to a record; its documented `fixed` attribute makes it write the `fixed`
    /// the schema says. Same name and namespace, so the same schema (checked).
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
        ours.write_record(a, &mut x).map_err(|e| e.to_string())?;
        theirs.write_record(b, &mut y).map_err(|e| e.to_string())?;
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

/// How an older version of a record differs from the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Older {
    /// It had one more field (`legacy`, a string, in the middle), removed since: the
    /// common evolution.
    FieldRemoved,
    /// As `FieldRemoved`, and every field in reverse order: the costliest resolution
    /// (each field found by a scan, then copied to its place).
    Reordered,
}

impl Older {
    /// The contender's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Older::FieldRemoved => "avro resolved",
            Older::Reordered => "avro reordered",
        }
    }
}

/// The schema an older version of `T` was written with (see [`Older`]).
pub fn older_schema<T: HasTypeInfo>(older: Older) -> Result<Schema, String> {
    let mut json: serde_json::Value =
        serde_json::from_str(&schema_of::<T>().map_err(|e| e.to_string())?.to_json())
            .map_err(|e| e.to_string())?;
    let fields = json["fields"]
        .as_array_mut()
        .ok_or("the root of the schema is not a record")?;
    if older == Older::Reordered {
        fields.reverse();
    }
    fields.insert(
        fields.len() / 2,
        serde_json::json!({"name": "legacy", "type": "string", "default": ""}),
    );
    Schema::parse(&json.to_string()).map_err(|e| e.to_string())
}

/// Datums of [`older_schema`] (written by our encoder, then rewritten to the older
/// schema), read as `T` through schema resolution.
pub struct OlderWriter<T> {
    older: Older,
    codec: AvroCodec<T>,
    downgrade: Resolution,
    reader: Resolved<T>,
}

impl<T: Encode + Decode + 'static> OlderWriter<T> {
    pub fn new(older: Older) -> Result<Self, String> {
        let codec = AvroCodec::<T>::new(Limits::DEFAULT).map_err(|e| e.to_string())?;
        let schema = older_schema::<T>(older)?;
        let downgrade = resolve::compile(codec.schema(), &schema).map_err(|e| e.to_string())?;
        let reader = Resolved::new(&schema, Limits::DEFAULT).map_err(|e| e.to_string())?;
        Ok(OlderWriter {
            older,
            codec,
            downgrade,
            reader,
        })
    }

    /// Appends `value` as a datum of the older schema.
    fn write_older(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut current = Vec::new();
        self.codec.encode_into(value, &mut current)?;
        self.downgrade
            .transcode(&current, out, self.codec.limits())
            .map(drop)
            .map_err(|e| EncodeError::custom(e.to_string()))
    }
}

impl<T: Encode + Decode + 'static> RecordSerializer<T> for OlderWriter<T> {
    fn name(&self) -> &'static str {
        self.older.name()
    }

    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.write_older(value, out)
    }

    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.reader.decode(bytes)
    }
}

/// The same datums read by apache-avro resolving the pair: `read_value` with a reader
/// schema, then `from_value` (0.22's `read_deser` panics when given a reader schema).
pub struct ApacheOlderWriter<T> {
    ours: OlderWriter<T>,
    reader: GenericDatumReader<'static>,
}

impl<T: Encode + Decode + 'static> ApacheOlderWriter<T> {
    pub fn new() -> Result<Self, String> {
        let ours = OlderWriter::<T>::new(Older::FieldRemoved)?;
        // apache-avro's reader borrows its schemas: parsed once per contender, kept.
        let parse = |s: &Schema| {
            apache_avro::Schema::parse_str(&s.to_json())
                .map(|s| &*Box::leak(Box::new(s)))
                .map_err(|e| e.to_string())
        };
        let writer = parse(&older_schema::<T>(Older::FieldRemoved)?)?;
        let reader = parse(ours.codec.schema())?;
        let reader = GenericDatumReader::builder(writer)
            .maybe_reader_schema(Some(reader))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(ApacheOlderWriter { ours, reader })
    }
}

impl<T: Encode + Decode + DeserializeOwned + 'static> RecordSerializer<T> for ApacheOlderWriter<T> {
    fn name(&self) -> &'static str {
        "apache resolved"
    }

    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.ours.write_older(value, out)
    }

    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        let error = |e: apache_avro::Error| DecodeError::Custom(e.to_string().into());
        let mut input = bytes;
        let value = self.reader.read_value(&mut input).map_err(error)?;
        if !input.is_empty() {
            return Err(DecodeError::TrailingBytes {
                remaining: input.len(),
            });
        }
        apache_avro::from_value(&value).map_err(error)
    }
}

/// Reading datums of `T`'s own schema, then of older schemas through resolution (see
/// [`Older`]), then, with `apache`, the `FieldRemoved` ones with apache-avro. (apache-avro
/// 0.22's `from_value` cannot read the union-of-records variants its serde path writes, so
/// `app-events` runs without it.)
pub fn resolved_read_contenders<T>(
    records: &[T],
    apache: bool,
) -> Result<Vec<Box<dyn Contender + '_>>, String>
where
    T: crate::contenders::Dataset + DeserializeOwned + 'static,
{
    let own = AvroCodec::<T>::new(Limits::DEFAULT).map_err(|e| e.to_string())?;
    let mut all: Vec<Box<dyn Contender + '_>> =
        vec![Box::new(Format::per_record(Box::new(own), records)?)];
    for older in [Older::FieldRemoved, Older::Reordered] {
        all.push(Box::new(Format::per_record(
            Box::new(OlderWriter::<T>::new(older)?),
            records,
        )?));
    }
    if apache {
        all.push(Box::new(Format::per_record(
            Box::new(ApacheOlderWriter::<T>::new()?),
            records,
        )?));
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::SEED;

    /// The report's avro comparison needs apache-avro to take app-events: serde's names
    /// (`"ios"`, `"text"`) and the derived schema's must agree.
    #[test]
    fn apache_avro_writes_app_events_as_ours_does() {
        let sessions = app_events::generate(SEED, 200).sessions;
        let contenders = app_events_contenders(&sessions);
        assert_eq!(
            contenders.map(|c| c.len()).map_err(|e| e.to_string()),
            Ok(2)
        );
    }
}
