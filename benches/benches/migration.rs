//! What reading state written under an older type costs: the plain read of today's bytes,
//! the same read through a migration that finds nothing to convert ("as-is"), a migrating
//! read with one field added, one removed and one widened ("migrated"), and one of records
//! whose every field moved ("reordered"); on app-events and game-sessions, in pojo, compact
//! and kryo. Also a snapshot's size and the time to write, read and check it.
//! `cargo bench -p typeinfo-benches --bench migration`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use typeinfo::snapshot::{Compatibility, Migration, Snapshot};
use typeinfo::{Decode, Encode, TypeInfo};
use typeinfo_benches::datasets::{app_events, game_sessions};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;

/// `AppEvent` with its fields in reverse order.
mod app_reordered {
    use super::*;
    use app_events::{CustomEvent, Location, Network, Platform};

    #[derive(TypeInfo)]
    pub struct AppEvent {
        pub events: Vec<CustomEvent>,
        pub location: Option<Location>,
        pub network: Option<Network>,
        pub country: Option<String>,
        pub sdk_version: String,
        pub app_version: String,
        pub platform: Platform,
        pub received_at: i64,
        pub sent_at: i64,
        pub session_id: String,
        pub device_id: String,
        pub app_key: String,
    }
}

/// `GameSession` with its fields in reverse order.
mod game_reordered {
    use super::*;
    use game_sessions::{Level, Payment, Platform};

    #[derive(TypeInfo)]
    pub struct GameSession {
        pub payments: Vec<Payment>,
        pub levels: Vec<Level>,
        pub guild: Option<String>,
        pub platform: Platform,
        pub duration_ms: i32,
        pub started_at: i64,
        pub game: String,
        pub player_id: i64,
        pub session_id: i64,
    }
}

fn kryo() -> Generated {
    Generated::new(Kryo::new(Registry::new())).expect("references are off")
}

/// Reads every record of `encoded` as `New` through a migration from `Old`'s snapshot.
fn bench_read<C: RecordCodec, Old: Decode, New: Decode>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    codec: &C,
    encoded: &[Vec<u8>],
) {
    let migration = Migration::<New>::new(&codec.snapshot::<Old>(), &codec.snapshot::<New>())
        .expect("a migration the check allows");
    group.bench_function(name, |b| {
        b.iter(|| {
            for bytes in encoded {
                let record: New = codec.decode_by(black_box(bytes), &migration).unwrap();
                black_box(record);
            }
        })
    });
}

fn dataset<C: RecordCodec, T: Encode + Decode, M: Decode, R: Decode>(
    c: &mut Criterion,
    dataset: &str,
    format: &str,
    codec: &C,
    records: &[T],
) {
    let encoded: Vec<Vec<u8>> = records
        .iter()
        .map(|r| codec.to_vec(r).expect("encodes"))
        .collect();
    let mut group = c.benchmark_group(format!("migration/{dataset}/{format}"));
    group.bench_function("plain", |b| {
        b.iter(|| {
            for bytes in &encoded {
                let record: T = codec.decode(black_box(bytes)).unwrap();
                black_box(record);
            }
        })
    });
    bench_read::<C, T, T>(&mut group, "as-is", codec, &encoded);
    bench_read::<C, T, M>(&mut group, "migrated", codec, &encoded);
    bench_read::<C, T, R>(&mut group, "reordered", codec, &encoded);
    group.finish();
}

fn snapshots<T: typeinfo::HasTypeInfo, M: typeinfo::HasTypeInfo>(c: &mut Criterion, name: &str) {
    let codec = Pojo::default();
    let old = codec.snapshot::<T>();
    let new = codec.snapshot::<M>();
    let bytes = old.to_bytes();
    println!("snapshot/{name}: {} bytes", bytes.len());
    let mut group = c.benchmark_group(format!("snapshot/{name}"));
    group.bench_function("write", |b| b.iter(|| black_box(old.to_bytes())));
    group.bench_function("read", |b| {
        b.iter(|| black_box(Snapshot::from_bytes(black_box(&bytes)).unwrap()))
    });
    group.bench_function("check", |b| {
        b.iter(|| black_box(Compatibility::check(black_box(&old), black_box(&new))))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let app = app_events::generate(1, 1_000).sessions;
    let games = game_sessions::generate(2, 1_000).sessions;
    type App = app_events::AppEvent;
    type Game = game_sessions::GameSession;
    macro_rules! each_format {
        ($records:expr, $name:literal, $t:ty, $m:ty, $r:ty) => {
            dataset::<_, $t, $m, $r>(c, $name, "pojo", &Pojo::default(), &$records);
            dataset::<_, $t, $m, $r>(c, $name, "compact", &Compact::default(), &$records);
            dataset::<_, $t, $m, $r>(c, $name, "kryo", &kryo(), &$records);
        };
    }
    each_format!(
        app,
        "app-events",
        App,
        app_events::evolved::AppEvent,
        app_reordered::AppEvent
    );
    each_format!(
        games,
        "game-sessions",
        Game,
        game_sessions::evolved::GameSession,
        game_reordered::GameSession
    );
    snapshots::<App, app_events::evolved::AppEvent>(c, "app-events");
    snapshots::<Game, game_sessions::evolved::GameSession>(c, "game-sessions");
}

criterion_group!(migration, benches);
criterion_main!(migration);
