//! What a complete checkpoint holds, written as `_metadata`: for every task, its source
//! offset or its state files. Written in pojo (the engine's own types derive `TypeInfo`)
//! behind a magic and a CRC-32, so a damaged or foreign file is refused, never misread.

use super::{checkpoint_error, io_error};
use crate::error::EngineError;
use std::io::{Read, Write};
use std::path::Path;
use typeinfo::{Limits, TypeInfo};
use typeinfo_serializers::pojo::Pojo;
use typeinfo_serializers::record::RecordCodec;

const MAGIC: &[u8; 8] = b"TICHKPT\x01";

/// The largest `_metadata` a reader takes.
const MAX_BYTES: u64 = 64 << 20;

/// A complete checkpoint.
#[derive(TypeInfo, Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub checkpoint: u64,
    /// When the sources cut it (the barrier's time, Unix ms).
    pub timestamp_millis: i64,
    /// Every task of the job, in the order they acknowledged.
    pub tasks: Vec<TaskSnapshot>,
}

/// What one subtask acknowledged.
#[derive(TypeInfo, Debug, Clone, PartialEq, Eq)]
pub struct TaskSnapshot {
    /// `stage[subtask]`.
    pub task: String,
    /// For a source subtask: how many records it emitted before the barrier.
    pub source_offset: Option<u64>,
    /// The task had ended before the barrier could reach it: its whole input is before
    /// the cut, and a restore does not run it again.
    pub finished: bool,
    pub states: Vec<StateFile>,
    /// What a transactional sink staged before the barrier (files under its directory's
    /// `_pending/`): committed once the checkpoint completes, and by a restore from it if
    /// the job failed first.
    pub staged: Vec<String>,
}

/// One state's file in a checkpoint.
#[derive(TypeInfo, Debug, Clone, PartialEq, Eq)]
pub struct StateFile {
    pub operator: String,
    pub state: String,
    /// The file's name in the checkpoint's directory.
    pub file: String,
    /// The snapshot of the key's bytes (pojo): a restore refuses a key type that changed
    /// them. The value's snapshot starts the file itself.
    pub key_snapshot: Vec<u8>,
    pub entries: u64,
    pub bytes: u64,
}

impl Metadata {
    /// The bytes of all state files.
    pub fn state_bytes(&self) -> u64 {
        self.tasks
            .iter()
            .flat_map(|t| &t.states)
            .map(|s| s.bytes)
            .sum()
    }

    /// Writes `path` by way of `path.tmp`: synced, renamed, and the directory synced, so
    /// `path` either does not exist or holds all of it.
    pub(crate) fn write(&self, path: &Path) -> Result<(), EngineError> {
        // The codec's record limit is the reader's: what it refuses is never written.
        let body = codec()
            .to_vec(self)
            .map_err(|e| checkpoint_error(path, format!("cannot encode: {e}")))?;
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&body);
        bytes.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        let tmp = path.with_extension("tmp");
        let mut file =
            std::fs::File::create(&tmp).map_err(|e| io_error(&tmp, "cannot create", e))?;
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| io_error(&tmp, "cannot write", e))?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(|e| io_error(path, "cannot rename into place", e))?;
        if let Some(dir) = path.parent() {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| io_error(dir, "cannot sync", e))?;
        }
        Ok(())
    }

    /// Reads and checks `path`.
    pub fn read(path: &Path) -> Result<Metadata, EngineError> {
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| {
                // Never more than a writer writes, whatever the file's size.
                file.take(MAGIC.len() as u64 + 8 + MAX_BYTES + 4 + 1)
                    .read_to_end(&mut bytes)
            })
            .map_err(|e| io_error(path, "cannot read", e))?;
        Self::from_bytes(&bytes).map_err(|detail| checkpoint_error(path, detail))
    }

    fn from_bytes(bytes: &[u8]) -> Result<Metadata, String> {
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or("not checkpoint metadata: it does not start with `TICHKPT` version 1")?;
        let (len, rest) = rest
            .split_first_chunk::<8>()
            .ok_or("the file ends inside its length")?;
        let len = u64::from_le_bytes(*len);
        if len > MAX_BYTES || len + 4 != rest.len() as u64 {
            return Err(format!(
                "it claims {len} bytes of metadata, but holds {} (at most {MAX_BYTES} are read)",
                rest.len().saturating_sub(4)
            ));
        }
        let (body, crc) = rest.split_at(len as usize);
        if crc32fast::hash(body).to_le_bytes() != crc {
            return Err("its checksum does not match: the file is damaged".into());
        }
        codec()
            .decode(body)
            .map_err(|e| format!("does not read: {e}"))
    }
}

fn codec() -> Pojo {
    Pojo::new(Limits {
        max_record_bytes: MAX_BYTES as usize,
        ..Limits::DEFAULT
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Metadata {
        Metadata {
            checkpoint: 7,
            timestamp_millis: 1_700_000_000_000,
            tasks: vec![
                TaskSnapshot {
                    task: "source[0]".into(),
                    source_offset: Some(12),
                    finished: true,
                    states: Vec::new(),
                    staged: Vec::new(),
                },
                TaskSnapshot {
                    task: "windows[0]".into(),
                    source_offset: None,
                    finished: false,
                    states: vec![StateFile {
                        operator: "windows".into(),
                        state: "accumulators".into(),
                        file: "windows-0-accumulators.state".into(),
                        key_snapshot: vec![1, 2, 3],
                        entries: 4,
                        bytes: 99,
                    }],
                    staged: vec!["sink-0-7".into()],
                },
            ],
        }
    }

    #[test]
    fn metadata_reads_back_and_refuses_every_damage() {
        let dir = std::env::temp_dir().join(format!("typeinfo-metadata-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("_metadata");
        sample().write(&path).unwrap();
        assert_eq!(Metadata::read(&path).unwrap(), sample());
        assert!(!path.with_extension("tmp").exists());
        let good = std::fs::read(&path).unwrap();
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            assert!(Metadata::from_bytes(&bad).is_err(), "byte {at} flipped");
        }
        for cut in 0..good.len() {
            assert!(Metadata::from_bytes(&good[..cut]).is_err(), "cut at {cut}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
