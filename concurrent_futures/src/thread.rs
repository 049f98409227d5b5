//! `concurrent.futures.ThreadPoolExecutor`: `max_workers` threads taking
//! tasks from one queue, as CPython's `_work_queue`.
//!
//! `submit` puts a work item on the queue and returns its future at once;
//! it never waits for a free worker. A worker takes the next item, marks
//! the future running (unless it was cancelled meanwhile), runs the task
//! and sets the outcome. A panicking task is that task's error, as a raised
//! exception is in Python, and the worker lives on.
//!
//! One difference from CPython: its threads start lazily, one per `submit`
//! while there is no idle thread, up to `max_workers`. These all start in
//! `new`, so the pool has exactly `max_workers` threads from the first
//! task to the last, and a failure to start one is reported there, once.

use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use crate::executor::{Executor, Payload};
use crate::future::{self, Future, FutureError, Outcome, Promise};

/// One queued task with the promise of its future. A trait object, so one
/// queue holds tasks of every closure and result type.
trait WorkItem: Send {
    /// Runs the task, unless its future was cancelled, and sets the outcome.
    fn run(self: Box<Self>);
    /// Cancels the future instead of running the task.
    fn cancel(self: Box<Self>);
}

struct Task<F, R> {
    promise: Promise<R>,
    task: F,
}

impl<F: FnOnce() -> Outcome<R> + Send, R: Send + Sync> WorkItem for Task<F, R> {
    fn run(self: Box<Self>) {
        let Task { promise, task } = *self;
        if !promise.set_running_or_notify_cancel() {
            return;
        }
        // A panic is caught here, so the worker lives on to take the next
        // item, and becomes this future's error.
        let outcome = panic::catch_unwind(AssertUnwindSafe(task))
            .unwrap_or_else(|panic| {
                Err(FutureError::Panicked(panic_message(&*panic)))
            });
        promise.set(outcome);
    }

    fn cancel(self: Box<Self>) {
        self.promise.cancel();
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

type Queue = Receiver<Box<dyn WorkItem>>;

/// A pool of `max_workers` threads. Build one with [`ThreadPoolExecutor::new`]
/// or, to name its threads or size their stacks, [`ThreadPoolExecutor::builder`].
pub struct ThreadPoolExecutor {
    // The sending end of the queue; `None` after `shutdown`, so workers see
    // the queue close once it is empty. A std Mutex, held only for a send.
    queue: Mutex<Option<Sender<Box<dyn WorkItem>>>>,
    /// Set by `shutdown(cancel_futures=true)`: workers cancel what they
    /// take off the queue instead of running it.
    cancel_pending: Arc<AtomicBool>,
    // Taken (and joined) by the first `shutdown(wait=true)`.
    workers: Mutex<Vec<JoinHandle<()>>>,
    max_workers: usize,
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
    /// How many threads: CPython's default is `min(32, cpus + 4)`, "for
    /// I/O bound tasks"; so is ours.
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

    /// Starts the threads. Fails, as CPython raises `ValueError`, if
    /// `max_workers` is 0, or if the system refuses a thread.
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
        let (sender, queue) = mpsc::channel::<Box<dyn WorkItem>>();
        // An mpsc receiver has one owner; the Mutex lets the workers take
        // turns at it. A std Mutex, held while waiting for the next item,
        // never while running one.
        let queue = Arc::new(Mutex::new(queue));
        let cancel_pending = Arc::new(AtomicBool::new(false));
        let executor = ThreadPoolExecutor {
            queue: Mutex::new(Some(sender)),
            cancel_pending,
            workers: Mutex::new(Vec::with_capacity(max_workers)),
            max_workers,
        };
        for n in 0..max_workers {
            let mut thread =
                thread::Builder::new().name(format!("{prefix}_{n}"));
            if let Some(bytes) = self.stack_size {
                thread = thread.stack_size(bytes);
            }
            let queue = Arc::clone(&queue);
            let cancel_pending = Arc::clone(&executor.cancel_pending);
            // On failure, `executor` is dropped on the way out, which stops
            // and joins the threads already started.
            let worker = thread.spawn(move || work(&queue, &cancel_pending))?;
            lock(&executor.workers).push(worker);
        }
        Ok(executor)
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
fn work(queue: &Mutex<Queue>, cancel_pending: &AtomicBool) {
    loop {
        let next = lock(queue).recv();
        // The executor was shut down and the queue is empty.
        let Ok(item) = next else { return };
        // Relaxed: the flag carries no other data with it.
        if cancel_pending.load(Ordering::Relaxed) {
            item.cancel();
        } else {
            item.run();
        }
    }
}

/// Locks a mutex whose data a panic cannot leave half-changed (a queue end,
/// a list of handles), so a poisoned one is still fine to use.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ThreadPoolExecutor {
    /// `ThreadPoolExecutor(max_workers=max_workers)`: starts `max_workers`
    /// threads, named `ThreadPoolExecutor-N_0`, `_1`... Fails if
    /// `max_workers` is 0 or a thread cannot be started.
    pub fn new(max_workers: usize) -> io::Result<ThreadPoolExecutor> {
        Builder::default().max_workers(max_workers).build()
    }

    /// Every option: `ThreadPoolExecutor::builder().max_workers(30)
    /// .thread_name_prefix("flags-worker").build()`.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The number of worker threads.
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
        match &*lock(&self.queue) {
            Some(queue) => {
                // Cannot fail: the workers hold the receiving end until the
                // queue closes, which only `shutdown` does.
                let _ = queue.send(Box::new(Task { promise, task }));
            }
            None => promise.set(Err(FutureError::Shutdown)),
        }
        future
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
        // Dropping the sender closes the queue: the workers take what is
        // left on it, then end.
        lock(&self.queue).take();
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
