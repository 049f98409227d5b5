//! `concurrent.futures.Executor`, as a trait: what every executor does,
//! so a program (the prime checker) is written once for all of them, just
//! as the book switches from threads to processes by changing one class
//! name.
//!
//! As in CPython, where `Executor.map` is written once in the base class on
//! top of `submit`, an executor says how to run one task
//! ([`Executor::submit_fn`]) and how to shut down; `map` is written here.

use std::collections::VecDeque;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::future::{Future, FutureError};

/// What a task's argument and result must be to run on any executor: sent
/// to another thread (`Send + 'static`) or serialized to another process,
/// and readable from any thread (`Sync`), since `result()` lends it.
pub trait Payload:
    Serialize + DeserializeOwned + Send + Sync + 'static
{
}

impl<T: Serialize + DeserializeOwned + Send + Sync + 'static> Payload for T {}

/// `concurrent.futures.Executor`. Dropping an executor is leaving its
/// `with` block: `shutdown(wait=True)`.
pub trait Executor {
    /// `executor.submit(fn, arg)`: queues `f(arg)` and returns its future
    /// at once, never waiting for a worker. A plain `fn` and a serializable
    /// argument is the one kind of task every executor can run, a process
    /// pool included (it sends both to another process). The thread pool
    /// also takes any closure, with its inherent `submit`.
    fn submit_fn<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Future<R>;

    /// `executor.map(f, args)`: submits every task first, then yields the
    /// results lazily, in submission order. Each is yielded when it and
    /// every one before it are done, so a slow first task holds back the
    /// results of faster later ones.
    fn map<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A>,
    ) -> impl Iterator<Item = Result<R, FutureError>> {
        let futures = args.into_iter().map(|arg| self.submit_fn(f, arg));
        Map { futures: futures.collect(), started: false }
    }

    /// `executor.shutdown(wait, cancel_futures)`: accept no new task. With
    /// `cancel_futures`, tasks not yet started are cancelled instead of
    /// run; with `wait`, return only when every task that will run has
    /// finished and the workers are gone. A task submitted afterwards
    /// fails with [`FutureError::Shutdown`].
    fn shutdown(&self, wait: bool, cancel_futures: bool);
}

/// The iterator `Executor::map` returns, CPython's `result_iterator`: the
/// futures in submission order, each waited for in turn.
#[derive(Debug)]
pub struct Map<R> {
    futures: VecDeque<Future<R>>,
    /// Whether anyone has asked for a result yet (see `Drop`).
    started: bool,
}

impl<R> Iterator for Map<R> {
    type Item = Result<R, FutureError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.started = true;
        Some(self.futures.pop_front()?.into_result())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.futures.len(), Some(self.futures.len()))
    }
}

impl<R> Drop for Map<R> {
    /// As CPython's generator does when it is closed after its first
    /// result: the tasks nobody will read are cancelled, if they have not
    /// started yet. A `map` never read is like a generator never started:
    /// its tasks all run (and shutdown waits for them).
    fn drop(&mut self) {
        if !self.started {
            return;
        }
        for future in &self.futures {
            future.cancel();
        }
    }
}
