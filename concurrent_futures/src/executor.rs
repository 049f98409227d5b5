//! `concurrent.futures.Executor`, as a trait: what every executor does,
//! so a program (the prime checker) is written once for all of them, just
//! as the book switches from threads to processes by changing one class
//! name.
//!
//! As in CPython, where `Executor.map` is written once in the base class on
//! top of `submit`, an executor says how to run one task
//! ([`Executor::submit_fn`]) and how to shut down; `map` is written here
//! (the process pool writes its own, to send tasks in chunks).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::future::{Future, FutureError, Outcome, without_modules};

/// What a task's argument and result must be to run on any executor: sent
/// to another thread (`Send + 'static`) or serialized to another process,
/// and readable from any thread (`Sync`), since `result()` lends it.
pub trait Payload:
    Serialize + DeserializeOwned + Send + Sync + 'static
{
}

impl<T: Serialize + DeserializeOwned + Send + Sync + 'static> Payload for T {}

/// `executor.shutdown(wait=..., cancel_futures=...)`'s keyword arguments,
/// with CPython's defaults: `ShutdownOptions::default()` waits and cancels
/// nothing; `ShutdownOptions::default().wait(false).cancel_futures(true)`
/// reads as Python's call does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShutdownOptions {
    wait: bool,
    cancel_futures: bool,
}

impl Default for ShutdownOptions {
    fn default() -> ShutdownOptions {
        ShutdownOptions { wait: true, cancel_futures: false }
    }
}

impl ShutdownOptions {
    /// Return only once every task that will run has finished and the
    /// workers are gone (default: true).
    pub fn wait(mut self, wait: bool) -> ShutdownOptions {
        self.wait = wait;
        self
    }

    /// Cancel every task not yet started, before `shutdown` returns
    /// (default: false).
    pub fn cancel_futures(mut self, cancel_futures: bool) -> ShutdownOptions {
        self.cancel_futures = cancel_futures;
        self
    }

    /// Whether `shutdown` waits.
    pub fn waits(&self) -> bool {
        self.wait
    }

    /// Whether `shutdown` cancels the pending tasks.
    pub fn cancels_futures(&self) -> bool {
        self.cancel_futures
    }
}

/// `executor.map(fn, *iterables, timeout=, chunksize=, buffersize=)`'s
/// keyword arguments. Several iterables are one iterator of tuples in
/// Rust: `executor.map(f, a.into_iter().zip(b))`, which also stops at the
/// shortest, as Python's does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MapOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) chunksize: Option<usize>,
    pub(crate) buffersize: Option<usize>,
}

impl MapOptions {
    /// Every result must be there within `timeout` of the call to `map`;
    /// the first that is not is a [`FutureError::Timeout`], and the tasks
    /// not started are cancelled. Each later input still yields an outcome
    /// of its own (see [`Map`]), where CPython's iterator ends.
    pub fn timeout(mut self, timeout: Duration) -> MapOptions {
        self.timeout = Some(timeout);
        self
    }

    /// The process pool sends the arguments in chunks of this many, one
    /// round trip per chunk; the thread pool, which sends nothing, ignores
    /// it, as CPython's does. Zero is taken as one.
    pub fn chunksize(mut self, chunksize: usize) -> MapOptions {
        self.chunksize = Some(chunksize);
        self
    }

    /// At most this many tasks submitted and not yet read: the rest of the
    /// arguments are taken from the iterator as results are read, so an
    /// endless iterator can be mapped. Zero is taken as one (CPython
    /// raises `ValueError`).
    pub fn buffersize(mut self, buffersize: usize) -> MapOptions {
        self.buffersize = Some(buffersize);
        self
    }
}

/// `concurrent.futures.Executor`. Dropping an executor is leaving its
/// `with` block: `shutdown(wait=True)`.
pub trait Executor {
    /// `executor.submit(fn, arg)`: queues `f(arg)` and returns its future
    /// at once, never waiting for a worker; refuses, as CPython raises,
    /// after shutdown ([`FutureError::Shutdown`]) or on a broken pool. A
    /// plain `fn` and a serializable argument is the one kind of task every
    /// executor can run, a process pool included (it sends both to another
    /// process). The thread pool also takes any closure, with its inherent
    /// `submit`.
    fn submit_fn<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Result<Future<R>, FutureError>;

    /// `executor.map(f, args)`: submits every task first, then yields the
    /// results lazily, in submission order. Each is yielded when it and
    /// every one before it are done, so a slow first task holds back the
    /// results of faster later ones.
    fn map<'a, A: Payload, R: Payload>(
        &'a self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A, IntoIter: 'a>,
    ) -> impl Iterator<Item = Outcome<R>> + 'a {
        self.map_with(f, args, MapOptions::default())
    }

    /// `executor.map(f, args, timeout=..., chunksize=..., buffersize=...)`.
    fn map_with<'a, A: Payload, R: Payload>(
        &'a self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A, IntoIter: 'a>,
        options: MapOptions,
    ) -> impl Iterator<Item = Outcome<R>> + 'a {
        Map::new(args.into_iter(), move |arg| self.submit_fn(f, arg), options)
    }

    /// `executor.shutdown(wait, cancel_futures)`: accept no new task. With
    /// `cancel_futures`, tasks not yet started are cancelled before it
    /// returns; with `wait`, it returns only when every task that will run
    /// has finished and the workers are gone.
    fn shutdown(&self, options: ShutdownOptions);
}

