//! `flags_threadpool_futures.py`, "Where are the futures?": the first five
//! flags on three threads, with `executor.submit` and `as_completed`, and
//! each future printed as it is scheduled and again as it completes.
//!
//! ```text
//! cargo run -p flags_server &
//! cargo run -p flags_threadpool --example flags_threadpool_futures
//! ```
//!
//! ```text
//! Scheduled for BR: <Future state=running>
//! Scheduled for CN: <Future state=running>
//! Scheduled for ID: <Future state=running>
//! Scheduled for IN: <Future state=pending>
//! Scheduled for US: <Future state=pending>
//! BR CN <Future state=finished returned String> result: "BR"
//! ...
//! 5 downloads in 0.01s
//! ```
//!
//! Rust's standard library has no `concurrent.futures.Future` (its
//! `std::future::Future` is asyncio's kind: something a runtime polls), so
//! this file writes the nearest honest equivalent, small enough to read:
//! an executor whose `submit` returns a handle to a state cell the worker
//! updates (pending → running → finished, with the result), and an
//! `as_completed` that yields the handles in the order they finish. What
//! differs from Python:
//! - `submit` takes a closure, the Rust way to pass a function with its
//!   arguments (`thread::spawn` does the same);
//! - Python's `submit` returns at once, and whether the first three show
//!   `running` depends on whether a new thread got to the job before the
//!   `print`: usually, not always. Here, when a worker is idle, `submit`
//!   waits until it has taken the job, so the state printed is true *and*
//!   the first three always say `running` (or `finished`, on a server
//!   faster than the print), while the last two say `pending` as long as
//!   the first downloads are still going;
//! - the handle shows no `at 0x7110b7994f10`: an address says nothing here;
//! - `result()` returns a `Result` instead of raising; `download_many`
//!   passes the first error on with `?`, as the book's uncaught exception.

use std::any::type_name;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};

use flags_sequential::flags::{download_one, main as run};

fn download_many(cc_list: &[&str]) -> anyhow::Result<usize> {
    // Only the five most populous countries, sorted, so the results
    // visibly arrive out of order.
    let mut cc_list = cc_list[..5.min(cc_list.len())].to_vec();
    cc_list.sort();
    // Three workers for five jobs, so two futures have to wait.
    let executor = ThreadPoolExecutor::new(3);
    let mut to_do = Vec::new();
    for cc in cc_list {
        let job_cc = cc.to_owned();
        let future = executor.submit(move || download_one(job_cc));
        println!("Scheduled for {cc}: {future}");
        to_do.push(future);
    }
    let mut count = 0;
    for future in as_completed(&to_do) {
        let res = future.result().map_err(anyhow::Error::msg)?;
        println!("{future} result: {res:?}");
        count += 1;
    }
    Ok(count)
}

fn main() -> ExitCode {
    run(download_many)
}

/// Where a job is, as `concurrent.futures` names the states.
enum State<R> {
    /// Queued; no worker has taken it yet.
    Pending,
    /// A worker is running it.
    Running,
    /// Done, with what the job returned (or the message it failed with).
    Finished(Result<R, String>),
}

/// What the executor and its futures share: the state of every job, in
/// submission order, the order they finished in, and how many workers are
/// free. One lock for all of it, because `as_completed` and `submit` wait
/// for a change in *any* job, and a `Condvar` waits on one lock.
struct Board<R> {
    states: Vec<State<R>>,
    finished: Vec<usize>,
    idle_workers: usize,
}

struct Shared<R> {
    // A std Mutex: it is held for a few assignments, never while a job runs.
    board: Mutex<Board<R>>,
    /// Notified after every change of state.
    changed: Condvar,
}

impl<R> Shared<R> {
    fn lock(&self) -> MutexGuard<'_, Board<R>> {
        // A panic while holding the lock cannot leave the board half
        // written (each change is one assignment), so it is still usable.
        self.board.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(
        &self,
        board: MutexGuard<'a, Board<R>>,
    ) -> MutexGuard<'a, Board<R>> {
        self.changed.wait(board).unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets the state of job `index` and wakes whoever waits for a change.
    fn set(&self, index: usize, state: State<R>) {
        let mut board = self.lock();
        match state {
            State::Running => board.idle_workers -= 1,
            State::Finished(_) => {
                board.finished.push(index);
                board.idle_workers += 1;
            }
            State::Pending => {}
        }
        board.states[index] = state;
        drop(board);
        self.changed.notify_all();
    }
}

/// A submitted job: its number, and the board where its state is kept.
struct Future<R> {
    shared: Arc<Shared<R>>,
    index: usize,
}

