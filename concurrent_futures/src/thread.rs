//! `concurrent.futures.ThreadPoolExecutor`: `max_workers` threads taking
//! tasks from one queue, as CPython's `_work_queue`.
//!
//! `submit` puts a work item on the queue and returns its future at once;
//! it never waits for a free worker. A worker takes the next item, marks
//! the future running (unless it was cancelled meanwhile), runs the task
//! and sets the outcome. A panicking task is that task's error, as a raised
//! exception is in Python, and the worker lives on.
//!
//! The threads start as CPython's do (`_adjust_thread_count`): one per
//! `submit` that finds no idle thread, up to `max_workers`. A pool of 676
//! fed 676 tasks at once starts 676 threads, each taking a task as soon as
//! it runs, so the first request goes out while the rest are starting; a
//! pool fed one task at a time keeps reusing one thread.
//!
//! An `initializer` runs first on every new thread. If it panics, the pool
//! is broken, as CPython's: every queued task fails with
//! [`FutureError::BrokenThreadPool`], and so does every later `submit`.

use std::collections::VecDeque;
use std::io;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use crate::executor::{Executor, Map, MapOptions, Payload, ShutdownOptions};
use crate::future::{Future, FutureError, Job, Outcome, Promise};
use crate::quiet;

/// Runs one queued task (a [`Job`] hands it over with its promise),
/// unless its future was cancelled, and sets the outcome. Calls
/// `finished` once the task is over, before its waiters can wake: a
/// `submit` that follows a `result()` then finds this worker idle.
pub(crate) fn run_task<R, F>(promise: Promise<R>, task: F, finished: &dyn Fn())
where
    F: FnOnce() -> Outcome<R>,
{
    if !promise.set_running_or_notify_cancel() {
        finished();
        return;
    }
    // A panic is caught here, so the worker lives on to take the next
    // item, and becomes this future's error.
    let outcome = quiet::catch_unwind(AssertUnwindSafe(task))
        .unwrap_or_else(|message| Err(FutureError::Panicked(message)));
    finished();
    promise.set(outcome);
}

/// The work queue, CPython's `_work_queue` (a `queue.SimpleQueue`): items
/// wait in a deque, idle workers wait on a condition variable.
///
/// The fast path: when work is waiting, a worker takes the queue's lock
/// once per task (`get`), and `submit` once (`put`). A worker that
/// finishes a task says it is idle with an atomic counter, not under the
/// lock. And a `put` wakes a sleeping worker only when no worker is already
/// awake looking for work (`searching`): that one takes the item. A worker
/// that takes an item and leaves more behind wakes the next sleeper
/// itself, so a burst of tasks still wakes as many workers as it needs,
/// one after the other, while a steady stream keeps the awake ones busy
/// without a system call per task; the one worker searching looks again
/// for a moment before it sleeps. Waking a thread is a system call, and
/// with more workers than cores every wake-up is also a thread the
/// submitting one must share its core with.
#[derive(Default)]
struct WorkQueue {
    // A std Mutex: held to push or pop one item, never while a task runs.
    state: Mutex<QueueState>,
    ready: Condvar,
    /// Workers done with their last task and not yet given another:
    /// CPython's `_idle_semaphore`. A `put` starts a thread only when the
    /// queued items outnumber them. Atomic, so that a worker marks itself
    /// idle without the lock; counted only until every thread is started
    /// (`all_started`), since after that no `put` asks.
    idle: AtomicUsize,
    /// Every thread the pool may have is started.
    all_started: AtomicBool,
    /// `items.len()`, readable without the lock, for a worker looking
    /// again before it sleeps (`spin_until_queued`).
    queued: AtomicUsize,
}

/// How long the searching worker looks before it sleeps: busy checks, then
/// checks that let other threads run (the one submitting, above all).
const SPINS: u32 = 200;
const YIELDS: u32 = 20;

