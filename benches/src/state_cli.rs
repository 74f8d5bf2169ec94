//! `typeinfo state`: write a state file of a built-in record type, show what a state file
//! holds, and check that a built-in type reads it (migrating when the type has changed).

use crate::datasets::{SEED, app_events, flink_mini, game_sessions, log, mesh};
use clap::{Args, Subcommand, ValueEnum};
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use typeinfo::{Decode, Encode, HasTypeInfo};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::avro::Avro;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;
use typeinfo_serializers::state::{StateReader, StateWriter, scan};

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Writes --records records of a built-in type to FILE.
    Write(WriteFlags),
    /// Prints a state file's snapshot tree, format, fingerprint and record count.
    Show { file: PathBuf },
    /// Reads every record of FILE as a built-in type, migrating when the file's snapshot is
    /// older, and prints the compatibility and the count.
    Check {
        file: PathBuf,
        #[arg(long = "type", value_enum)]
        type_name: StateType,
    },
}

#[derive(Debug, Args)]
pub struct WriteFlags {
    pub file: PathBuf,
    #[arg(long = "type", value_enum)]
    pub type_name: StateType,
    #[arg(long, value_enum, default_value_t = StateFormat::Pojo)]
    pub format: StateFormat,
    #[arg(long, default_value_t = 1_000)]
    pub records: usize,
}

/// The built-in record types a state file can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateType {
    /// app-events' session upload.
    AppEvent,
    /// The same type as a later app version defines it (a field added, one removed, one
    /// widened): reads app-event files through a migration.
    AppEventNext,
    /// game-sessions' session.
    GameSession,
    /// The same, evolved (see app-event-next).
    GameSessionNext,
    /// flink-mini's event.
    FlinkEvent,
    /// The log dataset's line.
    Log,
    /// The mesh dataset's triangle.
    Triangle,
}

/// The formats a state file can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateFormat {
    Pojo,
    Compact,
    Kryo,
    Avro,
}

/// Runs `$body` with `$codec` bound to the codec of `$format` (a [`StateFormat`]).
macro_rules! with_codec {
    ($format:expr, |$codec:ident| $body:expr) => {
        match $format {
            StateFormat::Pojo => {
                let $codec = Pojo::default();
                $body
            }
            StateFormat::Compact => {
                let $codec = Compact::default();
                $body
            }
            StateFormat::Kryo => {
                let $codec =
                    Generated::new(Kryo::new(Registry::new())).expect("references are off");
                $body
            }
            StateFormat::Avro => {
                let $codec = Avro::default();
                $body
            }
        }
    };
}

/// Runs `$body` with `$t` the Rust type of `$type_name` (a [`StateType`]).
macro_rules! with_type {
    ($type_name:expr, |$t:ident| $body:expr) => {
        match $type_name {
            StateType::AppEvent => {
                type $t = app_events::AppEvent;
                $body
            }
            StateType::AppEventNext => {
                type $t = app_events::evolved::AppEvent;
                $body
            }
            StateType::GameSession => {
                type $t = game_sessions::GameSession;
                $body
            }
            StateType::GameSessionNext => {
                type $t = game_sessions::evolved::GameSession;
                $body
            }
            StateType::FlinkEvent => {
                type $t = flink_mini::Event;
                $body
            }
            StateType::Log => {
                type $t = log::Log;
                $body
            }
            StateType::Triangle => {
                type $t = mesh::Triangle;
                $body
            }
        }
    };
}

/// Runs the command; what it prints on success, or the error in words.
pub fn run(command: &StateCommand) -> Result<String, String> {
    match command {
        StateCommand::Write(flags) => write(flags),
        StateCommand::Show { file } => show(file),
        StateCommand::Check { file, type_name } => check(file, *type_name),
    }
}

