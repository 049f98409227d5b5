//! A pool of worker processes, the counterpart of
//! `concurrent.futures.ProcessPoolExecutor`: what `proc_pool.py` runs `check`
//! on here, and what the chapter's `download_many_process_pool` runs
//! `download_one` on in the `flags_processpool` example. So nothing here
//! knows about primes: a job is any `fn(A) -> R` whose `A` and `R` are
//! serializable.
//!
//! Built on procspawn's `Pool` rather than hand-written IPC, because it
//! already does what the chapter needs, in fewer lines than our own would:
//! - the workers are real processes (this same executable, started again),
//!   started once and reused for every job;
//! - a job is sent as the function's address within the executable plus
//!   its serialized argument, so any plain function can be a job without a
//!   registry of job names;
//! - a worker that dies mid-job turns into an error for that job only, and
//!   procspawn starts a fresh worker in its place, so the pool keeps its
//!   size and nothing waits forever.
//!
//! What procspawn does not do, this module adds: on Linux the workers are
//! killed when the parent dies, however it dies (see `ProcessPool::new`).
//! The price is one line at the top of every `main` that uses the pool,
//! [`init`], and the trust that procspawn's (unsafe) function-address
//! trick is right; a hand-written pool would need a registry of job names
//! instead, plus a framing protocol, a reader thread per worker and restart
//! logic of its own: more code for a reader to check, not less.
//!
//! Arguments and results travel in ipc-channel's compact binary format
//! (postcard), which handles plain data (numbers, strings, structs, enums)
//! but not formats that must describe themselves, such as
//! `#[serde(untagged)]` enums or `serde_json::Value`.

use std::io;
use std::thread;

use crate::executor::{Executor, JobError, Payload};

/// Must be the first statement of `main` in any program that uses a
/// `ProcessPool`. A worker is this same executable started again; in the
/// worker, `init` never returns (it runs jobs until the pool closes), so
/// nothing of the real `main` runs twice.
pub fn init() {
    procspawn::init();
}

/// A fixed number of worker processes, reused for every job. Dropping the
/// pool kills its workers, as leaving `with ProcessPoolExecutor()` ends
/// them.
#[derive(Debug)]
pub struct ProcessPool {
    pool: procspawn::Pool,
    size: usize,
}

/// A submitted job: the nearest thing to a `concurrent.futures.Future`.
pub struct Task<R> {
    handle: procspawn::JoinHandle<R>,
}

impl<R: Payload> Task<R> {
    /// Waits for the result, like `future.result()`. A worker that died
    /// (or a job that panicked, which takes its worker down with it) gives
    /// an error for this job only; the pool starts a fresh worker.
    pub fn join(self) -> Result<R, JobError> {
        self.handle.join().map_err(|e| JobError::new(describe(&e)))
    }
}

fn describe(error: &procspawn::SpawnError) -> String {
    if let Some(panic) = error.panic_info() {
        // A panic unwinds out of a pooled worker's loop and ends it; when
        // procspawn manages to pass the message on before the worker is
        // gone, we show it.
        format!("the worker process died (panic: {})", panic.message())
    } else if error.is_remote_close() {
        // The worker's end of the channel closed before it answered: it was
        // killed, or a job panicked and the message was lost with it.
        "the worker process died".to_string()
    } else {
        format!("the worker process failed: {error}")
    }
}

impl ProcessPool {
    /// Starts `size` worker processes and waits until each is ready.
    ///
    /// Call it on a thread that lives as long as the pool (normally the
    /// main thread): Linux's parent-death signal fires when the *thread*
    /// that started a worker ends.
    pub fn new(size: usize) -> io::Result<ProcessPool> {
        if size == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a process pool needs at least one worker",
            ));
        }
        let mut builder = procspawn::Pool::builder(size);
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
        let pool = builder.build().map_err(io::Error::other)?;
        Ok(ProcessPool { pool, size })
    }

    /// The number of worker processes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Queues `f(arg)` on the next free worker, like `executor.submit`.
    pub fn submit<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Task<R> {
        Task { handle: self.pool.spawn(arg, f) }
    }
}

/// Asks the kernel to SIGKILL this (child) process when its parent dies,
/// even by SIGKILL, which no handler in the parent could catch. A worker
/// busy in a long job would otherwise keep computing until the job ends.
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

impl Executor for ProcessPool {
    /// Queues `f(arg)` on the next free worker, and waits for its result
    /// on a small thread of its own, which hands it to `reply`.
    ///
    /// procspawn passes a result on only while someone is waiting for it
    /// (a rendezvous), and the worker that produced it takes no new job
    /// until then. Waiting on the tasks one by one, in submission order,
    /// from the caller's thread would leave a worker idle behind every
    /// slower task ahead of it in the line: `map` measured 0.61 of the
    /// sequential time on 2 cores that way, 0.50 this way.
    fn submit_with<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
        reply: impl FnOnce(Result<R, JobError>) + Send + 'static,
    ) {
        let task = self.submit(f, arg);
        thread::spawn(move || reply(task.join()));
    }
}