/// The iterator `map` returns, CPython's `result_iterator`: the futures
/// in submission order, each waited for in turn, with more submitted as
/// they are read when `buffersize` is set.
///
/// It yields exactly one outcome per input it takes, in order, whatever
/// happens; no input is dropped unreported:
/// - an input whose `submit` is refused (the pool was shut down or broke
///   meanwhile) yields that refusal, and the inputs after it are still
///   submitted, each yielding its own outcome;
/// - once the `timeout` has passed, the result being waited for yields
///   [`FutureError::Timeout`] and every task not started is cancelled;
///   each later input then yields its result if it was already there, or
///   `Timeout`, and inputs not yet submitted (with `buffersize`) are not
///   submitted any more but still yield `Timeout`, one each.
///
/// CPython's generator stops at the first refusal or timeout instead.
/// With an endless input and `buffersize`, stop reading when the first
/// error comes, if that is what is wanted (`map_while(Result::ok)`).
pub struct Map<'a, R> {
    futures: VecDeque<Result<Future<R>, FutureError>>,
    /// The inputs not yet submitted (none left without `buffersize`).
    rest: Box<dyn Inputs<R> + 'a>,
    deadline: Option<(Instant, Duration)>,
    /// Whether anyone has asked for a result yet (see `Drop`).
    started: bool,
    /// The deadline passed while a result was awaited: the `timeout`.
    timed_out: Option<Duration>,
}

/// The inputs of a `map` still to be submitted, with how to submit one.
trait Inputs<R> {
    /// Submits the next input: `None` if there is none left.
    fn submit_next(&mut self) -> Option<Result<Future<R>, FutureError>>;
    /// Takes the next input without submitting it: false if there is
    /// none left.
    fn skip_next(&mut self) -> bool;
}

/// An iterator of inputs and the `submit` that makes each a future.
struct Submissions<I, S> {
    args: I,
    submit: S,
}

impl<R, I, S> Inputs<R> for Submissions<I, S>
where
    I: Iterator,
    S: FnMut(I::Item) -> Result<Future<R>, FutureError>,
{
    fn submit_next(&mut self) -> Option<Result<Future<R>, FutureError>> {
        self.args.next().map(&mut self.submit)
    }

    fn skip_next(&mut self) -> bool {
        self.args.next().is_some()
    }
}

impl<'a, R> Map<'a, R> {
    /// Submits every input of `args` with `submit` now (or `buffersize`
    /// of them, the rest as results are read).
    pub(crate) fn new<T>(
        args: impl Iterator<Item = T> + 'a,
        submit: impl FnMut(T) -> Result<Future<R>, FutureError> + 'a,
        options: MapOptions,
    ) -> Map<'a, R> {
        let mut rest: Box<dyn Inputs<R> + 'a> =
            Box::new(Submissions { args, submit });
        let wanted = options.buffersize.map_or(usize::MAX, |size| size.max(1));
        let futures: VecDeque<_> =
            std::iter::from_fn(|| rest.submit_next()).take(wanted).collect();
        let deadline =
            options.timeout.map(|timeout| (Instant::now() + timeout, timeout));
        Map { futures, rest, deadline, started: false, timed_out: None }
    }
}

impl<R> Iterator for Map<'_, R> {
    type Item = Outcome<R>;

    fn next(&mut self) -> Option<Outcome<R>> {
        self.started = true;
        let Some(slot) = self.futures.pop_front() else {
            // Nothing buffered: every input was submitted and read, or the
            // deadline passed and the inputs left are never submitted.
            let timeout = self.timed_out?;
            return self
                .rest
                .skip_next()
                .then_some(Err(FutureError::Timeout(timeout)));
        };
        // One more submitted for the one being read, as CPython's
        // `buffersize` does: the buffer stays full, whatever this one's
        // outcome (a refusal included, so no input is skipped).
        if self.timed_out.is_none()
            && let Some(next) = self.rest.submit_next()
        {
            self.futures.push_back(next);
        }
        let future = match slot {
            Ok(future) => future,
            Err(refused) => return Some(Err(refused)),
        };
        if let Some(timeout) = self.timed_out {
            return Some(after_deadline(future, timeout));
        }
        if let Some((deadline, timeout)) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if !future.wait_done(Some(left)) {
                future.cancel();
                self.timed_out = Some(timeout);
                self.cancel_rest();
                return Some(Err(FutureError::Timeout(timeout)));
            }
        }
        Some(future.into_result())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.futures.len(), None)
    }
}

/// A future read after `map`'s deadline: its result if it finished, or
/// `Timeout` (it was cancelled when the deadline passed, or is still
/// running, and is not waited for).
fn after_deadline<R>(future: Future<R>, timeout: Duration) -> Outcome<R> {
    if future.done() && !future.cancelled() {
        future.into_result()
    } else {
        future.cancel();
        Err(FutureError::Timeout(timeout))
    }
}

impl<R> Map<'_, R> {
    fn cancel_rest(&mut self) {
        for future in self.futures.iter().flatten() {
            future.cancel();
        }
    }
}

impl<R> Drop for Map<'_, R> {
    /// As CPython's generator does when it is closed after its first
    /// result: the tasks nobody will read are cancelled, if they have not
    /// started yet. A `map` never read is like a generator never started:
    /// its tasks all run (and shutdown waits for them).
    fn drop(&mut self) {
        if self.started {
            self.cancel_rest();
        }
    }
}

impl<R> std::fmt::Debug for Map<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Map")
            .field("futures", &self.futures)
            .finish_non_exhaustive()
    }
}

impl<R> std::fmt::Display for Map<'_, R> {
    /// What `print(results)` shows of CPython's generator, in Rust's
    /// terms: `<iterator Map<u64>>`, the result type without its modules.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = without_modules(std::any::type_name::<R>());
        write!(f, "<iterator Map<{name}>>")
    }
}
