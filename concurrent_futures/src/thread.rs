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

use std::collections::VecDeque;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use crate::executor::{Executor, Payload};
use crate::future::{self, Future, FutureError, Outcome, Promise};

/// One queued task with the promise of its future. A trait object, so one
/// queue holds tasks of every closure and result type.
trait WorkItem: Send {
    /// Runs the task, unless its future was cancelled, and sets the outcome.
    /// Calls `finished` once the task is over, before its waiters can wake:
    /// a `submit` that follows a `result()` then finds this worker idle.
    fn run(self: Box<Self>, finished: &dyn Fn());
    /// Cancels the future instead of running the task.
    fn cancel(self: Box<Self>);
    /// Fails the future without running the task: it came after
    /// `shutdown`, or no thread could be started to run it.
    fn refuse(self: Box<Self>, error: FutureError);
}

struct Task<F, R> {
    promise: Promise<R>,
    task: F,
}

impl<F: FnOnce() -> Outcome<R> + Send, R: Send + Sync> WorkItem for Task<F, R> {
    fn run(self: Box<Self>, finished: &dyn Fn()) {
        let Task { promise, task } = *self;
        if !promise.set_running_or_notify_cancel() {
            finished();
            return;
        }
        // A panic is caught here, so the worker lives on to take the next
        // item, and becomes this future's error.
        let outcome = panic::catch_unwind(AssertUnwindSafe(task))
            .unwrap_or_else(|panic| {
                Err(FutureError::Panicked(panic_message(&*panic)))
            });
        finished();
        promise.set(outcome);
    }

    fn cancel(self: Box<Self>) {
        self.promise.cancel();
    }

    fn refuse(self: Box<Self>, error: FutureError) {
        self.promise.set(Err(error));
    }
}

/// The message of a panic, when it was a string (it nearly always is).
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// The work queue, CPython's `_work_queue` (a `queue.SimpleQueue`): items
/// wait in a deque, idle workers wait on a condition variable, and each
/// `put` wakes one of them. So 676 items submitted at once wake 676
/// workers at once. (An mpsc receiver behind a mutex, held while waiting,
/// woke them one after another instead: each had to run before the next
/// could reach the queue. With 676 workers, `flags_threadpool -e -m 1000`
/// took 0.13-0.18 s to get its requests out that way, 0.09-0.11 s now.)
#[derive(Default)]
struct WorkQueue {
    // A std Mutex: held to push or pop one item, never while a task runs.
    state: Mutex<QueueState>,
    ready: Condvar,
}

#[derive(Default)]
struct QueueState {
    items: VecDeque<Box<dyn WorkItem>>,
    /// Set by `shutdown`: no more items; workers end once it is empty.
    closed: bool,
    /// Workers done with their last task and not yet given another:
    /// CPython's `_idle_semaphore`. A `put` starts a thread only when the
    /// queued items outnumber them.
    idle: usize,
}

impl WorkQueue {
    /// Queues `item` and says whether it needs a new thread (more items are
    /// waiting than idle workers), or hands it back if the queue is closed.
    fn put(&self, item: Box<dyn WorkItem>) -> Result<bool, Box<dyn WorkItem>> {
        let mut state = lock(&self.state);
        if state.closed {
            return Err(item);
        }
        state.items.push_back(item);
        let needs_worker = state.items.len() > state.idle;
        drop(state);
        self.ready.notify_one();
        Ok(needs_worker)
    }

    /// Takes back the item just queued: no thread could be started for it.
    fn take_back(&self) -> Option<Box<dyn WorkItem>> {
        lock(&self.state).items.pop_back()
    }

