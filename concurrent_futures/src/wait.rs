//! `futures.as_completed` and `futures.wait`: waiting on many futures at
//! once, whichever executor they come from.
//!
//! As in CPython, each call registers a waiter on every future it is given
//! (here, the sending end of one channel), and a future that becomes done
//! sends its position in the list on it. So the channel delivers the
//! futures in the order they finished, each once, and nothing polls. A
//! future that is cancelled counts once its executor has seen it
//! (CPython's `CANCELLED_AND_NOTIFIED`), not at `cancel()`.
//!
//! A call's waiters go when the call ends, however it ends: returning,
//! timing out, its iterator dropped half-read, or a panic unwinding
//! through it (they are removed by `Drop`, CPython's `finally`). A future
//! that stays pending while a loop polls it with `wait_timeout(..., 0)`
//! therefore keeps no trace of the polls.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// Numbers the calls, so each removes its own waiters and no other's.
static CALLS: AtomicU64 = AtomicU64::new(0);

/// The futures given to a call, each once, and the channel their
/// positions come back on as they become done.
struct Waiting<'a, R> {
    fs: Vec<&'a Future<R>>,
    finished: Receiver<usize>,
    left: usize,
    deadline: Option<Instant>,
    /// This call's number, under which its waiters are registered.
    id: u64,
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
        let id = CALLS.fetch_add(1, Ordering::Relaxed);
        let left = fs.len();
        // Built before registering, so that a panic while registering
        // (none is expected) still unregisters what was done.
        let waiting = Waiting { fs, finished, left, deadline, id };
        for (position, future) in waiting.fs.iter().enumerate() {
            future.notify_when_done(id, &waiter, position);
        }
        waiting
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

impl<R> Waiting<'_, R> {
    /// Removes this call's waiters from every future still pending.
    fn forget_all(&mut self) {
        if self.left > 0 {
            for future in &self.fs {
                future.forget_waiter(self.id);
            }
            self.left = 0;
        }
    }
}

impl<R> Drop for Waiting<'_, R> {
    /// The call is over: its waiters leave the futures still pending
    /// (those done have dropped theirs already, when they told it).
    fn drop(&mut self) {
        self.forget_all();
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
                // The call has ended: nobody will read the channel again.
                waiting.forget_all();
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
        waiting.fs.iter().copied().partition(|future| future.notified());
    // `waiting` drops here, and with it this call's waiters.
    DoneAndNotDone { done, not_done }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{ReturnWhen, as_completed, as_completed_timeout, wait_timeout};
    use crate::future::Future;

    /// How many times the polling tests poll: CPython's case of a loop
    /// over a long task; fewer under Miri, which interprets each one.
    const POLLS: usize = if cfg!(miri) { 20 } else { 10_000 };

    /// 10,000 `wait_timeout(0)` polls of one pending future leave no
    /// waiter behind.
    #[test]
    fn polling_wait_timeout_leaves_no_waiter() {
        let (future, _promise) = Future::<u32>::pending();
        for _ in 0..POLLS {
            let result = wait_timeout(
                [&future],
                ReturnWhen::AllCompleted,
                Duration::ZERO,
            );
            assert_eq!(result.not_done.len(), 1);
        }
        assert_eq!(future.waiter_count(), 0);
    }

    /// `FIRST_COMPLETED` with a done future returns at once, and takes
    /// its waiter off the pending one.
    #[test]
    fn wait_first_completed_leaves_no_waiter() {
        let (pending, _promise) = Future::<u32>::pending();
        let done = Future::finished(Ok(1));
        for _ in 0..POLLS {
            let result =
                super::wait([&pending, &done], ReturnWhen::FirstCompleted);
            assert_eq!(result.done, [&done]);
        }
        assert_eq!(pending.waiter_count(), 0);
    }

    /// An `as_completed_timeout` that times out, and an `as_completed`
    /// dropped half-read, take their waiters off the pending future.
    #[test]
    fn as_completed_leaves_no_waiter() {
        let (pending, _promise) = Future::<u32>::pending();
        let done = Future::finished(Ok(1));
        for _ in 0..POLLS {
            let mut timed =
                as_completed_timeout([&done, &pending], Duration::ZERO);
            assert!(timed.next().is_some_and(|first| first.is_ok()));
            assert!(timed.next().is_some_and(|second| second.is_err()));
            assert_eq!(pending.waiter_count(), 0);
            let mut untimed = as_completed([&done, &pending]);
            assert!(untimed.next().is_some());
        }
        assert_eq!(pending.waiter_count(), 0);
    }

    /// A panic in the loop over `as_completed` unwinds through the
    /// iterator, which takes its waiter off the pending future.
    #[test]
    fn a_panic_in_the_loop_leaves_no_waiter() {
        let (pending, _promise) = Future::<u32>::pending();
        let done = Future::finished(Ok(1));
        let looped = std::panic::catch_unwind(|| {
            for future in as_completed([&done, &pending]) {
                assert_eq!(future.result(), Ok(&2), "the loop body panics");
            }
        });
        assert!(looped.is_err());
        assert_eq!(pending.waiter_count(), 0);
    }
}
