//! The handle `submit` returns: `concurrent.futures.Future`, the object the
//! chapter prints as `<Future at 0x7110b7994f10 state=running>`.
//!
//! Why the name `Future`, when `std::future::Future` exists: this is the
//! port of one Python class, and the chapter's reader looks for that name.
//! This one is a box a worker thread fills in, which any thread can wait
//! on; std's is a computation a runtime polls. The two meet in one place,
//! as `asyncio.wrap_future` joins them in Python: [`Future`] is
//! `IntoFuture`, so async code can `.await` it (see [`Awaitable`]), with
//! any runtime, because only std's `Waker` is involved.
//!
//! A future is in one of five states, as CPython's `_state`: pending
//! (queued), running, cancelled, cancelled and notified (the executor has
//! seen the cancellation, so waiters are told), finished (with a value or
//! an error). The executor holds the other end, a [`Promise`], through
//! which it moves the future along: `set_running_or_notify_cancel`, then
//! `set_result` or `set_exception`. Executor authors make the pair with
//! [`Future::pending`].

use std::any::type_name;
use std::fmt;
use std::future::IntoFuture;
use std::hash::{Hash, Hasher};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::quiet;

/// Why a future has no value: `result()` "raises" one of these.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FutureError {
    /// `concurrent.futures.CancelledError`: cancelled before it started.
    #[error("the task was cancelled before it started")]
    Cancelled,
    /// `concurrent.futures.TimeoutError`: the future was not done within
    /// the time given to `result_timeout`, `exception_timeout` or `map`.
    #[error("the future did not finish within {0:?}")]
    Timeout(Duration),
    /// The task panicked: Rust's nearest thing to a raised exception. The
    /// message is the panic's, when it was a string.
    #[error("the task panicked: {0}")]
    Panicked(String),
    /// `concurrent.futures.process.BrokenProcessPool`: a worker process
    /// died, or its initializer failed, so this task never got a result.
    #[error(
        "BrokenProcessPool: a process in the pool was terminated abruptly \
         while the future was running or pending ({0})"
    )]
    BrokenProcessPool(String),
    /// `concurrent.futures.thread.BrokenThreadPool`: a worker thread's
    /// initializer failed, so the pool runs nothing more.
    #[error(
        "BrokenThreadPool: a thread initializer failed, the thread pool \
         is not usable anymore ({0})"
    )]
    BrokenThreadPool(String),
    /// `RuntimeError('cannot schedule new futures after shutdown')`.
    #[error("cannot schedule new futures after shutdown")]
    Shutdown,
    /// `RuntimeError("can't start new thread")`: the pool had no thread
    /// and the system refused to start one.
    #[error("can't start new thread: {0}")]
    NoThread(String),
    /// The task's argument or result could not cross to or from a worker
    /// process (CPython's pickling errors).
    #[error("the task's data could not cross the process boundary: {0}")]
    Transport(String),
    /// The executor dropped the task without running or cancelling it;
    /// only a bug in an executor could cause it, but a waiter must not hang.
    #[error("the executor lost the task")]
    Lost,
}

impl FutureError {
    /// The name `repr` shows after `raised`, as Python shows the class.
    fn name(&self) -> &'static str {
        match self {
            FutureError::Cancelled => "CancelledError",
            FutureError::Timeout(_) => "TimeoutError",
            FutureError::Panicked(_) => "panic",
            FutureError::BrokenProcessPool(_) => "BrokenProcessPool",
            FutureError::BrokenThreadPool(_) => "BrokenThreadPool",
            FutureError::Shutdown | FutureError::NoThread(_) => "RuntimeError",
            FutureError::Transport(_) => "PicklingError",
            FutureError::Lost => "Lost",
        }
    }

    /// `isinstance(error, BrokenExecutor)`: CPython's base class of
    /// `BrokenThreadPool` and `BrokenProcessPool`, the errors of a pool
    /// that can run nothing more.
    pub fn is_broken_executor(&self) -> bool {
        matches!(
            self,
            FutureError::BrokenProcessPool(_)
                | FutureError::BrokenThreadPool(_)
        )
    }
}

