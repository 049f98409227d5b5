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
use std::cell::UnsafeCell;
use std::fmt;
use std::future::IntoFuture;
use std::hash::{Hash, Hasher};
use std::panic::{AssertUnwindSafe, RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
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

/// CPython's `_state`, kept in one atomic word (see [`Core`]'s `state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum State {
    Pending = 0,
    Running = 1,
    /// `cancel()` was called; the executor has not yet reached the task,
    /// so `wait` and `as_completed` do not count it yet.
    Cancelled = 2,
    /// The executor reached the cancelled task and told the waiters.
    CancelledAndNotified = 3,
    Finished = 4,
}

/// The bit of the state word that says someone listens: a waiter of
/// `wait` or `as_completed`, a done-callback, an async task's waker, or a
/// thread blocked in `result()`. Set under the lock, and never cleared:
/// while it is clear, a change of state has nobody to tell, so it needs no
/// lock.
const LISTENED: u8 = 0b1000;

impl State {
    fn from_word(word: u8) -> State {
        match word & !LISTENED {
            0 => State::Pending,
            1 => State::Running,
            2 => State::Cancelled,
            3 => State::CancelledAndNotified,
            _ => State::Finished,
        }
    }

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

/// The part of a future both ends share, in one allocation: its state,
/// its outcome, who listens for it, and, on the thread pool, the task
/// itself (`task`, see [`Job`]).
///
/// The fast path. A task's future changes state twice (running, then
/// finished) and is asked once (`result()`), and most of the time nobody
/// else listens: so the state is an atomic word, and a change takes the
/// lock only when the word's `LISTENED` bit says there is someone to tell.
/// Whoever starts listening sets that bit under the lock and then looks at
/// the state again, so a change either comes before (and the listener
/// sees it) or sees the bit (and takes the lock to tell it). `done()`,
/// `result()` on a done future and the worker's two changes take no lock.
struct Core<R, T: ?Sized = dyn Send + Sync> {
    /// A [`State`], plus the `LISTENED` bit. Changed only by
    /// compare-and-swap (`advance`), since the worker's changes do not take
    /// the lock that `cancel` takes.
    state: AtomicU8,
    /// The task's outcome: written once, by the promise, while the state is
    /// `Running` (which only the promise leaves), and read only once the
    /// state is `Finished`, which the promise stores after writing it.
    /// Without that order, a reader could see a half-written value; with
    /// it, the atomic state is all the synchronisation the cell needs, as
    /// in std's `OnceLock` or tokio's oneshot.
    outcome: UnsafeCell<Option<Outcome<R>>>,
    // A std Mutex: held for a few assignments, never while a task or a
    // callback runs.
    inner: Mutex<Inner<R>>,
    /// Notified whenever the state changes, for `result()`.
    changed: Condvar,
    /// The thread pool's task, until a worker takes it out (see [`Job`]);
    /// nothing (`()`) for other executors. Last, and of any size, so that
    /// a future holds it as `dyn Send + Sync`: `Future<R>` does not name
    /// the closure's type, and never touches it.
    task: T,
}

// SAFETY: `Core` is shared between threads by `Arc`. Every field but
// `outcome` is `Sync` by itself. `outcome` is written by one thread (the
// promise's, while the state is `Running`) before any thread may read it
// (after it loads `Finished` with `Acquire`, which the writer stored with
// `Release` after writing), and is taken out (`Future::take`) only by the
// sole owner of the future, once nobody else reads it: the accesses never
// overlap, and the readers get `&R` across threads, hence `R: Sync`, and
// the owner on another thread gets `R` itself, hence `R: Send`. The task
// slot `T` is shared as any field is, hence `T: Sync`.
unsafe impl<R: Send + Sync, T: ?Sized + Sync> Sync for Core<R, T> {}

// As `OnceLock`: a panic while the cell is shared cannot leave it
// half-written, since it is written once, before anyone may read it.
// The task slot is a mutex, which is unwind-safe whatever it holds.
impl<R: RefUnwindSafe + UnwindSafe, T: ?Sized> RefUnwindSafe for Core<R, T> {}

struct Inner<R> {
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

impl<R, T> Core<R, T> {
    /// A pending future's shared state, holding `task`.
    fn new(task: T) -> Core<R, T> {
        Core {
            state: AtomicU8::new(State::Pending as u8),
            outcome: UnsafeCell::new(None),
            inner: Mutex::new(Inner {
                waiters: Vec::new(),
                callbacks: Vec::new(),
                wakers: Vec::new(),
                calling_back: false,
                blocked: 0,
            }),
            changed: Condvar::new(),
            task,
        }
    }
}

impl<R, T: ?Sized> Core<R, T> {
    fn lock(&self) -> MutexGuard<'_, Inner<R>> {
        // Every change under this lock is one assignment, so a panic
        // elsewhere while it was held cannot have left it half-written.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The state now. `Acquire`, so that a `Finished` seen here makes the
    /// outcome written before it visible.
    fn state(&self) -> State {
        State::from_word(self.state.load(Ordering::Acquire))
    }

