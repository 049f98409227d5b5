//! `concurrent.futures.ProcessPoolExecutor`: the tasks run in worker
//! processes, which is what `proc_pool.py` and the chapter's
//! `download_many_process_pool` use.
//!
//! A worker is this same executable started again by procspawn (hence
//! [`init`] at the top of `main`), with a pair of ipc-channel channels to
//! its parent: it runs one job after another until its channel closes,
//! its `max_tasks_per_child` is reached, or it is killed. A job is a
//! chunk of arguments (one for `submit`, `chunksize` for `map`), sent as
//! JSON together with the task function's place in the executable: both
//! processes are the same program, so a function's offset from a fixed
//! function of this crate names it in either.
//!
//! The futures, the queue, cancelling and shutdown are the thread pool's:
//! this executor is a [`ThreadPoolExecutor`] of `max_workers` feeder
//! threads, each of which hands one job at a time to a worker process and
//! waits for its answer, as CPython's manager thread feeds its call
//! queue. So at most `max_workers` jobs are in the processes at once and
//! every other one is still pending, and cancellable. Worker processes
//! start on demand, one per job that finds none idle, as CPython's do.
//!
//! A task that panics is caught in the worker and is that task's own
//! error, as CPython pickles an exception back; the worker lives on. A
//! worker that dies (killed, aborted) or whose initializer fails breaks the
//! pool, as in CPython: its job's futures, the other running ones and every
//! pending one fail with [`FutureError::BrokenProcessPool`], every worker
//! is ended, and `submit` refuses. Nothing waits forever.
//!
//! On Linux the workers are also killed when the parent dies, however it
//! dies (see `spawn_worker`).
//!
//! Arguments and results travel as JSON, so anything serde can describe
//! crosses; a value that cannot is that task's [`FutureError::Transport`].

use std::collections::HashMap;
use std::io;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

use crate::executor::{Executor, Map, MapOptions, Payload, ShutdownOptions};
use crate::future::{Future, FutureError, Outcome};
use crate::quiet;
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

/// `os.process_cpu_count()`: the CPUs this process may run on, the default
/// `max_workers` of a process pool.
pub fn process_cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A function of this executable, as a number both processes read alike:
/// its distance from [`init`]. Both are in the same executable image, which
/// the loader moves as a whole, so the distance is the same in the parent
/// and in a worker started from the same file.
fn place(function: *const ()) -> isize {
    function as isize - init as *const () as isize
}

/// One chunk of work for a worker: which wrapper to run (`run_chunk` for
/// the task's types), which task function it calls, and the arguments.
#[derive(Serialize, Deserialize)]
struct Job {
    wrapper: isize,
    function: isize,
    payload: Vec<u8>,
}

/// A worker's answer to a job.
#[derive(Serialize, Deserialize)]
enum Reply {
    /// The JSON of one `Result<R, String>` per argument (the `String`
    /// being a panic's message).
    Done(Vec<u8>),
    /// The arguments or the results could not be (de)serialized.
    Transport(String),
    /// The initializer panicked; the worker exits after saying so.
    InitializerFailed(String),
}

/// What a worker process is started with.
#[derive(Serialize, Deserialize)]
struct WorkerArgs {
    jobs: IpcReceiver<Job>,
    replies: IpcSender<Reply>,
    initializer: Option<Job>,
    max_tasks: Option<usize>,
}

/// The type every wrapper is called through.
type Wrapper = fn(isize, &[u8]) -> Reply;

/// The function at `place` in this executable.
///
/// # Safety
/// `place` must come from [`place`] applied, in this same executable, to
/// a function of type `F`.
unsafe fn at<F: Copy>(place: isize) -> F {
    let address = (init as *const () as isize + place) as *const ();
    // SAFETY: the caller guarantees a function of type `F` lives there,
    // and a function pointer has the size of `*const ()`.
    unsafe { std::mem::transmute_copy::<*const (), F>(&address) }
}

/// A worker process's life: the initializer, then one job after another.
fn serve(args: WorkerArgs) {
    let WorkerArgs { jobs, replies, initializer, max_tasks } = args;
    if let Some(job) = initializer
        && let Reply::InitializerFailed(why) = run(&job)
    {
        // Told with the first job, so the parent reads it where it
        // expects an answer; then this worker is gone.
        if jobs.recv().is_ok() {
            replies.send(Reply::InitializerFailed(why)).ok();
        }
        return;
    }
    let mut done = 0;
    // Ends when the parent closes its end (shutdown) or dies.
    while let Ok(job) = jobs.recv() {
        if replies.send(run(&job)).is_err() {
            return;
        }
        done += 1;
        if max_tasks.is_some_and(|max| done >= max) {
            return;
        }
    }
}