/// What a finished task left: its value, or why there is none.
pub type Outcome<R> = Result<R, FutureError>;

/// CPython's `_state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    /// `cancel()` was called; the executor has not yet reached the task,
    /// so `wait` and `as_completed` do not count it yet.
    Cancelled,
    /// The executor reached the cancelled task and told the waiters.
    CancelledAndNotified,
    Finished,
}

impl State {
    fn cancelled(self) -> bool {
        matches!(self, State::Cancelled | State::CancelledAndNotified)
    }

    fn done(self) -> bool {
        self.cancelled() || self == State::Finished
    }

    /// Done as `wait` and `as_completed` count it.
    fn notified(self) -> bool {
        matches!(self, State::CancelledAndNotified | State::Finished)
    }
}

/// One call of `wait` or `as_completed` waiting on a future: which call
/// (`id`, to remove it again), where to tell it, and the future's place in
/// that call's list.
struct Waiter {
    id: u64,
    sender: Sender<usize>,
    position: usize,
}

/// A done-callback, type-erased over the future's result type by taking
/// the future it is called with.
type Callback<R> = Box<dyn FnOnce(&Future<R>) + Send>;

/// The part of a future both ends share: its state, and who waits for it.
struct Core<R> {
    // A std Mutex: held for a few assignments, never while a task or a
    // callback runs.
    inner: Mutex<Inner<R>>,
    /// Notified whenever the state changes, for `result()`.
    changed: Condvar,
}

struct Inner<R> {
    state: State,
    /// `as_completed` and `wait` register here: each is told the future's
    /// position in its own list, once, when the future becomes done. Each
    /// call removes its own entry when it ends (see `forget_waiter`), so a
    /// long task polled many times keeps a short list.
    waiters: Vec<Waiter>,
    /// `add_done_callback`'s callables, called once the future is done.
    callbacks: Vec<Callback<R>>,
    /// Async tasks awaiting the future.
    wakers: Vec<Waker>,
    /// Callbacks are being run with a handle of their own: until they
    /// return, the owner cannot take the value out (`into_result` waits).
    calling_back: bool,
    /// Threads blocked on `changed`: without any, a change signals nobody,
    /// and skips the system call a condition variable's signal costs.
    blocked: usize,
}

impl<R> Core<R> {
    fn lock(&self) -> MutexGuard<'_, Inner<R>> {
        // Every change under this lock is one assignment, so a panic
        // elsewhere while it was held cannot have left it half-written.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(
        &self,
        mut inner: MutexGuard<'a, Inner<R>>,
    ) -> MutexGuard<'a, Inner<R>> {
        inner.blocked += 1;
        let mut inner =
            self.changed.wait(inner).unwrap_or_else(PoisonError::into_inner);
        inner.blocked -= 1;
        inner
    }

    /// Wakes the threads blocked on `changed`, if any; called under the
    /// lock, so none can start waiting in between.
    fn signal(&self, inner: &Inner<R>) {
        if inner.blocked > 0 {
            self.changed.notify_all();
        }
    }
}

/// The result of a task submitted to an executor, pending until a worker
/// has run it. `R` is what the task returns.
///
/// Not `Clone`: a future has one owner, and `result()` lends its value
/// (`&R`), so `R` need not be `Clone`. Hashable and comparable by
/// identity, so it can be a key of the book's `to_do_map`.
pub struct Future<R> {
    core: Arc<Core<R>>,
    // Apart from `core`, so that once the worker has let go of it, the
    // owner of the future can take the value out (`into_result`).
    outcome: Arc<OnceLock<Outcome<R>>>,
}

