//! The `Executor` interface of `concurrent.futures`, as a trait, with the two
//! executors that need no processes: a pool of threads
//! (`ThreadPoolExecutor`) and the plain loop as the baseline. The process
//! pool in `pool.rs` implements the same trait, so `proc_pool.py`'s `main`
//! (`cli.rs`) is written once for all three, just as the book switches from
//! threads to processes by changing one class name.
//!
//! Jobs are a plain `fn(A) -> R` and an argument, not a closure, because
//! that is all a process pool can send to another process: a function the
//! worker's copy of the program also has, and a serialized argument.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why one job has no result: its worker process died, or the job
/// panicked. One failed job never stops the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError(String);

impl JobError {
    pub fn new(message: impl Into<String>) -> JobError {
        JobError(message.into())
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JobError {}

/// What a job's argument and result must be to run on any executor: sent
/// to another thread (`Send + 'static`) or serialized to another process.
pub trait Payload: Serialize + DeserializeOwned + Send + 'static {}

impl<T: Serialize + DeserializeOwned + Send + 'static> Payload for T {}

/// `concurrent.futures.Executor`, reduced to the two ways the chapter
/// collects results. As in CPython, where `Executor.map` is written once in
/// the base class on top of `submit`, an executor only says how to run one
/// job (`submit_with`), and `map` and `as_completed` are written once here.
/// Both submit every job before returning, so all workers are busy while
/// the caller waits.
pub trait Executor {
    /// `executor.submit(f, arg)`: runs `f(arg)` on a worker and hands the
    /// outcome to `reply`, on whatever thread has it. Rust has no
    /// `Future` object to return here; `reply` is where a future's result
    /// would be set.
    fn submit_with<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
        reply: impl FnOnce(Result<R, JobError>) + Send + 'static,
    );

    /// `executor.map(f, args)`: results in submission order. Each is
    /// yielded as soon as it and every one before it are done, so a slow
    /// first job holds back rows that finished earlier.
    fn map<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A>,
    ) -> impl Iterator<Item = Result<R, JobError>> {
        // One reply channel per job, read in submission order: this is how
        // CPython's `Executor.map` works too (it waits on each future in
        // turn).
        let replies: Vec<Receiver<Result<R, JobError>>> = args
            .into_iter()
            .map(|arg| {
                let (reply, result) = mpsc::sync_channel(1);
                self.submit_with(f, arg, move |outcome| {
                    // The receiver is gone only if the caller stopped
                    // reading; then nobody wants this result.
                    reply.send(outcome).ok();
                });
                result
            })
            .collect();
        replies.into_iter().map(|result| {
            result.recv().unwrap_or_else(|_| Err(JobError::new("lost job")))
        })
    }

    /// `futures.as_completed`: `(index of the argument, result)` in the
    /// order the jobs finish.
    fn as_completed<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A>,
    ) -> impl Iterator<Item = (usize, Result<R, JobError>)> {
        // One channel for all jobs: whoever finishes first is read first.
        let (done, results) = mpsc::channel();
        for (index, arg) in args.into_iter().enumerate() {
            let done = done.clone();
            self.submit_with(f, arg, move |outcome| {
                done.send((index, outcome)).ok();
            });
        }
        // Ours is dropped here, so the iterator ends after the last job.
        results.into_iter()
    }
}

/// No concurrency at all: each job runs when the caller asks for its
/// result. The baseline the pools are measured against.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sequential;