fn run(job: &Job) -> Reply {
    // SAFETY: the parent built `wrapper` with `place` from a `Wrapper` of
    // this same executable (see `ProcessPoolExecutor::job`).
    let wrapper: Wrapper = unsafe { at(job.wrapper) };
    wrapper(job.function, &job.payload)
}

/// Runs the task function at `function` on each argument of the chunk,
/// each panic caught as that argument's error.
fn run_chunk<A: Payload, R: Payload>(function: isize, payload: &[u8]) -> Reply {
    // SAFETY: the parent took `function` from an `fn(A) -> R` (see
    // `ProcessPoolExecutor::job`, which pairs it with this wrapper).
    let f: fn(A) -> R = unsafe { at(function) };
    let args: Vec<A> = match serde_json::from_slice(payload) {
        Ok(args) => args,
        Err(error) => return Reply::Transport(error.to_string()),
    };
    let results: Vec<Result<R, String>> = args
        .into_iter()
        .map(|arg| quiet::catch_unwind(AssertUnwindSafe(|| f(arg))))
        .collect();
    match serde_json::to_vec(&results) {
        Ok(bytes) => Reply::Done(bytes),
        Err(error) => Reply::Transport(error.to_string()),
    }
}

/// Runs the initializer at `function` on its arguments.
fn run_initializer<I: Payload>(function: isize, payload: &[u8]) -> Reply {
    // SAFETY: the parent took `function` from an `fn(I)` (see
    // `Builder::initializer`).
    let f: fn(I) = unsafe { at(function) };
    let failed = match serde_json::from_slice::<I>(payload) {
        Ok(arg) => quiet::catch_unwind(AssertUnwindSafe(|| f(arg))).err(),
        Err(error) => Some(error.to_string()),
    };
    match failed {
        Some(why) => Reply::InitializerFailed(why),
        None => Reply::Done(Vec::new()),
    }
}

/// A worker process, seen from the parent.
struct Worker {
    id: usize,
    jobs: IpcSender<Job>,
    replies: IpcReceiver<Reply>,
    done: usize,
}

/// What the feeder threads share.
struct Shared {
    idle: Mutex<Vec<Worker>>,
    /// Every live worker's handle, to kill or join it.
    handles: Mutex<HashMap<usize, procspawn::JoinHandle<()>>>,
    /// Set when the pool broke: why.
    broken: Mutex<Option<String>>,
    /// Set by `terminate_workers` and `kill_workers`: the jobs they end
    /// fail, but the pool is shut down rather than broken.
    forced: std::sync::atomic::AtomicBool,
    next_id: AtomicUsize,
    initializer: Option<(isize, isize, Vec<u8>)>,
    max_tasks: Option<usize>,
    spawner: Spawner,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Each change under these locks is one push, pop or assignment.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn broken(&self) -> Option<FutureError> {
        lock(&self.broken).clone().map(FutureError::BrokenProcessPool)
    }

    /// CPython's `_terminate_broken`: the pool runs nothing more, and every
    /// worker is ended (which fails the jobs running in them).
    fn break_pool(&self, why: &str) -> FutureError {
        if self.forced.load(Ordering::SeqCst) {
            return FutureError::BrokenProcessPool(
                "the pool was forcefully shut down".to_owned(),
            );
        }
        lock(&self.broken).get_or_insert_with(|| why.to_owned());
        self.kill_all(false);
        self.broken().unwrap_or(FutureError::BrokenProcessPool(why.to_owned()))
    }

    /// Kills (or, with `terminate`, on Unix asks to end with SIGTERM)
    /// every live worker.
    fn kill_all(&self, terminate: bool) {
        lock(&self.idle).clear();
        for handle in lock(&self.handles).values_mut() {
            end(handle, terminate);
        }
    }