#[derive(Default)]
struct QueueState {
    items: VecDeque<Job>,
    /// Set by `shutdown`: no more items; workers end once it is empty.
    closed: bool,
    /// Set when an initializer failed: CPython's `_broken`.
    broken: Option<String>,
    /// Workers awake and between tasks: in `get`, or woken and about to
    /// be. While there is one, a `put` wakes nobody: it takes the item.
    searching: usize,
    /// Workers asleep on `ready` that nobody has woken yet.
    sleeping: usize,
    /// Wake-ups sent and not yet taken: a sleeper wakes for one of these
    /// (or for `closed`), not for a spurious return from the wait.
    wakeups: usize,
}

impl QueueState {
    /// Wakes a sleeper if work waits and no one awake will take it; says
    /// whether to signal the condition variable (after unlocking).
    fn wake_one_if_needed(&mut self) -> bool {
        if self.items.is_empty() || self.searching > 0 || self.sleeping == 0 {
            return false;
        }
        self.sleeping -= 1;
        self.wakeups += 1;
        // The woken worker is searching from now on, so the next `put`
        // does not wake another for the same item.
        self.searching += 1;
        true
    }
}

impl WorkQueue {
    /// Queues `item` and says whether it needs a new thread (more items are
    /// waiting than idle workers), or says why the pool refuses it.
    fn put(&self, item: Job) -> Result<bool, FutureError> {
        let mut state = lock(&self.state);
        if let Some(why) = &state.broken {
            return Err(FutureError::BrokenThreadPool(why.clone()));
        }
        if state.closed {
            return Err(FutureError::Shutdown);
        }
        state.items.push_back(item);
        self.queued.fetch_add(1, Ordering::Relaxed);
        let needs_worker = !self.all_started.load(Ordering::Relaxed)
            && state.items.len() > self.idle.load(Ordering::SeqCst);
        let wake = state.wake_one_if_needed();
        drop(state);
        if wake {
            self.ready.notify_one();
        }
        Ok(needs_worker)
    }

    /// Takes back the item just queued: no thread could be started for it.
    fn take_back(&self) -> Option<Job> {
        let item = lock(&self.state).items.pop_back();
        if item.is_some() {
            self.queued.fetch_sub(1, Ordering::Relaxed);
        }
        item
    }

    /// Waits a little, without the lock, for an item to be queued: a few
    /// hundred spins, then a few turns given to other threads.
    fn spin_until_queued(&self) {
        for round in 0..SPINS + YIELDS {
            if self.queued.load(Ordering::Relaxed) > 0 {
                return;
            }
            if round < SPINS {
                std::hint::spin_loop();
            } else {
                thread::yield_now();
            }
        }
    }

    /// A worker is done with its task: it counts as idle for `put` until
    /// `get` gives it another. Says whether it was counted (only before
    /// every thread is started; see `idle`).
    fn worker_idle(&self) -> bool {
        if self.all_started.load(Ordering::Relaxed) {
            return false;
        }
        self.idle.fetch_add(1, Ordering::SeqCst);
        true
    }

