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

use std::io;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender};

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

/// The work queue, CPython's `_work_queue` (a `queue.SimpleQueue`): an
/// unbounded crossbeam channel, which `submit` sends items on and every
/// worker receives from.
///
/// Why that channel. Many workers take from one queue, so it must have
/// many receivers: std's `mpsc::Receiver` has one, and sharing it would
/// take a lock. Unbounded, so `submit` never waits for a free worker. And
/// it takes no lock to send or receive: a `submit` and a worker taking the
/// item before it do not wait for each other, where one lock around a
/// deque made them take turns on it for every task. A worker that finds
/// the queue empty looks again for a moment, then sleeps in the channel,
/// which wakes a sleeper only when an item comes and someone sleeps.
struct WorkQueue {
    /// The sending end. Only `submit`, `shutdown` and a failed initializer
    /// take this lock, never a worker: it keeps a `submit` from queueing an
    /// item while the pool closes, as CPython's `_shutdown_lock` does.
    inbox: Mutex<Inbox>,
    /// The receiving end, which every worker uses.
    items: Receiver<Job>,
    /// Workers done with their last task and not yet given another:
    /// CPython's `_idle_semaphore`. A `put` starts a thread only when the
    /// queued items outnumber them. Counted only until every thread is
    /// started (`all_started`), since after that no `put` asks. A worker
    /// stops counting just after it takes an item, so a `put` in between
    /// may count it still idle and start no thread for its item: that
    /// item waits for a worker already there, and the next `put` counts
    /// right again.
    idle: AtomicUsize,
    /// Every thread the pool may have is started.
    all_started: AtomicBool,
    /// `inbox.broken` is set: read by a worker after each item it takes,
    /// without the lock, so that nothing starts once the pool is broken,
    /// though another worker may have taken an item meanwhile.
    broken: AtomicBool,
}

struct Inbox {
    /// `None` once closed, by `shutdown` or a failed initializer. Dropping
    /// the one sender is the pool's sentinel, where CPython queues a
    /// `None`: each worker then receives what is left, then an error, and
    /// ends.
    sender: Option<Sender<Job>>,
    /// Set when an initializer failed: CPython's `_broken`.
    broken: Option<String>,
}

impl WorkQueue {
    fn new() -> WorkQueue {
        let (sender, items) = crossbeam_channel::unbounded();
        WorkQueue {
            inbox: Mutex::new(Inbox { sender: Some(sender), broken: None }),
            items,
            idle: AtomicUsize::new(0),
            all_started: AtomicBool::new(false),
            broken: AtomicBool::new(false),
        }
    }

    /// Queues `item` and says whether it needs a new thread (more items are
    /// waiting than idle workers), or says why the pool refuses it.
    fn put(&self, item: Job) -> Result<bool, FutureError> {
        let inbox = lock(&self.inbox);
        if let Some(why) = &inbox.broken {
            return Err(FutureError::BrokenThreadPool(why.clone()));
        }
        // A send fails only once every receiver is gone, and `items` lives
        // as long as the queue: it does not happen.
        match &inbox.sender {
            Some(sender) if sender.send(item).is_ok() => {}
            _ => return Err(FutureError::Shutdown),
        }
        Ok(!self.all_started.load(Ordering::Relaxed)
            && self.items.len() > self.idle.load(Ordering::SeqCst))
    }

    /// Takes back the item just queued: no thread could be started for it.
    /// With no worker at all, it is the only item there (see
    /// `submit_outcome`).
    fn take_back(&self) -> Option<Job> {
        self.items.try_recv().ok()
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
    /// worker `counted` idle stops counting when it takes one. An item
    /// taken once the pool is broken fails instead, as `break_pool` fails
    /// the others.
    fn get(&self, counted: bool) -> Option<Job> {
        loop {
            let item = self.items.recv().ok()?;
            if !self.broken.load(Ordering::Acquire) {
                if counted {
                    self.idle.fetch_sub(1, Ordering::SeqCst);
                }
                return Some(item);
            }
            let why = lock(&self.inbox).broken.clone().unwrap_or_default();
            item.fail(FutureError::BrokenThreadPool(why));
        }
    }

    /// Lets the workers finish what is queued, then end; with `cancel`,
    /// cancels what is still queued.
    fn close(&self, cancel: bool) {
        drop(lock(&self.inbox).sender.take());
        if cancel {
            // Outside the lock: cancelling runs the futures' callbacks.
            // Workers may take some of these meanwhile, as in CPython.
            self.items.try_iter().for_each(Job::cancel);
        }
    }

    /// An initializer failed: CPython's `_initializer_failed`. Nothing more
    /// runs; every queued task fails with `BrokenThreadPool`.
    fn break_pool(&self, why: String) {
        let sender = {
            let mut inbox = lock(&self.inbox);
            inbox.broken.get_or_insert(why.clone());
            self.broken.store(true, Ordering::Release);
            inbox.sender.take()
        };
        drop(sender);
        for item in self.items.try_iter() {
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
            queue: Arc::new(WorkQueue::new()),
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
        // needs the list: the common case takes one lock, the queue's
        // sending end, which no worker takes.
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
