//! Network memory: the global pool of segments allocated when a job starts, the local pools
//! that each own a fixed share of it, and the buffers that return to their pool when dropped.
//!
//! Every pool is sized before any task runs ([`NetworkBufferPool::local_pool`] fails when the
//! global pool is short), so a running job never waits on memory another task holds while
//! that task waits on it: the deadlock Flink 1.1 had under load cannot happen.

use crate::communication::control::{CANCEL_CHECK, JobControl};
use crate::communication::segment::Segment;
use crate::error::EngineError;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Where a buffer goes back to when its reader is done with it.
pub trait Recycler: Send + Sync {
    fn recycle(&self, segment: Segment);
}

/// A segment on loan from a pool; dropping it hands the segment back.
pub struct Buffer {
    segment: Option<Segment>,
    recycler: Arc<dyn Recycler>,
}

impl Buffer {
    pub(crate) fn new(segment: Segment, recycler: Arc<dyn Recycler>) -> Self {
        Buffer {
            segment: Some(segment),
            recycler,
        }
    }

    fn segment(&self) -> &Segment {
        self.segment.as_ref().expect("present until drop")
    }

    /// The bytes written so far.
    pub fn data(&self) -> &[u8] {
        self.segment().data()
    }

    pub fn len(&self) -> usize {
        self.data().len()
    }

    pub fn is_empty(&self) -> bool {
        self.data().is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.segment().is_full()
    }

    /// Appends exactly `n` bytes read from `source`; `n` must fit.
    pub(crate) fn fill_from(
        &mut self,
        source: &mut impl std::io::Read,
        n: usize,
    ) -> std::io::Result<()> {
        self.segment
            .as_mut()
            .expect("present until drop")
            .fill_from(source, n)
    }

    /// Copies as much of `bytes` as fits and returns how much that was.
    pub fn append(&mut self, bytes: &[u8]) -> usize {
        self.segment
            .as_mut()
            .expect("present until drop")
            .fill(bytes)
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if let Some(mut segment) = self.segment.take() {
            segment.clear();
            self.recycler.recycle(segment);
        }
    }
}

impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buffer").field("len", &self.len()).finish()
    }
}

/// All network memory of a process, allocated at once.
#[derive(Debug)]
pub struct NetworkBufferPool {
    segment_size: usize,
    total: usize,
    free: Mutex<Vec<Segment>>,
}

impl NetworkBufferPool {
    /// Allocates `count` segments of `segment_size` bytes.
    pub fn new(count: usize, segment_size: usize) -> Arc<Self> {
        Arc::new(NetworkBufferPool {
            segment_size,
            total: count,
            free: Mutex::new((0..count).map(|_| Segment::new(segment_size)).collect()),
        })
    }

    pub fn segment_size(&self) -> usize {
        self.segment_size
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// Segments not handed to a local pool.
    pub fn available(&self) -> usize {
        self.free.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Takes `count` segments, or none (and says so) when fewer are free.
    pub(crate) fn take_segments(
        &self,
        count: usize,
        owner: &str,
    ) -> Result<Vec<Segment>, EngineError> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.len() < count {
            return Err(EngineError::InsufficientBuffers {
                required: count,
                available: free.len(),
                breakdown: format!("for {owner}"),
            });
        }
        let at = free.len() - count;
        Ok(free.split_off(at))
    }

    /// Gives segments back.
    pub(crate) fn return_segments(&self, segments: impl IntoIterator<Item = Segment>) {
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(segments.into_iter().map(|mut s| {
                s.clear();
                s
            }));
    }

    /// Moves `count` segments into a new local pool; takes none and says so when fewer are
    /// free. The segments come back when the local pool and all its buffers are dropped.
    pub fn local_pool(
        self: &Arc<Self>,
        count: usize,
        owner: &str,
    ) -> Result<LocalBufferPool, EngineError> {
        let segments = self.take_segments(count, owner)?;
        Ok(LocalBufferPool {
            inner: Arc::new(LocalPool {
                capacity: count,
                free: Mutex::new(segments),
                returned: Condvar::new(),
                peak_in_use: AtomicUsize::new(0),
                global: Arc::clone(self),
            }),
        })
    }
}

/// A fixed number of buffers for one side of one edge in one task.
#[derive(Debug, Clone)]
pub struct LocalBufferPool {
    inner: Arc<LocalPool>,
}

#[derive(Debug)]
struct LocalPool {
    capacity: usize,
    free: Mutex<Vec<Segment>>,
    returned: Condvar,
    peak_in_use: AtomicUsize,
    global: Arc<NetworkBufferPool>,
}

impl Recycler for LocalPool {
    fn recycle(&self, segment: Segment) {
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(segment);
        self.returned.notify_one();
    }
}

impl Drop for LocalPool {
    fn drop(&mut self) {
        let segments = std::mem::take(self.free.get_mut().unwrap_or_else(|e| e.into_inner()));
        self.global.return_segments(segments);
    }
}

impl LocalBufferPool {
    pub fn capacity(&self) -> usize {
        self.inner.capacity
    }