    /// Starts a worker process, with its two channels.
    fn spawn_worker(&self) -> Result<Worker, FutureError> {
        let spawn_failed = |error: io::Error| {
            FutureError::BrokenProcessPool(format!(
                "cannot start a worker: {error}"
            ))
        };
        let (jobs, jobs_rx) = ipc::channel().map_err(spawn_failed)?;
        let (replies_tx, replies) = ipc::channel().map_err(spawn_failed)?;
        let initializer =
            self.initializer.as_ref().map(|(wrapper, function, payload)| Job {
                wrapper: *wrapper,
                function: *function,
                payload: payload.clone(),
            });
        let args = WorkerArgs {
            jobs: jobs_rx,
            replies: replies_tx,
            initializer,
            max_tasks: self.max_tasks,
        };
        let handle = self.spawner.spawn(args).map_err(spawn_failed)?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.handles).insert(id, handle);
        Ok(Worker { id, jobs, replies, done: 0 })
    }

    /// Runs one job in an idle worker (or a new one) and waits for its
    /// answer: what a feeder thread does for each task.
    fn run_job(&self, job: Job) -> Result<Vec<u8>, FutureError> {
        if let Some(broken) = self.broken() {
            return Err(broken);
        }
        let popped = lock(&self.idle).pop();
        let mut worker = match popped {
            Some(worker) => worker,
            None => self.spawn_worker()?,
        };
        if worker.jobs.send(job).is_err() {
            return Err(self.break_pool("a worker process died"));
        }
        let reply = match worker.replies.recv() {
            Ok(reply) => reply,
            Err(_) => {
                return Err(
                    self.break_pool("a worker process was terminated abruptly")
                );
            }
        };
        worker.done += 1;
        if self.max_tasks.is_some_and(|max| worker.done >= max) {
            // `max_tasks_per_child`: it exits by itself after this answer;
            // the next job that finds none idle starts another.
            self.retire(worker);
        } else if self.broken().is_none() {
            lock(&self.idle).push(worker);
        }
        match reply {
            Reply::Done(bytes) => Ok(bytes),
            Reply::Transport(why) => Err(FutureError::Transport(why)),
            Reply::InitializerFailed(why) => Err(self.break_pool(&format!(
                "a worker's initializer panicked: {why}"
            ))),
        }
    }

    /// Waits for a worker that is ending by itself.
    fn retire(&self, worker: Worker) {
        let handle = lock(&self.handles).remove(&worker.id);
        drop(worker);
        if let Some(handle) = handle {
            // It has answered its last job and is exiting.
            let _ = handle.join();
        }
    }

    /// Closes every idle worker's channel, so each exits, and waits.
    fn join_all(&self) {
        lock(&self.idle).clear();
        let handles: Vec<_> = lock(&self.handles).drain().collect();
        for (_, handle) in handles {
            let _ = handle.join();
        }
    }
}

/// The one thread that starts the pool's worker processes, for as long as
/// the pool lives. On Linux a worker is told to die with its parent (a
/// worker busy in a long task would otherwise keep computing after the
/// parent is killed), and to the kernel that parent is the *thread* that
/// started it, not the process. Were the feeder threads to start workers,
/// a feeder that ends at shutdown would take with it a worker that
/// another feeder is still waiting on.
struct Spawner {
    requests: mpsc::Sender<SpawnRequest>,
}

/// A worker's arguments, and where to send back its handle.
type SpawnRequest = (WorkerArgs, mpsc::Sender<procspawn::JoinHandle<()>>);

impl Spawner {
    fn start() -> io::Result<Spawner> {
        let (requests, incoming) = mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("ProcessPoolExecutor-spawner".to_owned())
            .spawn(move || {
                // Ends when the pool's last reference goes.
                for (args, reply) in incoming {
                    // A fresh builder each time: `spawn` empties the one it
                    // is given, the parent-death hook with the rest.
                    let mut builder = procspawn::Builder::new();
                    #[cfg(target_os = "linux")]
                    {
                        let parent = std::process::id();
                        // SAFETY: the closure runs in the forked child
                        // before `exec`, so it may only make
                        // async-signal-safe calls; `prctl` and `getppid` are
                        // plain system calls, and it allocates nothing.
                        unsafe {
                            builder.pre_exec(move || die_with_parent(parent));
                        }
                    }
                    reply.send(builder.spawn(args, serve)).ok();
                }
            })?;
        Ok(Spawner { requests })
    }

    fn spawn(&self, args: WorkerArgs) -> io::Result<procspawn::JoinHandle<()>> {
        let gone = || io::Error::other("the spawner thread is gone");
        let (reply, handle) = mpsc::channel();
        self.requests.send((args, reply)).map_err(|_| gone())?;
        handle.recv().map_err(|_| gone())
    }
}

/// Ends one worker process.
fn end(handle: &mut procspawn::JoinHandle<()>, terminate: bool) {
    #[cfg(unix)]
    if terminate && let Some(pid) = handle.pid() {
        // SAFETY: a system call with no memory arguments; the pid is our
        // own child's, not yet reaped (we still hold its handle).
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGTERM);
        }
        return;
    }
    // Windows has no SIGTERM: terminating is killing there.
    let _ = terminate;
    let _ = handle.kill();
}

