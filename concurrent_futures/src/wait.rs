//! `futures.as_completed` and `futures.wait`: waiting on many futures at
//! once, whichever executor they come from.
//!
//! As in CPython, each call registers a waiter on every future it is given
//! (here, the sending end of one channel), and a future that becomes done
//! sends its position in the list on it. So the channel delivers the
//! futures in the order they finished, each once, and nothing polls.

use std::collections::HashSet;
use std::sync::mpsc;

use crate::future::Future;

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
    let fs = unique(fs);
    // One channel for all: whoever finishes first is read first.
    let (waiter, finished) = mpsc::channel();
    for (position, future) in fs.iter().enumerate() {
        future.notify_when_done(&waiter, position);
    }
    // Only the futures hold a sender now, and each sends once, so exactly
    // `fs.len()` positions will arrive.
    drop(waiter);
    let mut left = fs.len();
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        left -= 1;
        // Fails only if a future was dropped without ever being done, which
        // the executors never do (a lost task finishes with an error).
        finished.recv().ok().map(|position| fs[position])
    })
}
// ANCHOR_END: as_completed

/// When `wait` returns: `futures.FIRST_COMPLETED` or `ALL_COMPLETED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as any future is done (at once, if one already is).
    FirstCompleted,
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
    let fs = unique(fs);
    let needed = match return_when {
        ReturnWhen::FirstCompleted => fs.len().min(1),
        ReturnWhen::AllCompleted => fs.len(),
    };
    // `as_completed` yields the done ones first, then waits for the next.
    as_completed(fs.iter().copied()).take(needed).for_each(drop);
    let (done, not_done) = fs.into_iter().partition(|future| future.done());
    DoneAndNotDone { done, not_done }
}

/// The futures in their first order, each once.
fn unique<'a, R>(
    fs: impl IntoIterator<Item = &'a Future<R>>,
) -> Vec<&'a Future<R>> {
    let mut seen = HashSet::new();
    fs.into_iter().filter(|future| seen.insert(future.id())).collect()
}
