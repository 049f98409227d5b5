//! The handle `submit` returns: `concurrent.futures.Future`, the object the
//! chapter prints as `<Future at 0x7110b7994f10 state=running>`.
//!
//! Why the name `Future`, when `std::future::Future` exists: this is the
//! port of one Python class, and the chapter's reader looks for that name.
//! The two are unrelated: std's is asyncio's kind (a computation a runtime
//! polls, with `.await`); this one is a box a worker thread fills in, which
//! any thread can wait on. Nothing here implements or imports std's trait,
//! so the two never meet in one file; where a reader might wonder, write
//! `concurrent_futures::Future`.
//!
//! A future is in one of four states, as in CPython: pending (queued),
//! running, cancelled, finished (with a value or an error). The executor
//! holds the other end, a [`Promise`], through which a worker moves it along:
//! `set_running_or_notify_cancel`, then `set`.

use std::any::type_name;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

/// Why a future has no value: `result()` "raises" one of these.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FutureError {
    /// `concurrent.futures.CancelledError`: cancelled before it started.
    #[error("the task was cancelled before it started")]
    Cancelled,
    /// The task panicked: Rust's nearest thing to a raised exception. The
    /// message is the panic's, when it was a string.
    #[error("the task panicked: {0}")]
    Panicked(String),
    /// `concurrent.futures.process.BrokenProcessPool`: a worker process
    /// died, so this task (running or still pending) never got a result.
    #[error(
        "BrokenProcessPool: a process in the pool was terminated abruptly \
         while the future was running or pending ({0})"
    )]
    BrokenProcessPool(String),
    /// `RuntimeError('cannot schedule new futures after shutdown')`.
    #[error("cannot schedule new futures after shutdown")]
    Shutdown,
    /// `RuntimeError("can't start new thread")`: the pool had no thread
    /// and the system refused to start one (CPython raises it from
    /// `submit`; here the future carries it).
    #[error("can't start new thread: {0}")]
    NoThread(String),
    /// The executor dropped the task without running or cancelling it;
    /// only a bug in this crate could cause it, but a waiter must not hang.
    #[error("the executor lost the task")]
    Lost,
}

impl FutureError {
    /// The name `repr` shows after `raised`, as Python shows the class.
    fn name(&self) -> &'static str {
        match self {
            FutureError::Cancelled => "CancelledError",
            FutureError::Panicked(_) => "panic",
            FutureError::BrokenProcessPool(_) => "BrokenProcessPool",
            FutureError::Shutdown | FutureError::NoThread(_) => "RuntimeError",
            FutureError::Lost => "Lost",
        }
    }
}

/// What a finished task left: its value, or why there is none.
pub type Outcome<R> = Result<R, FutureError>;

/// The four states of CPython's `_state` (its `CANCELLED_AND_NOTIFIED`
/// is `Cancelled` here: waiters are told at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Cancelled,
    Finished,
}

/// The part of a future both ends share: its state, and who waits for it.
#[derive(Debug)]
struct Core {
    // A std Mutex: held for a few assignments, never while a task runs.
    inner: Mutex<Inner>,
    /// Notified whenever the future becomes done, for `result()`.
    done: Condvar,
}

#[derive(Debug)]
struct Inner {
    state: State,
    /// `as_completed` and `wait` register here: each is told the future's
    /// position in its own list, once, when the future becomes done.
    waiters: Vec<(Sender<usize>, usize)>,
}

impl Core {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every change under this lock is one assignment, so a panic
        // elsewhere while it was held cannot have left it half-written.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves to a done state and tells everyone waiting.
    fn mark_done(&self, mut inner: MutexGuard<'_, Inner>, state: State) {
        inner.state = state;
        for (waiter, position) in inner.waiters.drain(..) {
            // A waiter that stopped listening wants nothing more.
            waiter.send(position).ok();
        }
        drop(inner);
        self.done.notify_all();
    }
}