    /// Reads how many buffers are on loan now (for a gauge that outlives no one: it keeps
    /// the pool's counters, not its buffers, alive).
    pub fn in_use_reader(&self) -> impl Fn() -> f64 + Send + Sync + 'static {
        let pool = Arc::downgrade(&self.inner);
        move || {
            pool.upgrade().map_or(0.0, |pool| {
                let free = pool.free.lock().unwrap_or_else(|e| e.into_inner()).len();
                (pool.capacity - free) as f64
            })
        }
    }

    /// The most buffers on loan at one time so far.
    pub fn peak_in_use(&self) -> usize {
        self.inner.peak_in_use.load(Ordering::Relaxed)
    }

    /// A free buffer, if there is one.
    pub fn try_request(&self) -> Option<Buffer> {
        let mut free = self.inner.free.lock().unwrap_or_else(|e| e.into_inner());
        let segment = free.pop()?;
        let in_use = self.inner.capacity - free.len();
        drop(free);
        self.inner.peak_in_use.fetch_max(in_use, Ordering::Relaxed);
        Some(Buffer::new(segment, self.inner.clone()))
    }

    /// Waits for a buffer (back pressure), adding the time waited to `blocked`; gives up when
    /// the job is cancelled.
    pub fn request(
        &self,
        control: &JobControl,
        blocked: &mut Duration,
    ) -> Result<Buffer, EngineError> {
        if let Some(buffer) = self.try_request() {
            return Ok(buffer);
        }
        let start = Instant::now();
        let result = loop {
            control.check()?;
            let free = self.inner.free.lock().unwrap_or_else(|e| e.into_inner());
            let (free, _) = self
                .inner
                .returned
                .wait_timeout_while(free, CANCEL_CHECK, |free| free.is_empty())
                .unwrap_or_else(|e| e.into_inner());
            if !free.is_empty() {
                drop(free);
                if let Some(buffer) = self.try_request() {
                    break Ok(buffer);
                }
            }
        };
        *blocked += start.elapsed();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_return_to_their_pool_and_pools_to_the_global_pool() {
        let global = NetworkBufferPool::new(4, 64);
        let local = global.local_pool(3, "test").unwrap();
        assert_eq!(global.available(), 1);
        let a = local.try_request().unwrap();
        let b = local.try_request().unwrap();
        let c = local.try_request().unwrap();
        assert!(local.try_request().is_none());
        assert_eq!(local.peak_in_use(), 3);
        drop(b);
        let mut again = local.try_request().unwrap();
        assert!(again.is_empty(), "a recycled buffer comes back empty");
        assert_eq!(again.append(&[1; 100]), 64);
        drop((a, c, again, local));
        assert_eq!(global.available(), 4);
    }

    #[test]
    fn a_pool_larger_than_what_is_free_is_refused_whole() {
        let global = NetworkBufferPool::new(4, 64);
        let _held = global.local_pool(3, "first").unwrap();
        let e = global.local_pool(2, "gate of `sink`").unwrap_err();
        assert!(
            e.to_string()
                .contains("needs 2 network buffers but the pool has 1")
        );
        assert_eq!(global.available(), 1);
    }

    #[test]
    fn a_blocked_request_wakes_when_a_buffer_returns_and_counts_the_wait() {
        let global = NetworkBufferPool::new(1, 64);
        let local = global.local_pool(1, "test").unwrap();
        let held = local.try_request().unwrap();
        let returner = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            drop(held);
        });
        let mut blocked = Duration::ZERO;
        local.request(&JobControl::new(), &mut blocked).unwrap();
        returner.join().unwrap();
        assert!(blocked >= Duration::from_millis(20), "{blocked:?}");
    }

    #[test]
    fn a_blocked_request_gives_up_when_the_job_is_cancelled() {
        let global = NetworkBufferPool::new(1, 64);
        let local = global.local_pool(1, "test").unwrap();
        let _held = local.try_request().unwrap();
        let control = JobControl::new();
        control.fail(EngineError::Cancelled);
        let mut blocked = Duration::ZERO;
        assert_eq!(
            local.request(&control, &mut blocked).unwrap_err(),
            EngineError::Cancelled
        );
    }
}
