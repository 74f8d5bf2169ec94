//! The frames on a connection between two task managers. Both directions carry all three.
//!
//! ```text
//! DATA    u8 0 | u32 channel | u32 backlog | u32 length | length bytes (one buffer)
//! END     u8 1 | u32 channel                (end of partition)
//! CREDIT  u8 2 | u32 channel | u32 credits  (buffers the receiver has ready)
//! ```
//! All integers little-endian. A DATA frame is sent only against a credit; its backlog is
//! the number of buffers still queued behind it, which the receiver answers with floating
//! buffers.

use std::io::{self, Read, Write};

const DATA: u8 = 0;
const END: u8 = 1;
const CREDIT: u8 = 2;

/// A frame's header; a DATA frame's bytes follow it on the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Header {
    Data {
        channel: u32,
        backlog: u32,
        length: u32,
    },
    End {
        channel: u32,
    },
    Credit {
        channel: u32,
        credits: u32,
    },
}

pub(crate) fn write_data(
    out: &mut impl Write,
    channel: u32,
    backlog: u32,
    bytes: &[u8],
) -> io::Result<()> {
    let mut header = [0u8; 13];
    header[0] = DATA;
    header[1..5].copy_from_slice(&channel.to_le_bytes());
    header[5..9].copy_from_slice(&backlog.to_le_bytes());
    header[9..13].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.write_all(&header)?;
    out.write_all(bytes)
}

pub(crate) fn write_end(out: &mut impl Write, channel: u32) -> io::Result<()> {
    let mut frame = [END, 0, 0, 0, 0];
    frame[1..].copy_from_slice(&channel.to_le_bytes());
    out.write_all(&frame)
}

pub(crate) fn write_credit(out: &mut impl Write, channel: u32, credits: u32) -> io::Result<()> {
    let mut frame = [CREDIT, 0, 0, 0, 0, 0, 0, 0, 0];
    frame[1..5].copy_from_slice(&channel.to_le_bytes());
    frame[5..].copy_from_slice(&credits.to_le_bytes());
    out.write_all(&frame)
}

/// Reads the next header; `Ok(None)` at a clean end of stream (between frames).
pub(crate) fn read_header(input: &mut impl Read) -> Result<Option<Header>, String> {
    let mut kind = [0u8; 1];
    match input.read(&mut kind) {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(format!("read failed: {e}")),
    }
    let mut word = || -> Result<u32, String> {
        let mut bytes = [0u8; 4];
        input
            .read_exact(&mut bytes)
            .map_err(|e| format!("the stream ended inside a frame header: {e}"))?;
        Ok(u32::from_le_bytes(bytes))
    };
    Ok(Some(match kind[0] {
        DATA => Header::Data {
            channel: word()?,
            backlog: word()?,
            length: word()?,
        },
        END => Header::End { channel: word()? },
        CREDIT => Header::Credit {
            channel: word()?,
            credits: word()?,
        },
        other => {
            return Err(format!(
                "unknown frame kind {other} (0 data, 1 end, 2 credit)"
            ));
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_read_back_as_written() {
        let mut wire = Vec::new();
        write_data(&mut wire, 7, 3, b"abc").unwrap();
        write_credit(&mut wire, 9, 2).unwrap();
        write_end(&mut wire, 7).unwrap();
        assert_eq!(&wire[..13], [0, 7, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0]);
        let mut input = wire.as_slice();
        assert_eq!(
            read_header(&mut input).unwrap(),
            Some(Header::Data {
                channel: 7,
                backlog: 3,
                length: 3
            })
        );
        input = &input[3..];
        assert_eq!(
            read_header(&mut input).unwrap(),
            Some(Header::Credit {
                channel: 9,
                credits: 2
            })
        );
        assert_eq!(
            read_header(&mut input).unwrap(),
            Some(Header::End { channel: 7 })
        );
        assert_eq!(read_header(&mut input).unwrap(), None);
    }

    #[test]
    fn garbage_and_cut_frames_are_errors() {
        assert!(
            read_header(&mut [9u8].as_slice())
                .unwrap_err()
                .contains("unknown frame kind 9")
        );
        assert!(
            read_header(&mut [2u8, 1, 0].as_slice())
                .unwrap_err()
                .contains("ended inside a frame header")
        );
    }
}
