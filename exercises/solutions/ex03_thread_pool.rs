//! Exercise 3, solved: a minimal thread pool, the heart of
//! `ThreadPoolExecutor` (which `flags_threadpool.py` uses): a queue of
//! jobs behind a `Mutex`, a `Condvar` the idle workers sleep on, a fixed
//! number of workers, and `submit`, which returns a [`Handle`] whose
//! `result()` blocks until the job is done.
//!
//! Minimal means: no cancellation, no timeouts, and a task that panics
//! ends its worker (the workspace's `concurrent_futures` catches it).

// ANCHOR: solution
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

    // ANCHOR: submit
    /// Queues `task` for the next free worker and returns at once.
    pub fn submit<R, F>(&self, task: F) -> Handle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let slot =
            Arc::new(Slot { value: Mutex::new(None), done: Condvar::new() });
        let theirs = Arc::clone(&slot);
        let job: Job = Box::new(move || {
            let value = task();
            *lock(&theirs.value) = Some(value);
            theirs.done.notify_all();
        });
        lock(&self.shared.queue).jobs.push_back(job);
        // One job, one worker to wake.
        self.shared.ready.notify_one();
        Handle { slot }
    }
    // ANCHOR_END: submit
}

// ANCHOR: worker_loop
/// A worker's life: take the next job, or sleep until there is one; end
/// when the pool is closed and nothing is left to do.
fn worker_loop(shared: &Shared) {
    loop {
        let job = {
            let mut queue = lock(&shared.queue);
            loop {
                if let Some(job) = queue.jobs.pop_front() {
                    break job;
                }
                if queue.closed {
                    return;
                }
                // Releases the lock while asleep, so `submit` can queue.
                queue = shared
                    .ready
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        // Outside the lock: the other workers take jobs meanwhile.
        job();
    }
}
// ANCHOR_END: worker_loop

impl<R> Handle<R> {
    // ANCHOR: result
    /// Waits until the task has run, and returns its value.
    pub fn result(self) -> R {
        let mut value = lock(&self.slot.value);
        loop {
            if let Some(value) = value.take() {
                return value;
            }
            value = self
                .slot
                .done
                .wait(value)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
    // ANCHOR_END: result
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
// ANCHOR_END: solution