// ANCHOR: die_with_parent
/// Asks the kernel to SIGKILL this (child) process when its parent dies,
/// even by SIGKILL, which no handler in the parent could catch.
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
// ANCHOR_END: die_with_parent

/// Options of a [`ProcessPoolExecutor`]: CPython's keyword arguments.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    max_workers: Option<usize>,
    initializer: Option<(isize, isize, Vec<u8>)>,
    initializer_error: Option<String>,
    max_tasks_per_child: Option<usize>,
}

impl Builder {
    /// How many worker processes at most; by default
    /// [`process_cpu_count`], as CPython's.
    pub fn max_workers(mut self, max_workers: usize) -> Builder {
        self.max_workers = Some(max_workers);
        self
    }

    /// `initializer=f, initargs=(arg,)`: each worker process runs `f(arg)`
    /// before its first task. If it panics, the pool is broken.
    pub fn initializer<I: Payload>(mut self, f: fn(I), arg: I) -> Builder {
        match serde_json::to_vec(&arg) {
            Ok(payload) => {
                let wrapper = run_initializer::<I> as Wrapper;
                self.initializer = Some((
                    place(wrapper as *const ()),
                    place(f as *const ()),
                    payload,
                ));
            }
            Err(error) => self.initializer_error = Some(error.to_string()),
        }
        self
    }

    /// `max_tasks_per_child=n`: a worker process exits after `n` tasks (a
    /// chunk of `map` counts as one, as in CPython) and a fresh one takes
    /// its place.
    pub fn max_tasks_per_child(mut self, max_tasks: usize) -> Builder {
        self.max_tasks_per_child = Some(max_tasks);
        self
    }

    /// The pool, with no process yet: they start as tasks arrive. Fails, as
    /// CPython raises `ValueError`, if `max_workers` or
    /// `max_tasks_per_child` is 0, or the initializer's argument cannot be
    /// serialized.
    pub fn build(self) -> io::Result<ProcessPoolExecutor> {
        let invalid = |message: String| {
            io::Error::new(io::ErrorKind::InvalidInput, message)
        };
        let max_workers = self.max_workers.unwrap_or_else(process_cpu_count);
        if max_workers == 0 {
            return Err(invalid(
                "max_workers must be greater than 0".to_owned(),
            ));
        }
        if self.max_tasks_per_child == Some(0) {
            return Err(invalid("max_tasks_per_child must be >= 1".to_owned()));
        }
        if let Some(error) = self.initializer_error {
            return Err(invalid(format!(
                "the initializer's argument: {error}"
            )));
        }
        let feeders = ThreadPoolExecutor::builder()
            .max_workers(max_workers)
            .thread_name_prefix("ProcessPoolExecutor")
            .build()?;
        Ok(ProcessPoolExecutor {
            feeders,
            shared: Arc::new(Shared {
                idle: Mutex::new(Vec::new()),
                handles: Mutex::new(HashMap::new()),
                broken: Mutex::new(None),
                forced: std::sync::atomic::AtomicBool::new(false),
                next_id: AtomicUsize::new(0),
                initializer: self.initializer,
                max_tasks: self.max_tasks_per_child,
                spawner: Spawner::start()?,
            }),
        })
    }
}

/// A pool of worker processes, reused for every task. Dropping it waits
/// for the queued tasks, then ends the workers, as leaving `with
/// ProcessPoolExecutor() as executor:` does.
pub struct ProcessPoolExecutor {
    feeders: ThreadPoolExecutor,
    shared: Arc<Shared>,
}

impl ProcessPoolExecutor {
    /// `ProcessPoolExecutor(max_workers)`. Fails if `max_workers` is 0, as
    /// CPython raises `ValueError`.
    pub fn new(max_workers: usize) -> io::Result<ProcessPoolExecutor> {
        Builder::default().max_workers(max_workers).build()
    }

    /// Every option; `ProcessPoolExecutor::builder().build()` is the
    /// book's `ProcessPoolExecutor()`, one process per CPU.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The most worker processes the pool starts.
    pub fn max_workers(&self) -> usize {
        self.feeders.max_workers()
    }

    /// The process ids of the live workers (CPython's `_processes` keys).
    pub fn worker_pids(&self) -> Vec<u32> {
        lock(&self.shared.handles)
            .values()
            .filter_map(procspawn::JoinHandle::pid)
            .collect()
    }

