//! Cancellation shared by every task of a job: the first failure stops the rest, so a broken
//! task never leaves the others waiting for buffers or input that will not come.

use crate::error::EngineError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a blocked task looks whether the job was cancelled.
pub(crate) const CANCEL_CHECK: Duration = Duration::from_millis(20);

/// A job's shared failure state.
#[derive(Debug, Clone, Default)]
pub struct JobControl {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    /// A savepoint completed and the job stops after it (no failure).
    stopped: AtomicBool,
    first_error: Mutex<Option<(EngineError, Instant)>>,
}

impl JobControl {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `error` (the first one wins) and cancels the job.
    pub fn fail(&self, error: EngineError) {
        let mut first = self
            .inner
            .first_error
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if first.is_none() && error != EngineError::Cancelled {
            *first = Some((error, Instant::now()));
        }
        self.inner.cancelled.store(true, Ordering::Release);
    }

    /// Stops the job after a savepoint: tasks end without firing what is open.
    pub fn stop(&self) {
        self.inner.stopped.store(true, Ordering::Release);
    }

    pub fn is_stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::Acquire)
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Acquire)
    }

    /// `Err(Cancelled)` once the job has failed.
    pub fn check(&self) -> Result<(), EngineError> {
        if self.is_cancelled() {
            Err(EngineError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// The failure that cancelled the job, if any.
    pub fn first_error(&self) -> Option<EngineError> {
        self.failure().map(|(error, _)| error)
    }

    /// The failure that cancelled the job and when it happened, if any.
    pub fn failure(&self) -> Option<(EngineError, Instant)> {
        self.inner
            .first_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