    /// Done, and nobody ever listened, so no callback can be running: the
    /// owner may take the value out without the lock.
    fn settled_unheard(&self) -> bool {
        let word = self.state.load(Ordering::Acquire);
        word & LISTENED == 0 && State::from_word(word).done()
    }

    /// Says that someone listens (the caller holds the lock, `_inner`), and
    /// gives the state: a change after this one sees the bit and takes the
    /// lock, so whoever registers now will be told.
    fn listen(&self, _inner: &Inner<R>) -> State {
        State::from_word(self.state.fetch_or(LISTENED, Ordering::AcqRel))
    }

    /// Moves the state from `from` to `to`, keeping the `LISTENED` bit;
    /// false if it was not `from`.
    fn advance(&self, from: State, to: State) -> bool {
        let mut word = self.state.load(Ordering::Relaxed);
        while State::from_word(word) == from {
            let next = to as u8 | (word & LISTENED);
            match self.state.compare_exchange_weak(
                word,
                next,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => word = now,
            }
        }
        false
    }

    /// The outcome, once the state is `Finished`; `None` before, and for a
    /// cancelled future, which has none.
    fn outcome(&self) -> Option<&Outcome<R>> {
        if self.state() != State::Finished {
            return None;
        }
        // SAFETY: the state is `Finished`, loaded with `Acquire`: the
        // promise wrote the cell before storing it, and nobody writes the
        // cell again except `take`, which needs the future by value, so
        // not while this `&self` (and the loan returned) lives.
        unsafe { (*self.outcome.get()).as_ref() }
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
/// (`&R`), so `R` need not be `Clone`; and the owner can take the value
/// out (`into_result`), since no other handle can be reading it. Hashable
/// and comparable by identity, so it can be a key of the book's
/// `to_do_map`.
pub struct Future<R> {
    core: Arc<Core<R>>,
}

/// The executor's end of a [`Future`]: whoever runs the task uses it to
/// mark the future running and then to set its outcome. Consumed by
/// setting, so setting twice (CPython's `InvalidStateError`) cannot be
/// written.
pub struct Promise<R> {
    core: Arc<Core<R>>,
    /// The outcome is set, or the future cancelled: dropping the promise
    /// has nothing more to do.
    settled: bool,
}

impl<R> Future<R> {
    /// A new pending future and the promise that completes it: what an
    /// executor makes in `submit`. CPython's executor authors create a
    /// `Future()` and call its `set_*` methods; here those methods live on
    /// the [`Promise`], so only the executor can call them.
    pub fn pending() -> (Future<R>, Promise<R>) {
        let core: Arc<Core<R>> = Arc::new(Core::new(()));
        let promise = Promise { core: Arc::clone(&core), settled: false };
        (Future { core }, promise)
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
        self.core.state().done()
    }

    /// `future.running()`: a worker is running the task right now.
    pub fn running(&self) -> bool {
        self.core.state() == State::Running
    }

    /// `future.cancelled()`.
    pub fn cancelled(&self) -> bool {
        self.core.state().cancelled()
    }

    /// `future.cancel()`: only a pending task can be cancelled (it will
    /// never run); a running or finished one cannot. True if the future is
    /// now cancelled, also when it already was. `wait` and `as_completed`
    /// count it once the executor reaches it, as CPython's do.
    pub fn cancel(&self) -> bool {
        let inner = self.core.lock();
        // Races with the worker marking it running, which takes no lock:
        // the compare-and-swap decides which comes first.
        if self.core.advance(State::Pending, State::Cancelled) {
            mark_done(&self.core, inner, State::Cancelled);
            return true;
        }
        self.core.state().cancelled()
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
        if self.core.listen(&inner).done() {
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
        if self.core.state() != State::Finished {
            // A cancelled future has no outcome.
            return Err(FutureError::Cancelled);
        }
        // SAFETY: the state is `Finished` (loaded with `Acquire`), so the
        // promise wrote the cell and will not touch it again. This is the
        // future's only handle (a future is not `Clone`, and the handle
        // the callbacks were given is gone: the caller waited for them),
        // taken by value, so no loan of the value (`lend`) is alive and no
        // other thread reads the cell now or later.
        let outcome = unsafe { (*self.core.outcome.get()).take() };
        outcome.unwrap_or(Err(FutureError::Lost))
    }

    fn lend(&self) -> Result<&R, FutureError> {
        match self.core.outcome() {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(error.clone()),
            // Done without an outcome: it was cancelled.
            None => Err(FutureError::Cancelled),
        }
    }

    fn error(&self) -> Result<Option<FutureError>, FutureError> {
        match self.core.outcome() {
            Some(Ok(_)) => Ok(None),
            Some(Err(error)) => Ok(Some(error.clone())),
            None => Err(FutureError::Cancelled),
        }
    }

    /// Blocks until the future is finished or cancelled, or `timeout` has
    /// passed; false in the last case. A future already done costs one
    /// atomic load: no lock.
    pub(crate) fn wait_done(&self, timeout: Option<Duration>) -> bool {
        if self.done() {
            return true;
        }
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        let mut inner = self.core.lock();
        // Listening, so that the change to done takes the lock and
        // signals.
        while !self.core.listen(&inner).done() {
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
        if self.core.settled_unheard() {
            return;
        }
        let mut inner = self.core.lock();
        while !self.core.listen(&inner).done() || inner.calling_back {
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
        if self.core.listen(&inner).notified() {
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
        self.core.state().notified()
    }

    /// The future's identity: the address of its shared state.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.core).addr()
    }
}

/// Tells everyone listening that the future is now done (`state`, which
/// the caller has just set under the lock it passes): `wait`'s waiters
/// (unless it is only `Cancelled`), the threads blocked and the tasks
/// awaiting; then runs the callbacks, outside the lock.
fn mark_done<R>(
    core: &Arc<Core<R>>,
    mut inner: MutexGuard<'_, Inner<R>>,
    state: State,
) {
    if state.notified() {
        notify_waiters(&mut inner);
    }
    let callbacks = std::mem::take(&mut inner.callbacks);
    let wakers = std::mem::take(&mut inner.wakers);
    if callbacks.is_empty() {
        core.signal(&inner);
        drop(inner);
        wakers.into_iter().for_each(Waker::wake);
        return;
    }
    inner.calling_back = true;
    core.signal(&inner);
    drop(inner);
    wakers.into_iter().for_each(Waker::wake);
    // A handle of the callbacks' own, dropped before `into_result` may go
    // on (it waits for `calling_back` to clear).
    let future = Future { core: Arc::clone(core) };
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
        // No lock: nobody waits for a future to start running, and the
        // compare-and-swap settles a race with `cancel`.
        if self.core.advance(State::Pending, State::Running) {
            return true;
        }
        self.notify_cancel();
        false
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
        self.settled = true;
        self.finish(outcome);
    }

    /// Writes the outcome and marks the future finished, unless it was
    /// cancelled: then there is nothing to set, and the waiters are told.
    fn finish(&self, outcome: Outcome<R>) {
        // Running first (if the executor did not say so already), so that
        // `cancel`, which only cancels a pending future, cannot change the
        // state while the outcome is being written.
        if !self.core.advance(State::Pending, State::Running)
            && self.core.state() != State::Running
        {
            self.notify_cancel();
            return;
        }
        // SAFETY: the state is `Running`, which only this promise leaves,
        // and this is its only write: nobody reads the cell before the
        // state is `Finished`, stored below, after the write.
        unsafe { *self.core.outcome.get() = Some(outcome) };
        // The fast path: nobody listens, so there is nobody to tell and no
        // lock to take. `Release`, so that a reader who sees `Finished`
        // sees the outcome.
        let unheard = self.core.state.compare_exchange(
            State::Running as u8,
            State::Finished as u8,
            Ordering::Release,
            Ordering::Relaxed,
        );
        if unheard.is_err() {
            // Someone listens: change the state under the lock, so they
            // see it and the callbacks' `calling_back` together.
            let inner = self.core.lock();
            self.core.advance(State::Running, State::Finished);
            mark_done(&self.core, inner, State::Finished);
        }
    }

    /// Cancels a task that will not run (the executor is shutting down with
    /// `cancel_futures`, or is broken), and tells the waiters at once: the
    /// executor has seen it. A future already running or done is left as
    /// is.
    pub(crate) fn cancel(mut self) {
        self.settled = true;
        let inner = self.core.lock();
        if self.core.advance(State::Pending, State::CancelledAndNotified) {
            mark_done(&self.core, inner, State::CancelledAndNotified);
        } else {
            drop(inner);
            self.notify_cancel();
        }
    }

    /// A future cancelled by its owner is one the executor has now seen:
    /// `wait` and `as_completed` count it from here.
    fn notify_cancel(&self) {
        if self.core.state() != State::Cancelled {
            return;
        }
        let mut inner = self.core.lock();
        if self.core.advance(State::Cancelled, State::CancelledAndNotified) {
            notify_waiters(&mut inner);
        }
    }
}

impl<R> Drop for Promise<R> {
    /// A promise dropped unset (an executor's bug, or a task dropped with
    /// its queue) finishes its future with `Lost`, so nobody waits forever.
    fn drop(&mut self) {
        if !self.settled {
            self.finish(Err(FutureError::Lost));
        }
    }
}

/// A task queued on the thread pool, in one allocation with its future's
/// shared state: `submit` allocates once, where a boxed task beside the
/// future would be a second allocation, and a second free for the worker.
/// The queue holds jobs of every closure and result type, so a job holds
/// its state as a trait object, [`Queued`].
///
/// A job dropped without being run, cancelled or failed (a task dropped
/// with its queue) finishes its future with `Lost`, as a dropped
/// [`Promise`] does, so nobody waits forever.
pub(crate) struct Job {
    // `None` once handed on.
    core: Option<Arc<dyn Queued>>,
}

impl Job {
    /// A new pending future and the job that will run `task` for it.
    pub(crate) fn new<R, F>(task: F) -> (Future<R>, Job)
    where
        F: FnOnce() -> Outcome<R> + Send + 'static,
        R: Send + Sync + 'static,
    {
        let core = Arc::new(Core::new(Mutex::new(Some(task))));
        let future = Future { core: Arc::clone(&core) as Arc<Core<R>> };
        (future, Job { core: Some(core) })
    }

    /// Takes the task out and gives it, with its promise, to
    /// `thread::run_task`, which runs it (unless cancelled meanwhile) and
    /// calls `finished` before setting the outcome.
    pub(crate) fn run(mut self, finished: &dyn Fn()) {
        if let Some(core) = self.core.take() {
            core.run(finished);
        }
    }

    /// Cancels the future instead of running the task.
    pub(crate) fn cancel(mut self) {
        if let Some(core) = self.core.take() {
            core.cancel();
        }
    }

    /// Fails the future without running the task.
    pub(crate) fn fail(mut self, error: FutureError) {
        if let Some(core) = self.core.take() {
            core.fail(error);
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(core) = self.core.take() {
            core.fail(FutureError::Lost);
        }
    }
}

/// What a [`Job`] does with its shared state, whatever the closure's and
/// the result's types. Each method takes the task out of its slot (to run
/// it, or to drop what it captured now rather than with the future) and
/// drives the future through a [`Promise`] of the same allocation.
trait Queued: Send + Sync {
    fn run(self: Arc<Self>, finished: &dyn Fn());
    fn cancel(self: Arc<Self>);
    fn fail(self: Arc<Self>, error: FutureError);
}

impl<R, F> Queued for Core<R, Mutex<Option<F>>>
where
    F: FnOnce() -> Outcome<R> + Send + 'static,
    R: Send + Sync + 'static,
{
    fn run(self: Arc<Self>, finished: &dyn Fn()) {
        let task = take_task(&self.task);
        let promise = Promise { core: self, settled: false };
        // A job is handed on once, so the task is there; were it not, the
        // promise, dropped unset, would finish the future with `Lost`.
        if let Some(task) = task {
            crate::thread::run_task(promise, task, finished);
        }
    }

    fn cancel(self: Arc<Self>) {
        drop(take_task(&self.task));
        Promise { core: self, settled: false }.cancel();
    }

    fn fail(self: Arc<Self>, error: FutureError) {
        drop(take_task(&self.task));
        Promise { core: self, settled: false }.set(Err(error));
    }
}

/// Takes the task out of its slot. A mutex, not an unsafe cell: taken
/// once, by one thread, it costs two uncontended atomic operations.
fn take_task<F>(slot: &Mutex<Option<F>>) -> Option<F> {
    slot.lock().unwrap_or_else(PoisonError::into_inner).take()
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
        if future.core.settled_unheard() {
            let future = self.future.take();
            return Poll::Ready(
                future.map_or(Err(FutureError::Lost), Future::take),
            );
        }
        let mut inner = future.core.lock();
        let done = future.core.listen(&inner).done();
        if done && !inner.calling_back {
            drop(inner);
            let future = self.future.take();
            return Poll::Ready(
                future.map_or(Err(FutureError::Lost), Future::take),
            );
        }
        if !inner.wakers.iter().any(|waker| waker.will_wake(cx.waker())) {
            inner.wakers.push(cx.waker().clone());
        }
        if done {
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
        let state = self.core.state();
        // The address alone: the pointer also carries the task slot's
        // vtable, which `{:p}` would print.
        let address = Arc::as_ptr(&self.core).cast::<()>();
        write!(f, "<Future at {address:p} ")?;
        match (state, self.core.outcome()) {
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