/// The executor's end of a [`Future`]: whoever runs the task uses it to
/// mark the future running and then to set its outcome. Consumed by
/// setting, so setting twice (CPython's `InvalidStateError`) cannot be
/// written.
pub struct Promise<R> {
    core: Arc<Core<R>>,
    // `None` once set: the worker has let go of it.
    outcome: Option<Arc<OnceLock<Outcome<R>>>>,
}

impl<R> Future<R> {
    /// A new pending future and the promise that completes it: what an
    /// executor makes in `submit`. CPython's executor authors create a
    /// `Future()` and call its `set_*` methods; here those methods live on
    /// the [`Promise`], so only the executor can call them.
    pub fn pending() -> (Future<R>, Promise<R>) {
        let core = Arc::new(Core {
            inner: Mutex::new(Inner {
                state: State::Pending,
                waiters: Vec::new(),
                callbacks: Vec::new(),
                wakers: Vec::new(),
                calling_back: false,
                blocked: 0,
            }),
            changed: Condvar::new(),
        });
        let outcome = Arc::new(OnceLock::new());
        let promise = Promise {
            core: Arc::clone(&core),
            outcome: Some(Arc::clone(&outcome)),
        };
        (Future { core, outcome }, promise)
    }

    /// A future that is already finished with `outcome`, as a sequential
    /// executor hands back (its task ran inside `submit`).
    pub fn finished(outcome: Outcome<R>) -> Future<R> {
        let (future, promise) = Future::pending();
        promise.set(outcome);
        future
    }

    /// `future.done()`: finished or cancelled; `result()` will not wait.
    pub fn done(&self) -> bool {
        self.core.lock().state.done()
    }

    /// `future.running()`: a worker is running the task right now.
    pub fn running(&self) -> bool {
        self.core.lock().state == State::Running
    }

    /// `future.cancelled()`.
    pub fn cancelled(&self) -> bool {
        self.core.lock().state.cancelled()
    }

    /// `future.cancel()`: only a pending task can be cancelled (it will
    /// never run); a running or finished one cannot. True if the future is
    /// now cancelled, also when it already was. `wait` and `as_completed`
    /// count it once the executor reaches it, as CPython's do.
    pub fn cancel(&self) -> bool {
        let inner = self.core.lock();
        match inner.state {
            State::Pending => {
                mark_done(
                    &self.core,
                    Some(Arc::clone(&self.outcome)),
                    inner,
                    State::Cancelled,
                );
                true
            }
            State::Cancelled | State::CancelledAndNotified => true,
            State::Running | State::Finished => false,
        }
    }

    /// `future.result()`: waits until the task is done, then lends its
    /// value, or gives the error: the task's panic, `Cancelled`, or
    /// `BrokenProcessPool`. As in Python, it can be asked again.
    pub fn result(&self) -> Result<&R, FutureError> {
        self.wait_done(None);
        self.lend()
    }

    /// `future.result(timeout)`: as [`result`](Self::result), but gives
    /// [`FutureError::Timeout`] if the future is not done within `timeout`.
    pub fn result_timeout(&self, timeout: Duration) -> Result<&R, FutureError> {
        if !self.wait_done(Some(timeout)) {
            return Err(FutureError::Timeout(timeout));
        }
        self.lend()
    }

    /// `future.exception()`: waits, then gives the task's error, or `None`
    /// if it returned a value. A cancelled future is `Err(Cancelled)`, as
    /// CPython raises `CancelledError` from `exception()`.
    pub fn exception(&self) -> Result<Option<FutureError>, FutureError> {
        self.wait_done(None);
        self.error()
    }

    /// `future.exception(timeout)`: `Err(Timeout)` if not done in time.
    pub fn exception_timeout(
        &self,
        timeout: Duration,
    ) -> Result<Option<FutureError>, FutureError> {
        if !self.wait_done(Some(timeout)) {
            return Err(FutureError::Timeout(timeout));
        }
        self.error()
    }