fn write(flags: &WriteFlags) -> Result<String, String> {
    let records = match flags.type_name {
        StateType::AppEvent => {
            Records::AppEvent(app_events::generate(SEED, flags.records).sessions)
        }
        StateType::GameSession => {
            Records::GameSession(game_sessions::generate(SEED, flags.records).sessions)
        }
        StateType::FlinkEvent => {
            Records::FlinkEvent(flink_mini::generate(SEED, flags.records).events)
        }
        StateType::Log => Records::Log(log::generate(SEED, flags.records).logs),
        StateType::Triangle => Records::Triangle(mesh::generate(SEED, flags.records).triangles),
        StateType::AppEventNext | StateType::GameSessionNext => {
            return Err(format!(
                "`{}` has no generator: write app-event or game-session, then check the file as it",
                flags
                    .type_name
                    .to_possible_value()
                    .expect("not skipped")
                    .get_name()
            ));
        }
    };
    let written = with_codec!(flags.format, |codec| match &records {
        Records::AppEvent(r) => write_all(&flags.file, codec, r),
        Records::GameSession(r) => write_all(&flags.file, codec, r),
        Records::FlinkEvent(r) => write_all(&flags.file, codec, r),
        Records::Log(r) => write_all(&flags.file, codec, r),
        Records::Triangle(r) => write_all(&flags.file, codec, r),
    })?;
    Ok(format!(
        "wrote {written} records to {}\n",
        flags.file.display()
    ))
}

/// The generated records of a type that has a generator.
enum Records {
    AppEvent(Vec<app_events::AppEvent>),
    GameSession(Vec<game_sessions::GameSession>),
    FlinkEvent(Vec<flink_mini::Event>),
    Log(Vec<log::Log>),
    Triangle(Vec<mesh::Triangle>),
}

fn write_all<C: RecordCodec, T: Encode + HasTypeInfo>(
    path: &Path,
    codec: C,
    records: &[T],
) -> Result<u64, String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut writer =
        StateWriter::<_, _, T>::new(BufWriter::new(file), codec).map_err(|e| e.to_string())?;
    for record in records {
        writer.write(record).map_err(|e| e.to_string())?;
    }
    let written = writer.records();
    writer.finish().map_err(|e| e.to_string())?;
    Ok(written)
}

fn open(path: &Path) -> Result<BufReader<File>, String> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn show(path: &Path) -> Result<String, String> {
    let summary = scan(open(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    let snapshot = &summary.snapshot;
    let mut out = format!(
        "{}: {} records in {} blocks, {} bytes\nformat {}, snapshot fingerprint {:016x} ({} bytes)\n",
        path.display(),
        summary.records,
        summary.blocks,
        summary.bytes,
        snapshot.format,
        snapshot.fingerprint(),
        snapshot.to_bytes().len()
    );
    out.push_str(&snapshot.to_string());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

fn check(path: &Path, type_name: StateType) -> Result<String, String> {
    let summary = scan(open(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    let format = match summary.snapshot.format.as_str() {
        "pojo" => StateFormat::Pojo,
        "compact" => StateFormat::Compact,
        "kryo" => StateFormat::Kryo,
        "avro" => StateFormat::Avro,
        other => {
            return Err(format!(
                "{}: written in `{other}`, which this command does not read (pojo, compact, kryo, avro)",
                path.display()
            ));
        }
    };
    let name = type_name.to_possible_value().expect("not skipped");
    let (answer, read) = with_type!(type_name, |T| with_codec!(
        format,
        |codec| read_all::<_, T>(path, codec)
    ))?;
    Ok(format!(
        "{} as {} ({}): {answer}\nread {read} records\n",
        path.display(),
        name.get_name(),
        summary.snapshot.format
    ))
}

fn read_all<C: RecordCodec, T: Decode>(path: &Path, codec: C) -> Result<(String, u64), String> {
    let reader = StateReader::<_, _, T>::open(open(path)?, codec)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let answer = reader.migration().compatibility().to_string();
    let mut read = 0u64;
    for record in reader {
        record.map_err(|e| format!("{}: {e}", path.display()))?;
        read += 1;
    }
    Ok((answer, read))
}