    /// The next item, waiting for one; `None` once closed and empty. A
    /// worker `counted` idle stops counting when it takes one.
    fn get(&self, counted: bool) -> Option<Job> {
        let mut state = lock(&self.state);
        state.searching += 1;
        let mut spun = false;
        loop {
            if let Some(item) = state.items.pop_front() {
                self.queued.fetch_sub(1, Ordering::Relaxed);
                if counted {
                    self.idle.fetch_sub(1, Ordering::SeqCst);
                }
                state.searching -= 1;
                // More work left and nobody else awake to take it: wake
                // the next sleeper, rather than leave it to `put`.
                let wake = state.wake_one_if_needed();
                drop(state);
                if wake {
                    self.ready.notify_one();
                }
                return Some(item);
            }
            if state.closed {
                state.searching -= 1;
                return None;
            }
            // The only worker searching looks again for a moment before it
            // sleeps: a `submit` that comes meanwhile then needs no
            // wake-up. Only one, so that workers outnumbering the cores do
            // not take turns spinning on them.
            if state.searching == 1 && !spun {
                spun = true;
                drop(state);
                self.spin_until_queued();
                state = lock(&self.state);
                continue;
            }
            state.searching -= 1;
            state.sleeping += 1;
            while state.wakeups == 0 && !state.closed {
                state = self
                    .ready
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if state.wakeups > 0 {
                // Woken by `wake_one_if_needed`, which counted this
                // worker searching already.
                state.wakeups -= 1;
            } else {
                state.sleeping -= 1;
                state.searching += 1;
            }
        }
    }

    /// Lets the workers finish what is queued, then end; with `cancel`,
    /// cancels what is queued first.
    fn close(&self, cancel: bool) {
        let cancelled = {
            let mut state = lock(&self.state);
            state.closed = true;
            if cancel {
                self.queued.store(0, Ordering::Relaxed);
                std::mem::take(&mut state.items)
            } else {
                VecDeque::new()
            }
        };
        self.ready.notify_all();
        // Outside the lock: cancelling runs the futures' callbacks.
        cancelled.into_iter().for_each(|item| item.cancel());
    }

    /// An initializer failed: CPython's `_initializer_failed`. Nothing more
    /// runs; every queued task fails with `BrokenThreadPool`.
    fn break_pool(&self, why: String) {
        let failed = {
            let mut state = lock(&self.state);
            state.closed = true;
            state.broken.get_or_insert(why.clone());
            self.queued.store(0, Ordering::Relaxed);
            std::mem::take(&mut state.items)
        };
        self.ready.notify_all();
        for item in failed {
            item.fail(FutureError::BrokenThreadPool(why.clone()));
        }
    }
}

/// What runs first on every new worker thread: CPython's `initializer`
/// with its `initargs`, which a closure carries.
type Initializer = Arc<dyn Fn() + Send + Sync>;

/// A pool of up to `max_workers` threads. Build one with
/// [`ThreadPoolExecutor::new`] or, to name its threads or size their
/// stacks, [`ThreadPoolExecutor::builder`].
pub struct ThreadPoolExecutor {
    // Shared with the workers; closed by `shutdown`.
    queue: Arc<WorkQueue>,
    // The threads started so far; taken (and joined) by the first
    // `shutdown(wait=true)`. `submit` holds the lock while it queues a task
    // and starts a thread for it, so `shutdown` never takes the list
    // between the two and misses a thread.
    workers: Mutex<Workers>,
    max_workers: usize,
    /// Names the threads `{prefix}_{n}`.
    prefix: String,
    stack_size: Option<usize>,
    initializer: Option<Initializer>,
}

#[derive(Default)]
struct Workers {
    handles: Vec<JoinHandle<()>>,
    /// How many were ever started (joined ones included), for the names
    /// and the bound.
    started: usize,
}

/// Numbers the pools without a `thread_name_prefix`, as CPython's
/// `ThreadPoolExecutor-N` names do.
static POOLS: AtomicUsize = AtomicUsize::new(0);

/// Options of a [`ThreadPoolExecutor`]: CPython's keyword arguments.
#[derive(Clone, Default)]
pub struct Builder {
    max_workers: Option<usize>,
    thread_name_prefix: Option<String>,
    stack_size: Option<usize>,
    initializer: Option<Initializer>,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("max_workers", &self.max_workers)
            .field("thread_name_prefix", &self.thread_name_prefix)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// How many threads at most: CPython's default is `min(32, cpus + 4)`,
    /// "for I/O bound tasks"; so is ours.
    pub fn max_workers(mut self, max_workers: usize) -> Builder {
        self.max_workers = Some(max_workers);
        self
    }

    /// Threads are named `{prefix}_{n}`, n from 0, as in CPython; by
    /// default the prefix is `ThreadPoolExecutor-{pool number}`. The name
    /// shows in panics, debuggers and `RUST_LOG` events.
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Builder {
        self.thread_name_prefix = Some(prefix.into());
        self
    }