impl Executor for Sequential {
    /// Runs the job at once, on the caller's thread.
    fn submit_with<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
        reply: impl FnOnce(Result<R, JobError>) + Send + 'static,
    ) {
        reply(Ok(f(arg)));
    }

    /// Lazily, unlike the pools: each job runs only when its result is
    /// asked for, so rows appear one by one as on a single core.
    fn map<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A>,
    ) -> impl Iterator<Item = Result<R, JobError>> {
        args.into_iter().map(move |arg| Ok(f(arg)))
    }

    fn as_completed<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A>,
    ) -> impl Iterator<Item = (usize, Result<R, JobError>)> {
        // One job at a time, so completion order is submission order.
        self.map(f, args).enumerate()
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// `ThreadPoolExecutor`: a fixed number of threads taking jobs from one
/// queue. Rust has no GIL, so for CPU-bound work like `is_prime` threads
/// use every core just as processes do, without starting any process or
/// serializing anything.
#[derive(Debug)]
pub struct ThreadPool {
    // `Option` so `Drop` can close the queue before joining the workers.
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `size` threads (at least one) that wait for jobs.
    pub fn new(size: usize) -> ThreadPool {
        let (jobs, queue) = mpsc::channel::<Job>();
        // One receiver shared by all workers: a std `Mutex`, held only
        // while taking a job, never while running it.
        let queue = Arc::new(Mutex::new(queue));
        let workers = (0..size.max(1))
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || take_jobs(&queue))
            })
            .collect();
        ThreadPool { jobs: Some(jobs), workers }
    }

    /// The number of worker threads.
    pub fn size(&self) -> usize {
        self.workers.len()
    }
}

impl Executor for ThreadPool {
    /// Queues `f(arg)`; the worker that takes it sends the outcome to
    /// `reply`.
    fn submit_with<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
        reply: impl FnOnce(Result<R, JobError>) + Send + 'static,
    ) {
        let job = Box::new(move || {
            // A panicking job becomes an error for that job only, and the
            // worker thread lives on to take the next one.
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(arg)))
                .map_err(|_| JobError::new("the job panicked"));
            reply(outcome);
        });
        if let Some(jobs) = &self.jobs {
            // Sending fails only if every worker is gone; the job (and its
            // reply channel) is then dropped, which its receiver reports.
            jobs.send(job).ok();
        }
    }
}

fn take_jobs(queue: &Mutex<Receiver<Job>>) {
    loop {
        // A poisoned lock only means another worker panicked while
        // holding it; the receiver inside is still fine.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match next {
            Ok(job) => job(),
            // The pool was dropped: no more jobs will come.
            Err(_) => return,
        }
    }
}

impl Drop for ThreadPool {
    /// Like leaving `with ThreadPoolExecutor()`: finish the queued jobs,
    /// then stop the threads.
    fn drop(&mut self) {
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            worker.join().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(n: u64) -> u64 {
        n * n
    }

    fn explode(n: u64) -> u64 {
        if n == 3 {
            panic!("three");
        }
        n
    }

    /// The thread pool's `map` yields results in submission order.
    #[test]
    fn thread_pool_map_keeps_submission_order() {
        let pool = ThreadPool::new(3);
        let squares: Vec<u64> =
            pool.map(square, 0..50).map(Result::unwrap).collect();
        assert_eq!(squares, (0..50).map(square).collect::<Vec<_>>());
    }

    /// The thread pool's `as_completed` yields every job once, with its
    /// index.
    #[test]
    fn thread_pool_as_completed_yields_each_job_once() {
        let pool = ThreadPool::new(3);
        let mut seen: Vec<(usize, u64)> = pool
            .as_completed(square, 0..50)
            .map(|(i, r)| (i, r.unwrap()))
            .collect();
        seen.sort();
        let expected: Vec<(usize, u64)> =
            (0..50).map(|n| (n as usize, square(n))).collect();
        assert_eq!(seen, expected);
    }

    /// A panicking job is an error for that job; the others still finish.
    #[test]
    fn thread_pool_turns_a_panic_into_an_error_for_that_job() {
        let pool = ThreadPool::new(2);
        let results: Vec<_> = pool.map(explode, 1..6).collect();
        assert!(results[2].is_err());
        let others: Vec<u64> =
            results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
        assert_eq!(others, [1, 2, 4, 5]);
    }

    /// The sequential executor yields results in order.
    #[test]
    fn sequential_map_is_in_order() {
        let squares: Vec<u64> =
            Sequential.map(square, 0..5).map(Result::unwrap).collect();
        assert_eq!(squares, [0, 1, 4, 9, 16]);
    }
}