impl<R: Clone> Future<R> {
    /// `future.result()`: waits until the job is finished, then returns
    /// what it returned (a clone, so it can be asked again, as in Python).
    fn result(&self) -> Result<R, String> {
        let mut board = self.shared.lock();
        loop {
            if let State::Finished(result) = &board.states[self.index] {
                return result.clone();
            }
            board = self.shared.wait(board);
        }
    }
}

impl<R> fmt::Display for Future<R> {
    /// `repr(future)`: the state now, and for a finished job the type it
    /// returned (`String`, not `alloc::string::String`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let board = self.shared.lock();
        match &board.states[self.index] {
            State::Pending => write!(f, "<Future state=pending>"),
            State::Running => write!(f, "<Future state=running>"),
            State::Finished(Ok(_)) => {
                let name = type_name::<R>().rsplit("::").next().unwrap_or("?");
                write!(f, "<Future state=finished returned {name}>")
            }
            State::Finished(Err(_)) => {
                write!(f, "<Future state=finished raised an error>")
            }
        }
    }
}

/// `futures.as_completed(fs)`: the futures in the order their jobs finish,
/// waiting when none is new. All of `fs` must come from one executor (the
/// board is per executor); Python's can mix executors.
fn as_completed<R>(fs: &[Future<R>]) -> impl Iterator<Item = &Future<R>> {
    // How far into the board's `finished` list we have looked.
    let mut seen = 0;
    let mut left = fs.len();
    std::iter::from_fn(move || {
        let shared = &fs.first()?.shared;
        let mut board = shared.lock();
        while left > 0 {
            while let Some(&index) = board.finished.get(seen) {
                seen += 1;
                if let Some(future) = fs.iter().find(|f| f.index == index) {
                    left -= 1;
                    return Some(future);
                }
            }
            board = shared.wait(board);
        }
        None
    })
}

type Job<R> = Box<dyn FnOnce() -> Result<R, String> + Send>;

/// `ThreadPoolExecutor(max_workers)`: worker threads taking numbered jobs
/// from one queue and recording their state on the board.
struct ThreadPoolExecutor<R> {
    shared: Arc<Shared<R>>,
    // `Option` so `Drop` can close the queue before joining the workers.
    jobs: Option<Sender<(usize, Job<R>)>>,
    workers: Vec<JoinHandle<()>>,
}

impl<R: Send + 'static> ThreadPoolExecutor<R> {
    fn new(max_workers: usize) -> Self {
        let shared = Arc::new(Shared {
            board: Mutex::new(Board {
                states: Vec::new(),
                finished: Vec::new(),
                // A worker still starting up counts as idle: it is free.
                idle_workers: max_workers,
            }),
            changed: Condvar::new(),
        });
        let (jobs, queue) = mpsc::channel();
        // One receiver shared by all workers, as in `primes::ThreadPool`.
        let queue = Arc::new(Mutex::new(queue));
        let workers = (0..max_workers)
            .map(|_| {
                let (shared, queue) = (Arc::clone(&shared), Arc::clone(&queue));
                thread::spawn(move || work(&shared, &queue))
            })
            .collect();
        ThreadPoolExecutor { shared, jobs: Some(jobs), workers }
    }

    /// `executor.submit(fn)`: queues the job and returns its future. If a
    /// worker is free, waits until one has taken a job off the queue, so
    /// the state printed next is `running` for as many jobs as there are
    /// workers (see the module doc).
    fn submit(
        &self,
        job: impl FnOnce() -> Result<R, String> + Send + 'static,
    ) -> Future<R> {
        let mut board = self.shared.lock();
        let index = board.states.len();
        board.states.push(State::Pending);
        if let Some(jobs) = &self.jobs {
            // Fails only if every worker is gone; the job stays pending.
            jobs.send((index, Box::new(job))).ok();
        }
        // A free worker is blocked on the queue and takes a job at once;
        // if it takes an older one, the loop looks again.
        while matches!(board.states[index], State::Pending)
            && board.idle_workers > 0
        {
            board = self.shared.wait(board);
        }
        Future { shared: Arc::clone(&self.shared), index }
    }
}

/// One worker: take a job, mark it running, run it, store the result.
fn work<R>(shared: &Shared<R>, queue: &Mutex<Receiver<(usize, Job<R>)>>) {
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        // The executor was dropped: no more jobs will come.
        let Ok((index, job)) = next else { return };
        shared.set(index, State::Running);
        // A panicking job finishes with an error; the worker lives on.
        let result = panic::catch_unwind(AssertUnwindSafe(job))
            .unwrap_or_else(|_| Err("the job panicked".to_owned()));
        shared.set(index, State::Finished(result));
    }
}

impl<R> Drop for ThreadPoolExecutor<R> {
    /// Leaving `with ThreadPoolExecutor(...)`: finish the queued jobs, then
    /// stop the threads.
    fn drop(&mut self) {
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            worker.join().ok();
        }
    }
}