    /// `future.add_done_callback(fn)`: calls `callback` with the future
    /// once it is done (finished or cancelled), on the thread that makes it
    /// done; at once, on this thread, if it already is. A callback that
    /// panics is reported on stderr and the others still run, as CPython
    /// logs the exception and goes on.
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(&Future<R>) + Send + 'static,
    ) {
        let mut inner = self.core.lock();
        if inner.state.done() {
            drop(inner);
            call_back(self, Box::new(callback));
        } else {
            inner.callbacks.push(Box::new(callback));
        }
    }

    /// `future.result()` for an owner who wants the value itself, not a
    /// loan: waits, then takes it out. What `map` yields.
    pub fn into_result(self) -> Outcome<R> {
        self.wait_settled();
        self.take()
    }

    /// Takes the outcome out of a future that is done and whose callbacks
    /// have returned.
    fn take(self) -> Outcome<R> {
        // The worker let go of its end before marking the future done (see
        // `Promise::set`), the callbacks' handles are gone, and a future is
        // not `Clone`, so this is the last handle. A cancelled future has no
        // outcome, and its promise may still hold the empty cell.
        match Arc::into_inner(self.outcome).and_then(OnceLock::into_inner) {
            Some(outcome) => outcome,
            None => Err(FutureError::Cancelled),
        }
    }

    fn lend(&self) -> Result<&R, FutureError> {
        match self.outcome.get() {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(error.clone()),
            // Done without an outcome: it was cancelled.
            None => Err(FutureError::Cancelled),
        }
    }

    fn error(&self) -> Result<Option<FutureError>, FutureError> {
        match self.outcome.get() {
            Some(Ok(_)) => Ok(None),
            Some(Err(error)) => Ok(Some(error.clone())),
            None => Err(FutureError::Cancelled),
        }
    }

    /// Blocks until the future is finished or cancelled, or `timeout` has
    /// passed; false in the last case.
    pub(crate) fn wait_done(&self, timeout: Option<Duration>) -> bool {
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        let mut inner = self.core.lock();
        while !inner.state.done() {
            match deadline {
                None => inner = self.core.wait(inner),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return false;
                    }
                    inner.blocked += 1;
                    inner = self
                        .core
                        .changed
                        .wait_timeout(inner, deadline - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                    inner.blocked -= 1;
                }
            }
        }
        true
    }

    /// Blocks until the future is done and its callbacks have returned.
    fn wait_settled(&self) {
        let mut inner = self.core.lock();
        while !inner.state.done() || inner.calling_back {
            inner = self.core.wait(inner);
        }
    }

    /// Asks to be told `position` on `sender` when this future is done as
    /// `wait` counts it (at once if it already is). For `as_completed` and
    /// `wait`; `id` names the call, for [`forget_waiter`](Self::forget_waiter).
    pub(crate) fn notify_when_done(
        &self,
        id: u64,
        sender: &Sender<usize>,
        position: usize,
    ) {
        let mut inner = self.core.lock();
        if inner.state.notified() {
            sender.send(position).ok();
        } else {
            inner.waiters.push(Waiter { id, sender: sender.clone(), position });
        }
    }

    /// Removes the waiter of call `id`, if it is still there: that call
    /// has ended (returned, timed out, or unwound), as CPython's `wait`
    /// removes its waiter in a `finally`.
    pub(crate) fn forget_waiter(&self, id: u64) {
        self.core.lock().waiters.retain(|waiter| waiter.id != id);
    }

    /// How many calls of `wait` or `as_completed` are waiting on this
    /// future right now. For tests: each call removes its waiter when it
    /// ends.
    #[cfg(test)]
    pub(crate) fn waiter_count(&self) -> usize {
        self.core.lock().waiters.len()
    }

    /// Done as `wait` counts it: finished, or cancelled and seen by the
    /// executor.
    pub(crate) fn notified(&self) -> bool {
        self.core.lock().state.notified()
    }

    /// The future's identity: the address of its shared state.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.core).addr()
    }
}