/// The result of a task submitted to an executor, pending until a worker
/// has run it. `R` is what the task returns.
///
/// Not `Clone`: a future has one owner, and `result()` lends its value
/// (`&R`), so `R` need not be `Clone`. Hashable and comparable by
/// identity, so it can be a key of the book's `to_do_map`.
pub struct Future<R> {
    core: Arc<Core>,
    // Apart from `core`, so that once the worker has let go of it, the
    // owner of the future can take the value out (`into_result`).
    outcome: Arc<OnceLock<Outcome<R>>>,
}

/// The executor's end of a [`Future`]: the worker that runs the task uses
/// it to mark the future running and then to set its outcome.
pub(crate) struct Promise<R> {
    core: Arc<Core>,
    // `None` once set: the worker has let go of it.
    outcome: Option<Arc<OnceLock<Outcome<R>>>>,
}

/// A new pending future and the promise that completes it.
pub(crate) fn pair<R>() -> (Future<R>, Promise<R>) {
    let core = Arc::new(Core {
        inner: Mutex::new(Inner { state: State::Pending, waiters: Vec::new() }),
        done: Condvar::new(),
    });
    let outcome = Arc::new(OnceLock::new());
    let promise = Promise {
        core: Arc::clone(&core),
        outcome: Some(Arc::clone(&outcome)),
    };
    (Future { core, outcome }, promise)
}

impl<R> Future<R> {
    /// A future that is already finished with `outcome`, as a sequential
    /// executor hands back (its task ran inside `submit`).
    pub fn finished(outcome: Outcome<R>) -> Future<R> {
        let (future, promise) = pair();
        promise.set(outcome);
        future
    }

    /// `future.done()`: finished or cancelled; `result()` will not wait.
    pub fn done(&self) -> bool {
        matches!(self.core.lock().state, State::Finished | State::Cancelled)
    }

    /// `future.running()`: a worker is running the task right now.
    pub fn running(&self) -> bool {
        self.core.lock().state == State::Running
    }

    /// `future.cancelled()`.
    pub fn cancelled(&self) -> bool {
        self.core.lock().state == State::Cancelled
    }

    /// `future.cancel()`: only a pending task can be cancelled (it will
    /// never run); a running or finished one cannot. True if the future is
    /// now cancelled, also when it already was.
    pub fn cancel(&self) -> bool {
        let inner = self.core.lock();
        match inner.state {
            State::Pending => {
                self.core.mark_done(inner, State::Cancelled);
                true
            }
            State::Cancelled => true,
            State::Running | State::Finished => false,
        }
    }

    /// `future.result()`: waits until the task is done, then lends its
    /// value, or gives the error: the task's panic, `Cancelled`, or
    /// `BrokenProcessPool`. As in Python, it can be asked again.
    pub fn result(&self) -> Result<&R, FutureError> {
        self.wait_done();
        match self.outcome.get() {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(error.clone()),
            // Done without an outcome: it was cancelled.
            None => Err(FutureError::Cancelled),
        }
    }

    /// `future.result()` for an owner who wants the value itself, not a
    /// loan: waits, then takes it out. What `map` yields.
    pub fn into_result(self) -> Outcome<R> {
        self.wait_done();
        // The worker let go of its end before marking the future done (see
        // `Promise::set`), and a future is not `Clone`, so this is the last
        // handle; if not, the value is still there to be read.
        match Arc::into_inner(self.outcome).and_then(OnceLock::into_inner) {
            Some(outcome) => outcome,
            None => Err(FutureError::Cancelled),
        }
    }

