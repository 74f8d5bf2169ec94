//! What a channel costs per record, apart from the job: the job's own uploads and sessions,
//! in containers of the size timely fills, written (`length_in_bytes`, then `into_bytes`)
//! and read (`from_bytes`) by timely's `Vec<T>` and by typeinfo's codecs, in rounds where the
//! channels take turns. This is the work the exchanges add per record that crosses
//! processes; the job around it (JSON parsing above all) is the same for every channel.

use super::Channel;
use crate::datasets::app_events::AppEvent;
use crate::jobs::etl::rules::Apps;
use crate::jobs::etl::typed::{self, Session, Typed};
use crate::jobs::etl::{Model, PARTITIONS, partition_len, topic};
use crate::report::Spread;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use timely::bytes::arc::{Bytes, BytesMut};
use timely::container::buffer::default_capacity;
use timely::dataflow::channels::ContainerBytes;
use typeinfo::{Decode, Encode};
use typeinfo_timely::RecordsCodec;

/// One channel's cost on one record type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// Write and read, ns per record: median, min and max of the rounds.
    pub ns_per_record: Spread,
    pub bytes_per_record: f64,
}

/// One channel's cost on both exchanged record types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelCost {
    pub channel: String,
    pub uploads: Cost,
    pub sessions: Cost,
}

/// The records the job's two exchanges carry, for `records` uploads.
fn job_records(records: u64) -> Result<(Vec<AppEvent>, Vec<Session>), String> {
    let apps = Apps::catalogue();
    let mut uploads = Vec::new();
    for p in 0..PARTITIONS {
        for raw in topic::partition(p, partition_len(records, p)) {
            uploads.push(Typed::parse(&raw.json)?);
        }
    }
    let mut sessions = Vec::new();
    for upload in &uploads {
        let session = Typed::enrich(upload.clone(), &apps)?;
        if Typed::keep(&session) {
            sessions.push(session);
        }
    }
    Ok((uploads, sessions))
}

/// Writes and reads containers of one record type.
#[allow(clippy::ptr_arg)] // timely's trait is implemented for `Vec<T>`, not slices
trait Carry<T> {
    fn write(&self, records: &Vec<T>) -> Vec<u8>;
    fn read(&self, bytes: Bytes) -> Vec<T>;
}

/// Timely's own container, through its own trait.
struct TimelyVec;

impl<T: Clone + serde::Serialize + serde::de::DeserializeOwned> Carry<T> for TimelyVec {
    fn write(&self, records: &Vec<T>) -> Vec<u8> {
        let mut out = Vec::with_capacity(ContainerBytes::length_in_bytes(records));
        records.into_bytes(&mut out);
        out
    }
    fn read(&self, bytes: Bytes) -> Vec<T> {
        <Vec<T> as ContainerBytes>::from_bytes(bytes)
    }
}

impl<T: Encode + Decode> Carry<T> for RecordsCodec<T> {
    fn write(&self, records: &Vec<T>) -> Vec<u8> {
        self.encode(records).expect("the job's records encode")
    }
    fn read(&self, bytes: Bytes) -> Vec<T> {
        self.decode(&bytes).expect("bytes just written read")
    }
}

/// One record type's batches and every channel's carrier for it.
struct Bench<T> {
    batches: Vec<Vec<T>>,
    carriers: Vec<Box<dyn Carry<T>>>,
    samples: Vec<Vec<f64>>,
    bytes: Vec<usize>,
}

impl<T: Clone> Bench<T> {
    fn new(records: &[T], carriers: Vec<Box<dyn Carry<T>>>) -> Self {
        let batches = records
            .chunks(default_capacity::<T>())
            .map(<[T]>::to_vec)
            .collect();
        let n = carriers.len();
        Bench {
            batches,
            carriers,
            samples: vec![Vec::new(); n],
            bytes: vec![0; n],
        }
    }

    fn records(&self) -> usize {
        self.batches.iter().map(Vec::len).sum()
    }

    /// One timed round of channel `c`: each batch written and read back, as a container
    /// crosses; the bytes become timely's and the read records are dropped outside the
    /// timed code (the job drops records whatever carried them).
    fn round(&mut self, c: usize) {
        let carrier = &self.carriers[c];
        let (mut took, mut bytes, mut read) = (Duration::ZERO, 0, 0);
        for batch in &self.batches {
            let start = Instant::now();
            let written = carrier.write(batch);
            took += start.elapsed();
            bytes += written.len();
            let arrived = BytesMut::from(written).freeze();
            let start = Instant::now();
            let records = carrier.read(arrived);
            took += start.elapsed();
            read += records.len();
        }
        let records = self.records();
        assert_eq!(read, records, "every record reads back");
        self.bytes[c] = bytes;
        self.samples[c].push(took.as_nanos() as f64 / records as f64);
    }

    fn cost(&self, c: usize) -> Cost {
        Cost {
            ns_per_record: Spread::of_repeats(self.samples[c].iter().copied()),
            bytes_per_record: self.bytes[c] as f64 / self.records() as f64,
        }
    }
}

fn carrier<
    T: Encode + Decode + Clone + serde::Serialize + serde::de::DeserializeOwned + 'static,
>(
    channel: &Channel,
) -> Result<Box<dyn Carry<T>>, String> {
    Ok(match channel {
        Channel::Bincode => Box::new(TimelyVec),
        Channel::Typeinfo(format) => {
            let config = format
                .config(&typed::classes())
                .map_err(|e| e.to_string())?;
            Box::new(RecordsCodec::<T>::new(&config).map_err(|e| e.to_string())?)
        }
    })
}

/// Measures `channels` on the records of `records` uploads, `rounds` rounds.
pub fn measure(channels: &[&str], records: u64, rounds: usize) -> Result<Vec<ChannelCost>, String> {
    let channels: Vec<Channel> = channels
        .iter()
        .map(|c| Channel::parse(c))
        .collect::<Result<_, _>>()?;
    let (uploads, sessions) = job_records(records)?;
    let mut up = Bench::new(
        &uploads,
        channels.iter().map(carrier).collect::<Result<_, _>>()?,
    );
    let mut down = Bench::new(
        &sessions,
        channels.iter().map(carrier).collect::<Result<_, _>>()?,
    );
    for _ in 0..rounds {
        for c in 0..channels.len() {
            up.round(c);
            down.round(c);
        }
    }
    Ok(channels
        .iter()
        .enumerate()
        .map(|(c, channel)| ChannelCost {
            channel: channel.name().to_owned(),
            uploads: up.cost(c),
            sessions: down.cost(c),
        })
        .collect())
}