/// Moves a future to a done state, tells `wait`'s waiters (unless it is
/// only `Cancelled`), wakes everyone blocked or awaiting, then runs the
/// callbacks, outside the lock. `outcome` is the caller's handle on the
/// value, let go of before anyone can see the future done, unless the
/// callbacks need it (and then `into_result` waits for them).
fn mark_done<R>(
    core: &Arc<Core<R>>,
    outcome: Option<Arc<OnceLock<Outcome<R>>>>,
    mut inner: MutexGuard<'_, Inner<R>>,
    state: State,
) {
    inner.state = state;
    if state.notified() {
        notify_waiters(&mut inner);
    }
    let callbacks = std::mem::take(&mut inner.callbacks);
    let wakers = std::mem::take(&mut inner.wakers);
    let outcome = match outcome {
        Some(outcome) if !callbacks.is_empty() => outcome,
        _ => {
            drop(outcome);
            core.signal(&inner);
            drop(inner);
            wakers.into_iter().for_each(Waker::wake);
            return;
        }
    };
    inner.calling_back = true;
    core.signal(&inner);
    drop(inner);
    wakers.into_iter().for_each(Waker::wake);
    // A handle of the callbacks' own, dropped before `into_result` may go
    // on (it waits for `calling_back` to clear).
    let future = Future { core: Arc::clone(core), outcome };
    for callback in callbacks {
        call_back(&future, callback);
    }
    drop(future);
    let mut inner = core.lock();
    inner.calling_back = false;
    core.signal(&inner);
}

fn notify_waiters<R>(inner: &mut Inner<R>) {
    for Waiter { sender, position, .. } in inner.waiters.drain(..) {
        // A waiter that stopped listening wants nothing more.
        sender.send(position).ok();
    }
}

/// Runs one done-callback; its panic is reported, not propagated, so the
/// worker (or the thread that cancelled) and the other callbacks go on.
fn call_back<R>(future: &Future<R>, callback: Callback<R>) {
    let called =
        quiet::catch_unwind(AssertUnwindSafe(move || callback(future)));
    if let Err(message) = called {
        eprintln!("exception calling callback for {future}: {message}");
    }
}

impl<R> Promise<R> {
    /// CPython's `Future.set_running_or_notify_cancel`: called by the
    /// executor just before it runs the task. False if the future was
    /// cancelled meanwhile: then the task must not run, and the waiters of
    /// `wait` and `as_completed` are told now.
    pub fn set_running_or_notify_cancel(&self) -> bool {
        let mut inner = self.core.lock();
        match inner.state {
            State::Pending => {
                // Nobody waits for a future to start running.
                inner.state = State::Running;
                true
            }
            State::Cancelled => {
                inner.state = State::CancelledAndNotified;
                notify_waiters(&mut inner);
                false
            }
            _ => false,
        }
    }

    /// `future.set_result(value)`: the task returned `value`.
    pub fn set_result(self, value: R) {
        self.set(Ok(value));
    }

    /// `future.set_exception(error)`: the task failed with `error`.
    pub fn set_exception(self, error: FutureError) {
        self.set(Err(error));
    }

    /// Sets either outcome and marks the future finished.
    pub fn set(mut self, outcome: Outcome<R>) {
        let Some(cell) = self.outcome.take() else { return };
        let inner = self.core.lock();
        if inner.state.done() {
            // Cancelled before it ran: there is nothing to set.
            self.notify_cancel(inner);
            return;
        }
        // Set only here, once: `take` above makes a second call find
        // nothing.
        let _ = cell.set(outcome);
        // `mark_done` lets go of the cell before the future is seen done,
        // so the owner can take the value out (`into_result`).
        mark_done(&self.core, Some(cell), inner, State::Finished);
    }