    /// Blocks until the future is finished or cancelled.
    fn wait_done(&self) {
        let mut inner = self.core.lock();
        while matches!(inner.state, State::Pending | State::Running) {
            inner = self
                .core
                .done
                .wait(inner)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Asks to be told `position` on `waiter` when this future is done (at
    /// once if it already is). For `as_completed` and `wait`.
    pub(crate) fn notify_when_done(
        &self,
        waiter: &Sender<usize>,
        position: usize,
    ) {
        let mut inner = self.core.lock();
        if matches!(inner.state, State::Finished | State::Cancelled) {
            waiter.send(position).ok();
        } else {
            inner.waiters.push((waiter.clone(), position));
        }
    }
}

impl<R> Promise<R> {
    /// CPython's `Future.set_running_or_notify_cancel`: called by the worker
    /// just before it runs the task. False if the future was cancelled
    /// meanwhile; then the task must not run.
    pub(crate) fn set_running_or_notify_cancel(&self) -> bool {
        let mut inner = self.core.lock();
        match inner.state {
            State::Pending => {
                inner.state = State::Running;
                true
            }
            _ => false,
        }
    }

    /// Cancels a task that will not run (the executor is shutting down with
    /// `cancel_futures`). A future already running or done is left as is.
    pub(crate) fn cancel(self) {
        let inner = self.core.lock();
        if inner.state == State::Pending {
            self.core.mark_done(inner, State::Cancelled);
        }
    }

    /// Stores the outcome and marks the future finished.
    pub(crate) fn set(mut self, outcome: Outcome<R>) {
        if let Some(cell) = self.outcome.take() {
            // Set only here, once: `take` above makes a second call find
            // nothing.
            let _ = cell.set(outcome);
            // Let go of the value before the future is marked done, so the
            // owner who sees it done can take the value (`into_result`).
            drop(cell);
        }
        let inner = self.core.lock();
        self.core.mark_done(inner, State::Finished);
    }
}

impl<R> Drop for Promise<R> {
    /// A promise dropped unset (never happens unless the executor has a
    /// bug) finishes its future with `Lost`, so nobody waits forever.
    fn drop(&mut self) {
        if let Some(cell) = self.outcome.take() {
            let inner = self.core.lock();
            if matches!(inner.state, State::Pending | State::Running) {
                let _ = cell.set(Err(FutureError::Lost));
                drop(cell);
                self.core.mark_done(inner, State::Finished);
            }
        }
    }
}

impl<R> fmt::Display for Future<R> {
    /// `repr(future)`, as the chapter prints it: `<Future at 0x7f...
    /// state=pending>`, `state=running`, `state=cancelled`, `state=finished
    /// returned String`, or `state=finished raised panic`. The type is
    /// shown without its module paths, as Python shows `str`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.core.lock().state;
        write!(f, "<Future at {:p} ", Arc::as_ptr(&self.core))?;
        match (state, self.outcome.get()) {
            (State::Pending, _) => write!(f, "state=pending>"),
            (State::Running, _) => write!(f, "state=running>"),
            (State::Cancelled, _) => write!(f, "state=cancelled>"),
            (State::Finished, Some(Err(error))) => {
                write!(f, "state=finished raised {}>", error.name())
            }
            (State::Finished, _) => {
                let name = without_modules(type_name::<R>());
                write!(f, "state=finished returned {name}>")
            }
        }
    }
}

impl<R> fmt::Debug for Future<R> {
    /// The same as `Display`, as Python's `repr` is what `print` shows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<R> PartialEq for Future<R> {
    /// Two handles are equal if they are the same future, as in Python.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.core, &other.core)
    }
}

impl<R> Eq for Future<R> {}

impl<R> Hash for Future<R> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl<R> Future<R> {
    /// The future's identity: the address of its shared state.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.core).addr()
    }
}

/// A type name without its module paths: `alloc::string::String` is
/// `String`, `core::result::Result<u64, alloc::string::String>` is
/// `Result<u64, String>`. A path segment is whatever is followed by `::`.
pub fn without_modules(type_name: &str) -> String {
    let mut short = String::new();
    let mut segment = String::new();
    let mut rest = type_name;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("::") {
            // What came before `::` was a module (or a type's path): drop it.
            segment.clear();
            rest = after;
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            segment.push(c);
        } else {
            short.push_str(&segment);
            segment.clear();
            short.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    short + &segment
}

#[cfg(test)]
mod tests {
    use super::without_modules;

    /// Module paths go, generic arguments stay.
    #[test]
    fn type_names_lose_their_modules() {
        assert_eq!(without_modules("alloc::string::String"), "String");
        assert_eq!(
            without_modules("core::result::Result<u64, alloc::string::String>"),
            "Result<u64, String>"
        );
        assert_eq!(without_modules("u64"), "u64");
    }
}
