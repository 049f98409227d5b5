//! `futures.as_completed` and `futures.wait`: waiting on many futures at
//! once, whichever executor they come from.
//!
//! As in CPython, each call registers a waiter on every future it is given
//! (here, the sending end of one channel), and a future that becomes done
//! sends its position in the list on it. So the channel delivers the
//! futures in the order they finished, each once, and nothing polls. A
//! future that is cancelled counts once its executor has seen it
//! (CPython's `CANCELLED_AND_NOTIFIED`), not at `cancel()`.

use std::collections::HashSet;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::future::Future;

/// `concurrent.futures.TimeoutError` as `as_completed` raises it: some
/// futures were not done in time. Its message is CPython's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{unfinished} (of {total}) futures unfinished")]
pub struct TimeoutError {
    /// How many futures were not done.
    pub unfinished: usize,
    /// How many distinct futures were given.
    pub total: usize,
}

/// The futures given to a call, each once, and the channel their
/// positions come back on as they become done.
struct Waiting<'a, R> {
    fs: Vec<&'a Future<R>>,
    finished: Receiver<usize>,
    left: usize,
    deadline: Option<Instant>,
}

impl<'a, R> Waiting<'a, R> {
    fn new(
        fs: impl IntoIterator<Item = &'a Future<R>>,
        timeout: Option<Duration>,
    ) -> Waiting<'a, R> {
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        let mut seen = HashSet::new();
        let fs: Vec<_> =
            fs.into_iter().filter(|future| seen.insert(future.id())).collect();
        // One channel for all: whoever finishes first is read first.
        let (waiter, finished) = mpsc::channel();
        for (position, future) in fs.iter().enumerate() {
            future.notify_when_done(&waiter, position);
        }
        let left = fs.len();
        Waiting { fs, finished, left, deadline }
    }

    /// The next future done; `Ok(None)` when all were; `Err` if the
    /// deadline passed first.
    fn next(&mut self) -> Result<Option<&'a Future<R>>, TimeoutError> {
        if self.left == 0 {
            return Ok(None);
        }
        let position = match self.deadline {
            None => self.finished.recv().ok(),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                match self.finished.recv_timeout(left) {
                    Ok(position) => Some(position),
                    Err(RecvTimeoutError::Timeout) => {
                        return Err(TimeoutError {
                            unfinished: self.left,
                            total: self.fs.len(),
                        });
                    }
                    Err(RecvTimeoutError::Disconnected) => None,
                }
            }
        };
        self.left -= 1;
        // `None` only if the waiter's sender was dropped unsent, which a
        // future never does: each sends once, when done.
        Ok(position.map(|position| self.fs[position]))
    }
}

// ANCHOR: as_completed
/// `futures.as_completed(fs)`: the futures, each once, in the order they
/// finish (or are cancelled); those already done come first. Waits while
/// none is new. Duplicates in `fs` are yielded once, as in CPython.
///
/// It borrows the futures, as Python's iterates over `to_do_map`'s keys,
/// so the map can still be indexed with each future yielded.
pub fn as_completed<'a, R: 'a>(
    fs: impl IntoIterator<Item = &'a Future<R>>,
) -> impl Iterator<Item = &'a Future<R>> {
    let mut waiting = Waiting::new(fs, None);
    std::iter::from_fn(move || waiting.next().ok().flatten())
}
// ANCHOR_END: as_completed

/// `futures.as_completed(fs, timeout)`: as [`as_completed`], but once
/// `timeout` (from this call) has passed with futures still not done, the
/// next item is a [`TimeoutError`], and the last.
pub fn as_completed_timeout<'a, R: 'a>(
    fs: impl IntoIterator<Item = &'a Future<R>>,
    timeout: Duration,
) -> impl Iterator<Item = Result<&'a Future<R>, TimeoutError>> {
    let mut waiting = Waiting::new(fs, Some(timeout));
    let mut timed_out = false;
    std::iter::from_fn(move || {
        if timed_out {
            return None;
        }
        match waiting.next() {
            Ok(next) => next.map(Ok),
            Err(error) => {
                timed_out = true;
                Some(Err(error))
            }
        }
    })
}

/// When `wait` returns: `futures.FIRST_COMPLETED`, `FIRST_EXCEPTION` or
/// `ALL_COMPLETED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as any future is done (at once, if one already is).
    FirstCompleted,
    /// As soon as any future finishes with an error (a panic, a broken
    /// pool; not a cancellation), or when all are done.
    FirstException,
    /// When every future is done.
    AllCompleted,
}

/// What `wait` returns: CPython's `DoneAndNotDoneFutures(done, not_done)`.
#[derive(Debug)]
pub struct DoneAndNotDone<'a, R> {
    pub done: Vec<&'a Future<R>>,
    pub not_done: Vec<&'a Future<R>>,
}

/// `futures.wait(fs, return_when=...)`: blocks until `return_when` holds,
/// then splits the futures into done and not done, each listed once.
pub fn wait<'a, R: 'a>(
    fs: impl IntoIterator<Item = &'a Future<R>>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<'a, R> {
    wait_until(Waiting::new(fs, None), return_when)
}

/// `futures.wait(fs, timeout, return_when)`: as [`wait`], but returns
/// after `timeout` whatever holds; as in CPython, running out of time is
/// no error (the futures are then in `not_done`).
pub fn wait_timeout<'a, R: 'a>(
    fs: impl IntoIterator<Item = &'a Future<R>>,
    return_when: ReturnWhen,
    timeout: Duration,
) -> DoneAndNotDone<'a, R> {
    wait_until(Waiting::new(fs, Some(timeout)), return_when)
}

fn wait_until<'a, R>(
    mut waiting: Waiting<'a, R>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<'a, R> {
    let mut needed = match return_when {
        ReturnWhen::FirstCompleted => waiting.fs.len().min(1),
        ReturnWhen::FirstException | ReturnWhen::AllCompleted => {
            waiting.fs.len()
        }
    };
    // Those already done come first, then the others as they finish.
    while needed > 0 {
        match waiting.next() {
            Ok(Some(future)) => {
                needed -= 1;
                if return_when == ReturnWhen::FirstException
                    && matches!(future.exception(), Ok(Some(_)))
                {
                    break;
                }
            }
            Ok(None) | Err(_) => break,
        }
    }
    let (done, not_done) =
        waiting.fs.into_iter().partition(|future| future.notified());
    DoneAndNotDone { done, not_done }
}