    /// Each worker's stack size in bytes (see
    /// `std::thread::Builder::stack_size`). Small stacks let a pool of
    /// many threads, each blocked on the network, use less memory.
    pub fn stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// `initializer=f, initargs=(...)`: `initializer` runs on each worker
    /// thread before its first task; the closure carries the arguments. If
    /// it panics, the pool is broken ([`FutureError::BrokenThreadPool`]).
    pub fn initializer(
        mut self,
        initializer: impl Fn() + Send + Sync + 'static,
    ) -> Builder {
        self.initializer = Some(Arc::new(initializer));
        self
    }

    /// The pool, with no thread yet: `submit` starts them. Fails, as
    /// CPython raises `ValueError`, if `max_workers` is 0.
    pub fn build(self) -> io::Result<ThreadPoolExecutor> {
        let max_workers = self.max_workers.unwrap_or_else(default_max_workers);
        if max_workers == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "max_workers must be greater than 0",
            ));
        }
        let prefix = self.thread_name_prefix.unwrap_or_else(|| {
            let n = POOLS.fetch_add(1, Ordering::Relaxed);
            format!("ThreadPoolExecutor-{n}")
        });
        Ok(ThreadPoolExecutor {
            queue: Arc::new(WorkQueue::default()),
            workers: Mutex::new(Workers::default()),
            max_workers,
            prefix,
            stack_size: self.stack_size,
            initializer: self.initializer,
        })
    }
}

/// `ThreadPoolExecutor`'s default `max_workers`: `min(32, os.cpu_count() +
/// 4)`. Threads that mostly wait for I/O can outnumber the cores.
pub fn default_max_workers() -> usize {
    (crate::process_cpu_count() + 4).min(32)
}

/// The loop of one worker thread: the initializer, then take the next
/// item and run it; stop when the queue is closed and empty.
fn work(queue: &WorkQueue, initializer: Option<&Initializer>) {
    if let Some(initializer) = initializer
        && let Err(message) =
            quiet::catch_unwind(AssertUnwindSafe(|| initializer()))
    {
        queue.break_pool(format!("the initializer panicked: {message}"));
        return;
    }
    // A new thread is not idle: it was started for an item already queued.
    let counted = std::cell::Cell::new(false);
    // `None`: the executor was shut down and the queue is empty.
    while let Some(item) = queue.get(counted.get()) {
        item.run(&|| counted.set(queue.worker_idle()));
    }
}

