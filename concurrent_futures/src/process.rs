//! `concurrent.futures.ProcessPoolExecutor`: the tasks run in worker
//! processes, which is what `proc_pool.py` and the chapter's
//! `download_many_process_pool` use.
//!
//! The worker processes are procspawn's `Pool`, rather than hand-written
//! IPC, because it already does what the chapter needs, in fewer lines
//! than our own would:
//! - the workers are real processes (this same executable, started again),
//!   started once and reused for every task;
//! - a task is sent as the function's address within the executable plus
//!   its serialized argument, so any plain function can be a task without a
//!   registry of task names.
//!
//! The futures, the queue, cancelling and shutdown are the thread pool's:
//! this executor is a [`ThreadPoolExecutor`] of `max_workers` threads,
//! each of which hands one task at a time to a worker process and waits for
//! its answer, as CPython's manager thread feeds its call queue. So at most
//! `max_workers` tasks are in the processes at once and every other one is
//! still pending, and cancellable.
//!
//! A worker process that dies (killed, aborted, or panicking: a panic ends
//! a pooled worker) breaks the pool, as in CPython: its task's future and
//! every task still pending, or submitted later, fail with
//! [`FutureError::BrokenProcessPool`]. Tasks already running in the other
//! processes finish normally. Nothing waits forever.
//!
//! What procspawn does not do, this module adds: on Linux the workers are
//! killed when the parent dies, however it dies (see `ProcessPoolExecutor::new`).
//! The price is one line at the top of every `main` that uses the pool,
//! [`init`].
//!
//! Arguments and results travel in ipc-channel's compact binary format,
//! which handles plain data (numbers, strings, structs, enums) but not
//! formats that must describe themselves, such as `#[serde(untagged)]`
//! enums or `serde_json::Value`.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::executor::{Executor, Payload};
use crate::future::{Future, FutureError};
use crate::thread::ThreadPoolExecutor;

/// Must be the first statement of `main` in any program that uses a
/// `ProcessPoolExecutor`. A worker is this same executable started again;
/// in the worker, `init` never returns (it runs tasks until the pool
/// closes), so nothing of the real `main` runs twice. Python's
/// `multiprocessing` does the same behind the scenes (hence its
/// `if __name__ == '__main__':`).
pub fn init() {
    procspawn::init();
}

/// A fixed number of worker processes, reused for every task. Dropping it
/// waits for the queued tasks, then ends the workers, as leaving `with
/// ProcessPoolExecutor() as executor:` does.
pub struct ProcessPoolExecutor {
    // Declared before `processes`, so it is dropped (and its threads,
    // which use the processes, joined) first.
    feeders: ThreadPoolExecutor,
    processes: Arc<procspawn::Pool>,
    /// Set when a worker process died: every later task fails at once.
    broken: Arc<AtomicBool>,
}

impl ProcessPoolExecutor {
    /// `ProcessPoolExecutor(max_workers)`: starts `max_workers` worker
    /// processes and waits until each is ready. Fails if `max_workers` is
    /// 0, as CPython raises `ValueError`, or if a process cannot start.
    ///
    /// Call it on a thread that lives as long as the pool (normally the
    /// main thread): Linux's parent-death signal fires when the *thread*
    /// that started a worker ends.
    pub fn new(max_workers: usize) -> io::Result<ProcessPoolExecutor> {
        if max_workers == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "max_workers must be greater than 0",
            ));
        }
        let mut builder = procspawn::Pool::builder(max_workers);
        // Only Linux has a parent-death signal; on macOS and Windows a
        // worker whose parent is killed outright finishes its task first,
        // then finds its channel closed and exits.
        #[cfg(target_os = "linux")]
        {
            let parent = std::process::id();
            // SAFETY: the closure runs in the forked child before `exec`, so
            // it may only make async-signal-safe calls; `prctl` and
            // `getppid` are plain system calls, and it allocates nothing.
            unsafe {
                builder.pre_exec(move || die_with_parent(parent));
            }
        }
        let processes = builder.build().map_err(io::Error::other)?;
        let feeders = ThreadPoolExecutor::builder()
            .max_workers(max_workers)
            .thread_name_prefix("ProcessPoolExecutor")
            .build()?;
        Ok(ProcessPoolExecutor {
            feeders,
            processes: Arc::new(processes),
            broken: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The number of worker processes.
    pub fn max_workers(&self) -> usize {
        self.feeders.max_workers()
    }

    /// `executor.submit(fn, arg)`: queues `f(arg)` for the next free worker
    /// process and returns its future at once.
    pub fn submit<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Future<R> {
        let processes = Arc::clone(&self.processes);
        let broken = Arc::clone(&self.broken);
        // The feeder thread that takes this task runs it in a process and
        // waits for the answer: the task's value, or why the pool failed.
        self.feeders.submit_outcome(move || {
            if broken.load(Ordering::SeqCst) {
                return Err(broken_pool("an earlier task's worker died"));
            }
            processes.spawn(arg, f).join().map_err(|error| {
                broken.store(true, Ordering::SeqCst);
                broken_pool(&describe(&error))
            })
        })
    }
}

fn broken_pool(why: &str) -> FutureError {
    FutureError::BrokenProcessPool(why.to_owned())
}

fn describe(error: &procspawn::SpawnError) -> String {
    if let Some(panic) = error.panic_info() {
        // When procspawn manages to pass a panic's message on before the
        // worker is gone, we show it.
        format!("the worker process panicked: {}", panic.message())
    } else if error.is_remote_close() {
        // The worker's end of the channel closed before it answered: it was
        // killed, or its task panicked and the message was lost with it.
        "the worker process died".to_owned()
    } else {
        format!("the worker process failed: {error}")
    }
}

/// Asks the kernel to SIGKILL this (child) process when its parent dies,
/// even by SIGKILL, which no handler in the parent could catch. A worker
/// busy in a long task would otherwise keep computing until the task ends.
#[cfg(target_os = "linux")]
fn die_with_parent(parent: u32) -> io::Result<()> {
    // SAFETY: both are system calls with no memory arguments.
    unsafe {
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
            return Err(io::Error::last_os_error());
        }
        // If the parent died between `fork` and `prctl`, the signal will
        // never come: we were already adopted by another process. Leave
        // quietly; there is nobody to report an error to.
        if libc::getppid() as u32 != parent {
            libc::_exit(0);
        }
    }
    Ok(())
}

impl Executor for ProcessPoolExecutor {
    fn submit_fn<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Future<R> {
        self.submit(f, arg)
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.feeders.shutdown(wait, cancel_futures);
    }
}

impl Drop for ProcessPoolExecutor {
    /// `shutdown(wait=True)`, then the worker processes end (procspawn
    /// kills them when its pool is dropped, right after this).
    fn drop(&mut self) {
        self.feeders.shutdown(true, false);
    }
}

impl std::fmt::Debug for ProcessPoolExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessPoolExecutor")
            .field("max_workers", &self.max_workers())
            .finish_non_exhaustive()
    }
}
