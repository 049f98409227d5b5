//! No concurrency at all: the baseline the pools are measured against
//! (`primes --executor sequential`). Not in CPython; the book's baseline is
//! a plain loop, and this is that loop behind the [`Executor`] trait, so
//! the prime checker is written once for all three.

use std::panic::{self, AssertUnwindSafe};

use crate::executor::{Executor, Payload};
use crate::future::{Future, FutureError};
use crate::thread::panic_message;

/// Runs each task on the caller's thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct SequentialExecutor;

impl Executor for SequentialExecutor {
    /// Runs `f(arg)` at once, then returns its finished future.
    fn submit_fn<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Future<R> {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(arg)))
            .map_err(|panic| FutureError::Panicked(panic_message(&*panic)));
        Future::finished(outcome)
    }

    /// Lazily, unlike the pools: each task runs only when its result is
    /// asked for, so the prime checker's rows appear one by one, as they
    /// would on a single core.
    fn map<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A>,
    ) -> impl Iterator<Item = Result<R, FutureError>> {
        args.into_iter().map(move |arg| self.submit_fn(f, arg).into_result())
    }

    /// Nothing to stop: every task has run by the time `submit_fn` returns.
    fn shutdown(&self, _wait: bool, _cancel_futures: bool) {}
}