/// Locks a mutex whose data a panic cannot leave half-changed (a queue end,
/// a list of handles), so a poisoned one is still fine to use.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ThreadPoolExecutor {
    /// `ThreadPoolExecutor(max_workers=max_workers)`: a pool of up to
    /// `max_workers` threads, named `ThreadPoolExecutor-N_0`, `_1`...
    /// Fails if `max_workers` is 0.
    pub fn new(max_workers: usize) -> io::Result<ThreadPoolExecutor> {
        Builder::default().max_workers(max_workers).build()
    }

    /// Every option: `ThreadPoolExecutor::builder().max_workers(30)
    /// .thread_name_prefix("flags-worker").build()`.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The most worker threads the pool starts.
    pub fn max_workers(&self) -> usize {
        self.max_workers
    }

    /// `executor.submit(fn, *args)`: queues `task` and returns its future
    /// at once. Rust passes a function with its arguments as a closure, as
    /// `thread::spawn` does: `executor.submit(move || download_one(cc))`.
    /// Refuses after shutdown and on a broken pool, as CPython raises.
    /// The result must be `Sync` as well as `Send`, because `result()`
    /// lends it to whichever thread asks.
    // ANCHOR: submit
    pub fn submit<R, F>(&self, task: F) -> Result<Future<R>, FutureError>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + Sync + 'static,
    {
        self.submit_outcome(move || Ok(task()))
    }
    // ANCHOR_END: submit

    /// `executor.map(fn, args)` with any closure: nothing is serialized on
    /// a thread pool, so `f` may capture what it needs. Every task is
    /// submitted before it returns; results come in submission order.
    pub fn map<'a, A, R, F>(
        &'a self,
        f: F,
        args: impl IntoIterator<Item = A, IntoIter: 'a>,
    ) -> Map<'a, R>
    where
        F: Fn(A) -> R + Send + Sync + 'static,
        A: Send + 'static,
        R: Send + Sync + 'static,
    {
        self.map_with(f, args, MapOptions::default())
    }

    /// `executor.map(fn, args, timeout=..., buffersize=...)` with any
    /// closure (`chunksize` means nothing here, as in CPython).
    pub fn map_with<'a, A, R, F>(
        &'a self,
        f: F,
        args: impl IntoIterator<Item = A, IntoIter: 'a>,
        options: MapOptions,
    ) -> Map<'a, R>
    where
        F: Fn(A) -> R + Send + Sync + 'static,
        A: Send + 'static,
        R: Send + Sync + 'static,
    {
        let f = Arc::new(f);
        let submit = move |arg| {
            let f = Arc::clone(&f);
            self.submit(move || f(arg))
        };
        Map::new(args.into_iter(), submit, options)
    }

    /// Queues a task whose outcome becomes its future's outcome as it is.
    /// What the process pool builds on: its tasks can fail in ways of
    /// their own.
    pub(crate) fn submit_outcome<R, F>(
        &self,
        task: F,
    ) -> Result<Future<R>, FutureError>
    where
        F: FnOnce() -> Outcome<R> + Send + 'static,
        R: Send + Sync + 'static,
    {
        // The task and its future's state, in one allocation.
        let (future, item) = Job::new(task);
        // Once every thread is started, no `submit` starts one, and none
        // needs the list: the common case takes one lock, the queue's.
        if self.queue.all_started.load(Ordering::Acquire) {
            self.queue.put(item)?;
            return Ok(future);
        }
        let mut workers = lock(&self.workers);
        let needs_worker = self.queue.put(item)?;
        if needs_worker
            && workers.started < self.max_workers
            && let Err(error) = self.start_worker(&mut workers)
            // With no thread at all, nothing would ever run it. Otherwise
            // it waits for one of those already there.
            && workers.handles.is_empty()
            && let Some(item) = self.queue.take_back()
        {
            drop(item);
            return Err(FutureError::NoThread(error.to_string()));
        }
        Ok(future)
    }

    /// CPython's `_adjust_thread_count`, once `submit` found no idle worker
    /// for its task: starts thread number `workers.started`.
    fn start_worker(&self, workers: &mut Workers) -> io::Result<()> {
        let mut thread = thread::Builder::new()
            .name(format!("{}_{}", self.prefix, workers.started));
        if let Some(bytes) = self.stack_size {
            thread = thread.stack_size(bytes);
        }
        let queue = Arc::clone(&self.queue);
        let initializer = self.initializer.clone();
        let handle =
            thread.spawn(move || work(&queue, initializer.as_ref()))?;
        workers.handles.push(handle);
        workers.started += 1;
        if workers.started == self.max_workers {
            self.queue.all_started.store(true, Ordering::Release);
        }
        Ok(())
    }
}

impl Executor for ThreadPoolExecutor {
    fn submit_fn<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Result<Future<R>, FutureError> {
        self.submit(move || f(arg))
    }

    fn shutdown(&self, options: ShutdownOptions) {
        // The workers take what is left on the queue, then end.
        self.queue.close(options.cancels_futures());
        if options.waits() {
            let workers = std::mem::take(&mut lock(&self.workers).handles);
            for worker in workers {
                // A worker never panics (tasks' panics are caught).
                let _ = worker.join();
            }
        }
    }
}

impl Drop for ThreadPoolExecutor {
    /// Leaving `with ThreadPoolExecutor(...) as executor:` calls
    /// `executor.shutdown(wait=True)`: every queued task runs, then the
    /// threads end.
    fn drop(&mut self) {
        self.shutdown(ShutdownOptions::default());
    }
}

impl std::fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadPoolExecutor")
            .field("max_workers", &self.max_workers)
            .finish_non_exhaustive()
    }
}