    /// The next item, waiting for one; `None` once closed and empty. An
    /// `idle` worker stops counting as idle when it takes one.
    fn get(&self, idle: bool) -> Option<Box<dyn WorkItem>> {
        let mut state = lock(&self.state);
        loop {
            if let Some(item) = state.items.pop_front() {
                if idle {
                    state.idle -= 1;
                }
                return Some(item);
            }
            if state.closed {
                return None;
            }
            state =
                self.ready.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// A worker is done with its task and will take the next item.
    fn worker_idle(&self) {
        lock(&self.state).idle += 1;
    }

    /// Lets the workers finish what is queued, then end.
    fn close(&self) {
        lock(&self.state).closed = true;
        self.ready.notify_all();
    }
}

/// A pool of up to `max_workers` threads. Build one with
/// [`ThreadPoolExecutor::new`] or, to name its threads or size their
/// stacks, [`ThreadPoolExecutor::builder`].
pub struct ThreadPoolExecutor {
    // Shared with the workers; closed by `shutdown`.
    queue: Arc<WorkQueue>,
    /// Set by `shutdown(cancel_futures=true)`: workers cancel what they
    /// take off the queue instead of running it.
    cancel_pending: Arc<AtomicBool>,
    // The threads started so far; taken (and joined) by the first
    // `shutdown(wait=true)`. `submit` holds the lock while it queues a task
    // and starts a thread for it, so `shutdown` never takes the list
    // between the two and misses a thread.
    workers: Mutex<Vec<JoinHandle<()>>>,
    max_workers: usize,
    /// Names the threads `{prefix}_{n}`.
    prefix: String,
    stack_size: Option<usize>,
}

/// Numbers the pools without a `thread_name_prefix`, as CPython's
/// `ThreadPoolExecutor-N` names do.
static POOLS: AtomicUsize = AtomicUsize::new(0);

/// Options of a [`ThreadPoolExecutor`]: CPython's keyword arguments.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    max_workers: Option<usize>,
    thread_name_prefix: Option<String>,
    stack_size: Option<usize>,
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

    /// Each worker's stack size in bytes (std's default is 2 MiB; see
    /// `std::thread::Builder::stack_size`). Small stacks let a pool of
    /// many threads, each blocked on the network, use less memory.
    pub fn stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
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
            cancel_pending: Arc::new(AtomicBool::new(false)),
            workers: Mutex::new(Vec::new()),
            max_workers,
            prefix,
            stack_size: self.stack_size,
        })
    }
}

/// `ThreadPoolExecutor`'s default `max_workers`: `min(32, os.cpu_count() +
/// 4)`. Threads that mostly wait for I/O can outnumber the cores.
pub fn default_max_workers() -> usize {
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    (cpus + 4).min(32)
}

/// The loop of one worker thread: take the next item, run it (or cancel
/// it, after `shutdown(cancel_futures=true)`); stop when the queue is
/// closed and empty.
fn work(queue: &WorkQueue, cancel_pending: &AtomicBool) {
    // A new thread is not idle: it was started for an item already queued.
    let mut idle = false;
    // `None`: the executor was shut down and the queue is empty.
    while let Some(item) = queue.get(idle) {
        // Relaxed: the flag carries no other data with it.
        if cancel_pending.load(Ordering::Relaxed) {
            queue.worker_idle();
            item.cancel();
        } else {
            item.run(&|| queue.worker_idle());
        }
        idle = true;
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
    /// The result must be `Sync` as well as `Send`, because `result()`
    /// lends it to whichever thread asks.
    pub fn submit<R, F>(&self, task: F) -> Future<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + Sync + 'static,
    {
        self.submit_outcome(move || Ok(task()))
    }

    /// Queues a task whose outcome becomes its future's outcome as it is,
    /// or fails it if the executor is shut down. What the process pool
    /// builds on: its tasks can fail in ways of their own.
    pub(crate) fn submit_outcome<R, F>(&self, task: F) -> Future<R>
    where
        F: FnOnce() -> Outcome<R> + Send + 'static,
        R: Send + Sync + 'static,
    {
        let (future, promise) = future::pair();
        let mut workers = lock(&self.workers);
        match self.queue.put(Box::new(Task { promise, task })) {
            Err(item) => item.refuse(FutureError::Shutdown),
            Ok(needs_worker)
                if needs_worker && workers.len() < self.max_workers =>
            {
                if let Err(error) = self.start_worker(&mut workers) {
                    // With no thread at all, nothing would ever run it.
                    // Otherwise it waits for one of those already there.
                    if workers.is_empty()
                        && let Some(item) = self.queue.take_back()
                    {
                        item.refuse(FutureError::NoThread(error.to_string()));
                    }
                }
            }
            Ok(_) => {}
        }
        future
    }

    /// CPython's `_adjust_thread_count`, once `submit` found no idle worker
    /// for its task: starts thread number `workers.len()`.
    fn start_worker(
        &self,
        workers: &mut Vec<JoinHandle<()>>,
    ) -> io::Result<()> {
        let mut thread = thread::Builder::new().name(format!(
            "{}_{}",
            self.prefix,
            workers.len()
        ));
        if let Some(bytes) = self.stack_size {
            thread = thread.stack_size(bytes);
        }
        let queue = Arc::clone(&self.queue);
        let cancel_pending = Arc::clone(&self.cancel_pending);
        workers.push(thread.spawn(move || work(&queue, &cancel_pending))?);
        Ok(())
    }
}

impl Executor for ThreadPoolExecutor {
    fn submit_fn<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Future<R> {
        self.submit(move || f(arg))
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        if cancel_futures {
            self.cancel_pending.store(true, Ordering::Relaxed);
        }
        // The workers take what is left on the queue, then end.
        self.queue.close();
        if wait {
            let workers = std::mem::take(&mut *lock(&self.workers));
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
        self.shutdown(true, false);
    }
}

impl std::fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadPoolExecutor")
            .field("max_workers", &self.max_workers)
            .finish_non_exhaustive()
    }
}
