//! No concurrency at all: the baseline the pools are measured against
//! (`primes --executor sequential`). Not in CPython; the book's baseline is
//! a plain loop, and this is that loop behind the [`Executor`] trait, so
//! the prime checker is written once for all three.

use std::panic::AssertUnwindSafe;

use crate::executor::{Executor, MapOptions, Payload, ShutdownOptions};
use crate::future::{Future, FutureError, Outcome};
use crate::quiet;

/// Runs each task on the caller's thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct SequentialExecutor;

impl Executor for SequentialExecutor {
    /// Runs `f(arg)` at once, then returns its finished future.
    fn submit_fn<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Result<Future<R>, FutureError> {
        let outcome = quiet::catch_unwind(AssertUnwindSafe(|| f(arg)))
            .map_err(FutureError::Panicked);
        Ok(Future::finished(outcome))
    }

    /// Lazily, unlike the pools: each task runs only when its result is
    /// asked for, so the prime checker's rows appear one by one, as they
    /// would on a single core. No option applies: nothing is sent, and a
    /// task that runs on the caller's thread cannot be timed out.
    fn map_with<'a, A: Payload, R: Payload>(
        &'a self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A, IntoIter: 'a>,
        _options: MapOptions,
    ) -> impl Iterator<Item = Outcome<R>> + 'a {
        args.into_iter().map(move |arg| {
            self.submit_fn(f, arg).and_then(Future::into_result)
        })
    }

    /// Nothing to stop: every task has run by the time `submit_fn` returns.
    fn shutdown(&self, _options: ShutdownOptions) {}
}
