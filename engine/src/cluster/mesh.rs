//! The data connections between task manager processes: one per pair that shares a channel.
//! The higher index dials the lower one and introduces itself with the job's token and its
//! index, so every process knows which peer each connection leads to.

use crate::error::EngineError;
use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// How long a task manager waits for its peers' connections.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// This end of each connection of task manager `here`, by peer index, with the peer's
/// address for messages.
pub(crate) type Connections = HashMap<usize, (TcpStream, String)>;

fn introduction(token: u64, task_manager: usize) -> [u8; 12] {
    let mut bytes = [0u8; 12];
    bytes[..8].copy_from_slice(&token.to_le_bytes());
    bytes[8..].copy_from_slice(&(task_manager as u32).to_le_bytes());
    bytes
}

/// Opens the connections of task manager `here` to the peers in `pairs` (all pairs of the
/// job; those without `here` are left to others).
pub(crate) fn connect(
    here: usize,
    pairs: &BTreeSet<(usize, usize)>,
    listener: &TcpListener,
    addresses: &[String],
    token: u64,
) -> Result<Connections, EngineError> {
    let deadline = Instant::now() + CONNECT_TIMEOUT;
    let failed = |peer: usize, detail: String| EngineError::Connection {
        peer: format!("task manager {peer} from {here}"),
        detail,
    };
    let mut connections = Connections::new();
    let mut awaited = BTreeSet::new();
    for &(a, b) in pairs {
        match (a == here, b == here) {
            (true, _) => {
                awaited.insert(b);
            }
            (_, true) => {
                let address = &addresses[a];
                let socket: SocketAddr = address
                    .parse()
                    .map_err(|e| failed(a, format!("bad address `{address}`: {e}")))?;
                let mut stream = TcpStream::connect_timeout(&socket, CONNECT_TIMEOUT)
                    .map_err(|e| failed(a, format!("could not connect to {address}: {e}")))?;
                stream
                    .write_all(&introduction(token, here))
                    .map_err(|e| failed(a, format!("could not introduce itself: {e}")))?;
                connections.insert(a, (stream, address.clone()));
            }
            _ => {}
        }
    }
    while !awaited.is_empty() {
        let io = |e: std::io::Error| failed(here, format!("accept failed: {e}"));
        let Some((mut stream, address)) = accept_until(listener, deadline, || Ok(()), io)? else {
            let missing: Vec<String> = awaited.iter().map(usize::to_string).collect();
            return Err(EngineError::Connection {
                peer: format!("task managers {} from {here}", missing.join(", ")),
                detail: format!("they did not connect within {CONNECT_TIMEOUT:?}"),
            });
        };
        let mut hello = [0u8; 12];
        stream
            .read_exact(&mut hello)
            .map_err(|e| failed(here, format!("a connection from {address} failed: {e}")))?;
        let peer = u32::from_le_bytes(hello[8..].try_into().expect("4 bytes")) as usize;
        if hello[..8] != token.to_le_bytes() || !awaited.remove(&peer) {
            return Err(failed(
                here,
                format!(
                    "a connection from {address} did not introduce itself as a peer this \
                     task manager waits for (task manager {peer}, with this job's token)"
                ),
            ));
        }
        connections.insert(peer, (stream, address.to_string()));
    }
    Ok(connections)
}

/// The next connection on `listener` before `deadline` (`None` once it has passed), asking
/// `waiting` between polls whether to give up. The stream comes back blocking, its reads
/// timing out after [`CONNECT_TIMEOUT`].
pub(crate) fn accept_until(
    listener: &TcpListener,
    deadline: Instant,
    mut waiting: impl FnMut() -> Result<(), EngineError>,
    io: impl Fn(std::io::Error) -> EngineError,
) -> Result<Option<(TcpStream, SocketAddr)>, EngineError> {
    listener.set_nonblocking(true).map_err(&io)?;
    loop {
        match listener.accept() {
            Ok((stream, address)) => {
                stream.set_nonblocking(false).map_err(&io)?;
                stream
                    .set_read_timeout(Some(CONNECT_TIMEOUT))
                    .map_err(&io)?;
                return Ok(Some((stream, address)));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                waiting()?;
                if Instant::now() >= deadline {
                    return Ok(None);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => return Err(io(e)),
        }
    }
}