    /// Cancels a task that will not run (the executor is shutting down with
    /// `cancel_futures`, or is broken), and tells the waiters at once: the
    /// executor has seen it. A future already running or done is left as
    /// is.
    pub(crate) fn cancel(mut self) {
        let inner = self.core.lock();
        if inner.state == State::Pending {
            let outcome = self.outcome.take();
            mark_done(&self.core, outcome, inner, State::CancelledAndNotified);
        } else {
            self.notify_cancel(inner);
        }
    }

    fn notify_cancel(&self, mut inner: MutexGuard<'_, Inner<R>>) {
        if inner.state == State::Cancelled {
            inner.state = State::CancelledAndNotified;
            notify_waiters(&mut inner);
        }
    }
}

impl<R> Drop for Promise<R> {
    /// A promise dropped unset (an executor's bug, or a task dropped with
    /// its queue) finishes its future with `Lost`, so nobody waits forever.
    fn drop(&mut self) {
        if let Some(cell) = self.outcome.take() {
            let inner = self.core.lock();
            if !inner.state.done() {
                let _ = cell.set(Err(FutureError::Lost));
                mark_done(&self.core, Some(cell), inner, State::Finished);
            } else {
                self.notify_cancel(inner);
            }
        }
    }
}

/// A [`Future`] being awaited: `asyncio.wrap_future`'s counterpart. The
/// task that awaits it is woken when the future is done, with no thread
/// of its own and no runtime named: any executor of async tasks (tokio's
/// included) polls it. It gives the outcome by value, as `into_result`.
pub struct Awaitable<R> {
    future: Option<Future<R>>,
}

impl<R> std::future::Future for Awaitable<R> {
    type Output = Outcome<R>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Outcome<R>> {
        let Some(future) = self.future.as_ref() else {
            // Polled again after it gave its outcome: a caller's bug.
            return Poll::Ready(Err(FutureError::Lost));
        };
        let mut inner = future.core.lock();
        if inner.state.done() && !inner.calling_back {
            drop(inner);
            let future = self.future.take();
            return Poll::Ready(
                future.map_or(Err(FutureError::Lost), Future::take),
            );
        }
        if !inner.wakers.iter().any(|waker| waker.will_wake(cx.waker())) {
            inner.wakers.push(cx.waker().clone());
        }
        if inner.state.done() {
            // Done, but callbacks still hold a handle: poll again soon.
            drop(inner);
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

// The awaitable holds no self-references.
impl<R> Unpin for Awaitable<R> {}

impl<R> IntoFuture for Future<R> {
    type Output = Outcome<R>;
    type IntoFuture = Awaitable<R>;

    /// `future.await`: the outcome, without blocking a thread.
    fn into_future(self) -> Awaitable<R> {
        Awaitable { future: Some(self) }
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
            (State::Cancelled | State::CancelledAndNotified, _) => {
                write!(f, "state=cancelled>")
            }
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

impl<R> fmt::Debug for Promise<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Promise").finish_non_exhaustive()
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

/// A type name without its module paths: `alloc::string::String` is
/// `String`, `core::result::Result<u64, alloc::string::String>` is
/// `Result<u64, String>`. A path segment is whatever is followed by `::`.
/// Lifetimes go too (`Map<'_, u64>` is `Map<u64>`): Python has none.
pub(crate) fn without_modules(type_name: &str) -> String {
    without_lifetimes(&with_modules_dropped(type_name))
}

/// Drops `'a, ` and `'_, ` (and a lone `<'a>`) from a type name.
fn without_lifetimes(name: &str) -> String {
    let mut short = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            short.push(c);
            continue;
        }
        while chars.next_if(|&c| c.is_alphanumeric() || c == '_').is_some() {}
        if chars.next_if_eq(&',').is_some() {
            chars.next_if_eq(&' ');
        }
    }
    short.replace("<>", "")
}

fn with_modules_dropped(type_name: &str) -> String {
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
        assert_eq!(
            without_modules("concurrent_futures::executor::Map<'_, u64>"),
            "Map<u64>"
        );
        assert_eq!(without_modules("a::Ref<'static>"), "Ref");
    }
}