    /// `executor.submit(fn, arg)`: queues `f(arg)` for the next free worker
    /// process and returns its future at once; refuses after shutdown and
    /// on a broken pool.
    pub fn submit<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Result<Future<R>, FutureError> {
        self.refuse_if_broken()?;
        let shared = Arc::clone(&self.shared);
        self.feeders.submit_outcome(move || {
            let mut outcomes = run_tasks(&shared, f, &[arg])?;
            outcomes.pop().unwrap_or(Err(FutureError::Lost))
        })
    }

    /// CPython 3.14's `terminate_workers()`: shuts down without waiting,
    /// cancelling the pending tasks, and ends every worker process with
    /// SIGTERM (killing it, on Windows). The tasks they were running fail
    /// with `BrokenProcessPool`.
    pub fn terminate_workers(&self) {
        self.force_shutdown(true);
    }

    /// CPython 3.14's `kill_workers()`: as `terminate_workers`, with
    /// SIGKILL.
    pub fn kill_workers(&self) {
        self.force_shutdown(false);
    }

    fn force_shutdown(&self, terminate: bool) {
        self.feeders.shutdown(
            ShutdownOptions::default().wait(false).cancel_futures(true),
        );
        self.shared.forced.store(true, Ordering::SeqCst);
        self.shared.kill_all(terminate);
    }

    fn refuse_if_broken(&self) -> Result<(), FutureError> {
        match self.shared.broken() {
            Some(broken) => Err(broken),
            None => Ok(()),
        }
    }
}

/// Runs `f` on each of `args` in a worker process: one job, one round
/// trip. The outer error is the job's (a broken pool, the transport), the
/// inner ones each task's.
fn run_tasks<A: Payload, R: Payload>(
    shared: &Shared,
    f: fn(A) -> R,
    args: &[A],
) -> Result<Vec<Outcome<R>>, FutureError> {
    let payload = serde_json::to_vec(args)
        .map_err(|error| FutureError::Transport(error.to_string()))?;
    let wrapper = run_chunk::<A, R> as Wrapper;
    let job = Job {
        wrapper: place(wrapper as *const ()),
        function: place(f as *const ()),
        payload,
    };
    let bytes = shared.run_job(job)?;
    let results: Vec<Result<R, String>> = serde_json::from_slice(&bytes)
        .map_err(|error| FutureError::Transport(error.to_string()))?;
    Ok(results
        .into_iter()
        .map(|result| result.map_err(FutureError::Panicked))
        .collect())
}

impl Executor for ProcessPoolExecutor {
    fn submit_fn<A: Payload, R: Payload>(
        &self,
        f: fn(A) -> R,
        arg: A,
    ) -> Result<Future<R>, FutureError> {
        self.submit(f, arg)
    }

    /// With `chunksize`, the arguments go to the workers in chunks of that
    /// many, one future (and one round trip) per chunk, as CPython's
    /// `_process_chunk`; the results still come one by one, in order.
    fn map_with<'a, A: Payload, R: Payload>(
        &'a self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A, IntoIter: 'a>,
        options: MapOptions,
    ) -> impl Iterator<Item = Outcome<R>> + 'a {
        let chunksize = options.chunksize.unwrap_or(1).max(1);
        let mut args = args.into_iter();
        let chunks = std::iter::from_fn(move || {
            let chunk: Vec<A> = args.by_ref().take(chunksize).collect();
            (!chunk.is_empty()).then_some(chunk)
        });
        let submissions = chunks.map(move |chunk| {
            self.refuse_if_broken()?;
            let shared = Arc::clone(&self.shared);
            let len = chunk.len();
            // A chunk whose job failed fails each of its tasks.
            self.feeders.submit_outcome(move || {
                Ok(run_tasks(&shared, f, &chunk).unwrap_or_else(|error| {
                    (0..len).map(|_| Err(error.clone())).collect()
                }))
            })
        });
        Map::new(submissions, options).flat_map(|chunk| match chunk {
            Ok(outcomes) => outcomes,
            // Cancelled, timed out or refused as a whole.
            Err(error) => vec![Err(error)],
        })
    }

    /// Also ends the worker processes once the tasks are done, when it
    /// waits.
    fn shutdown(&self, options: ShutdownOptions) {
        self.feeders.shutdown(options);
        if options.waits() {
            self.shared.join_all();
        }
    }
}

impl Drop for ProcessPoolExecutor {
    /// `shutdown(wait=True)`: the queued tasks run, then the worker
    /// processes end.
    fn drop(&mut self) {
        self.shutdown(ShutdownOptions::default());
    }
}

impl std::fmt::Debug for ProcessPoolExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessPoolExecutor")
            .field("max_workers", &self.max_workers())
            .finish_non_exhaustive()
    }
}
