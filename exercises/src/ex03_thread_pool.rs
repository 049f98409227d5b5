//! Exercise 3: a minimal thread pool, the heart of `ThreadPoolExecutor`
//! (which `flags_threadpool.py` uses): a queue of jobs behind a `Mutex`,
//! a `Condvar` the idle workers sleep on, a fixed number of workers, and
//! `submit`, which returns a [`Handle`] whose `result()` blocks until the
//! job is done.
//!
//! The types, `new` and `drop` are written. Write [`ThreadPool::submit`],
//! [`worker_loop`] and [`Handle::result`]. The tests check that:
//! - `result()` is what the task returned, and waits for a task still
//!   running;
//! - a pool of 4 runs 4 tasks at once, on its 4 threads, never more;
//! - dropping the pool still runs every queued task.
//!
//! Run `cargo xtask exercise 3` to check your answer.
//!
//! Useful: `Condvar::wait` (it releases the lock while asleep, and may
//! wake for nothing: wait in a loop), `notify_one` and `notify_all`, and
//! `VecDeque::pop_front`. Run a job after releasing the lock.
//!
//! Minimal means: no cancellation, no timeouts, and a task that panics
//! ends its worker (the workspace's `concurrent_futures` catches it).

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

/// A job, as the queue holds it: any task, its result already wired to
/// its handle, so the queue needs no type for results.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// What the pool and its workers share.
struct Shared {
    queue: Mutex<Queue>,
    /// Signalled when a job is queued or the pool closes.
    ready: Condvar,
}

struct Queue {
    jobs: VecDeque<Job>,
    /// Set when the pool is dropped: workers end once the queue is empty.
    closed: bool,
}

/// A pool of a fixed number of worker threads.
pub struct ThreadPool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

/// The future of one submitted task: `result()` waits for its value.
pub struct Handle<R> {
    slot: Arc<Slot<R>>,
}

/// Where a job leaves its value, and the `Condvar` that says it did.
struct Slot<R> {
    value: Mutex<Option<R>>,
    done: Condvar,
}

/// Locks, going on if another thread panicked while holding the lock:
/// nothing here is left half-updated by a panic.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ThreadPool {
    /// Starts `workers` threads (at least one), each running
    /// [`worker_loop`].
    pub fn new(workers: usize) -> ThreadPool {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue { jobs: VecDeque::new(), closed: false }),
            ready: Condvar::new(),
        });
        let workers = (0..workers.max(1))
            .map(|_| {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || worker_loop(&shared))
            })
            .collect();
        ThreadPool { shared, workers }
    }

    /// Queues `task` for the next free worker and returns at once.
    pub fn submit<R, F>(&self, task: F) -> Handle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        todo!("queue a Job that fills the slot, then wake a worker")
    }
}

/// A worker's life: take the next job, or sleep until there is one; end
/// when the pool is closed and nothing is left to do.
fn worker_loop(shared: &Shared) {
    todo!("take jobs until the pool is closed and the queue is empty")
}

impl<R> Handle<R> {
    /// Waits until the task has run, and returns its value.
    pub fn result(self) -> R {
        todo!("wait on the Condvar until the value is there, and take it")
    }
}

impl Drop for ThreadPool {
    /// The end of the book's `with` block: no more jobs, the queued ones
    /// still run, and the workers end.
    fn drop(&mut self) {
        lock(&self.shared.queue).closed = true;
        self.shared.ready.notify_all();
        for worker in self.workers.drain(..) {
            // A worker ends by panicking only if one of its tasks did.
            let _ = worker.join();
        }
    }
}
