//! `concurrent.futures.ProcessPoolExecutor`: the tasks run in worker
//! processes, which is what `proc_pool.py` and the chapter's
//! `download_many_process_pool` use.
//!
//! A worker is this same executable started again by procspawn (hence
//! [`init`] at the top of `main`), with a pair of ipc-channel channels to
//! its parent: it runs one job after another until its channel closes,
//! its `max_tasks_per_child` is reached, or it is killed. A job is a
//! chunk of arguments (one for `submit`, `chunksize` for `map`), each
//! sent as JSON, together with the task function's place (see below).
//!
//! # How a worker finds the task function
//!
//! A `fn` cannot be sent to another process, only a number that names it.
//! The pool sends a function as its [`Place`]: the loaded image that holds
//! it (the executable, or a shared library: a `dylib`, a
//! `-C prefer-dynamic` build's `libstd`, a plugin opened with `dlopen`),
//! that image's build id and size, and the function's address *within*
//! the image. The worker looks for an image of that name among its own,
//! checks the id and size, and adds its own load address; it refuses the
//! job (the tasks fail with [`FutureError::Transport`]) if the image is
//! not loaded there, is another build, or the address is not in its code.
//! This is how procspawn resolves its own function pointers, plus the
//! check. A distance from a function of this crate, which is all a single
//! executable needs, would name the wrong code (safe code jumping to an
//! arbitrary address) as soon as the task lives in another image, which
//! the loader places independently in each process.
//!
//! `tests/shared_library.rs` checks this with a task function compiled
//! into a shared library of its own (a `cdylib`, built by the test with
//! `rustc` and opened with `dlopen` in the parent and, through the pool's
//! initializer, in the workers), so parent and worker have the library at
//! unrelated addresses. A Rust `dylib` crate cannot be linked into this
//! workspace's test binaries without building all of them
//! `-C prefer-dynamic`, so the test takes the plugin case, the one where a
//! library can be missing from a worker; there it checks that the task
//! fails with a clear error instead of running whatever lies at that
//! address.
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
//! error, as CPython pickles an exception back; the worker lives on. So
//! is a panic in reading the task's argument or in writing its result (a
//! `Deserialize` or `Serialize` impl that panics): that task fails with
//! [`FutureError::Transport`], the others of its chunk and the worker go
//! on. A
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
//!
//! A forced shutdown (`kill_workers`, `terminate_workers`) ends every
//! worker, and a feeder that was already inside its job and starts a
//! worker afterwards ends that worker before it runs anything: nothing
//! runs after the call returns.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
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

/// Where a function is, in terms both processes can check: the loaded
/// image that holds it, and its address within that image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Place {
    /// The image's name as the loader lists it (empty for the executable
    /// on Linux; a library's path otherwise).
    image: std::ffi::OsString,
    /// The image's build id, if it has one (a GNU build id on Linux).
    id: Option<Vec<u8>>,
    /// The image's size in memory: a second check that it is the same
    /// build, for an image without an id.
    len: usize,
    /// The function's address as the image states it, before the loader
    /// moved the image.
    svma: usize,
}

impl Place {
    /// The place of `function`, an address in this process's code.
    fn of(function: *const ()) -> Result<Place, String> {
        use findshlibs::{
            Avma, IterationControl, Segment, SharedLibrary, TargetSharedLibrary,
        };
        let address = Avma(function as usize);
        let mut found = None;
        TargetSharedLibrary::each(|image| {
            if image.segments().any(|segment| {
                segment.is_code() && segment.contains_avma(image, address)
            }) {
                found = Some(Place {
                    image: image.name().to_owned(),
                    id: image.id().map(|id| id.as_bytes().to_vec()),
                    len: image.len(),
                    svma: image.avma_to_svma(address).0,
                });
                return IterationControl::Break;
            }
            IterationControl::Continue
        });
        found.ok_or_else(|| {
            "the function is in no image this process has loaded".to_owned()
        })
    }

    /// The address of the function at this place in this process: the
    /// same image (name, id and size alike), moved by this process's
    /// loader. Refuses if no such image is loaded here or the address is
    /// not in its code.
    fn resolve(&self) -> Result<*const (), String> {
        use findshlibs::{
            Avma, IterationControl, Segment, SharedLibrary, Svma,
            TargetSharedLibrary,
        };
        let mut found = Err(format!(
            "{} is not loaded in the worker process",
            self.image_name()
        ));
        TargetSharedLibrary::each(|image| {
            if image.name() != self.image {
                return IterationControl::Continue;
            }
            let id = image.id().map(|id| id.as_bytes().to_vec());
            found = if id != self.id || image.len() != self.len {
                Err(format!(
                    "{} in the worker process is another build",
                    self.image_name()
                ))
            } else {
                let svma = Svma(self.svma);
                let address =
                    Avma(svma.0.wrapping_add(image.virtual_memory_bias().0));
                let in_code = image.segments().any(|segment| {
                    segment.is_code() && segment.contains_avma(image, address)
                });
                if in_code {
                    Ok(address.0 as *const ())
                } else {
                    Err(format!(
                        "the function is not in the code of {}",
                        self.image_name()
                    ))
                }
            };
            IterationControl::Break
        });
        found
    }

    /// The image, for a message.
    fn image_name(&self) -> String {
        if self.image.is_empty() {
            "the executable".to_owned()
        } else {
            format!("the shared library {}", self.image.to_string_lossy())
        }
    }
}

/// One chunk of work for a worker: which wrapper to run (`run_chunk` for
/// the task's types), which task function it calls, and the arguments,
/// each serialized apart so that each can fail apart.
#[derive(Serialize, Deserialize)]
struct Job {
    wrapper: Place,
    function: Place,
    payload: Args,
}

/// The arguments of a job, each one's JSON, end to end.
#[derive(Serialize, Deserialize)]
struct Args {
    /// Each argument's length in `bytes`.
    lens: Vec<usize>,
    bytes: Bytes,
}

/// Where a job's arguments travel. A message larger than the channel's
/// buffer goes in fragments, and a sender that has written the first one
/// waits for the reader forever if the reader dies then (a worker killed
/// while a large job was on its way, as when the pool breaks): so large
/// arguments go in a shared memory region instead, and the message
/// itself stays small enough to be written at once.
#[derive(Serialize, Deserialize)]
enum Bytes {
    Inline(Vec<u8>),
    Shared(ipc::IpcSharedMemory),
}

impl Args {
    /// Arguments of at most this many bytes in all travel in the message.
    const INLINE: usize = 16 * 1024;

    fn new(args: Vec<Vec<u8>>) -> Args {
        let lens = args.iter().map(Vec::len).collect();
        let all = args.concat();
        let bytes = if all.len() <= Args::INLINE {
            Bytes::Inline(all)
        } else {
            Bytes::Shared(ipc::IpcSharedMemory::from_bytes(&all))
        };
        Args { lens, bytes }
    }

    /// Each argument's JSON; `None` if the lengths do not add up.
    fn each(&self) -> Option<Vec<&[u8]>> {
        let mut rest: &[u8] = match &self.bytes {
            Bytes::Inline(bytes) => bytes,
            Bytes::Shared(shared) => shared,
        };
        let mut each = Vec::with_capacity(self.lens.len());
        for &len in &self.lens {
            let (arg, after) = rest.split_at_checked(len)?;
            each.push(arg);
            rest = after;
        }
        Some(each)
    }
}

/// What became of one task of a job, in the worker.
#[derive(Serialize, Deserialize)]
enum Answer {
    /// The JSON of the task's result.
    Value(Vec<u8>),
    /// The task panicked, with this message.
    Panicked(String),
    /// Its argument or its result could not be (de)serialized, or doing
    /// so panicked.
    Transport(String),
}

/// A worker's answer to a job.
#[derive(Serialize, Deserialize)]
enum Reply {
    /// One answer per argument, in order.
    Done(Vec<Answer>),
    /// The job could not run at all: its functions are not in this
    /// worker (see [`Place::resolve`]), or a panic escaped the tasks.
    Refused(String),
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

/// The type every wrapper is called through: the task function's place
/// and the arguments.
type Wrapper = fn(&Place, &Args) -> Reply;

/// The function at `place`, as an `F`.
///
/// # Safety
/// `place` must come from [`Place::of`] applied, in a process running
/// this same executable, to a function of type `F`. [`Place::resolve`]
/// then finds the same function here, or refuses: it looks in the image
/// of the same name, build id and size, at the same address within it.
unsafe fn at<F: Copy>(place: &Place) -> Result<F, String> {
    let address = place.resolve()?;
    // SAFETY: by the caller's guarantee, a function of type `F` lives in
    // that image at that address, and `resolve` found that image here
    // and moved the address by where this process's loader put it; a
    // function pointer has the size of `*const ()`.
    Ok(unsafe { std::mem::transmute_copy::<*const (), F>(&address) })
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

/// Runs a job. Each task's panics are caught where they happen (see
/// `answer`); this last catch is for anything else, so that no panic ends
/// the worker: the job fails, the worker takes the next.
fn run(job: &Job) -> Reply {
    let ran = quiet::catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the parent took `wrapper` with `Place::of` from a
        // `Wrapper` of this same executable (see `run_tasks` and
        // `Builder::initializer`).
        let wrapper: Wrapper = match unsafe { at(&job.wrapper) } {
            Ok(wrapper) => wrapper,
            Err(why) => return Reply::Refused(why),
        };
        wrapper(&job.function, &job.payload)
    }));
    ran.unwrap_or_else(|panic| {
        Reply::Refused(format!("the worker panicked: {panic}"))
    })
}

/// Runs the task function at `function` on each argument of the chunk.
fn run_chunk<A: Payload, R: Payload>(
    function: &Place,
    payload: &Args,
) -> Reply {
    // SAFETY: the parent took `function` from an `fn(A) -> R` (see
    // `run_tasks`, which pairs it with this wrapper for `A` and `R`).
    let f: fn(A) -> R = match unsafe { at(function) } {
        Ok(f) => f,
        Err(why) => return Reply::Refused(why),
    };
    let Some(args) = payload.each() else {
        return Reply::Refused("the job's arguments do not add up".to_owned());
    };
    Reply::Done(args.into_iter().map(|arg| answer(f, arg)).collect())
}

/// One task, from its argument's JSON to its result's, each step's
/// failure or panic caught as this task's own: CPython's worker likewise
/// sends back the exception of a result it cannot pickle.
fn answer<A: Payload, R: Payload>(f: fn(A) -> R, arg: &[u8]) -> Answer {
    let read = quiet::catch_unwind(|| serde_json::from_slice::<A>(arg));
    let arg = match read {
        Ok(Ok(arg)) => arg,
        Ok(Err(error)) => {
            return Answer::Transport(format!("its argument: {error}"));
        }
        Err(panic) => {
            return Answer::Transport(format!(
                "reading its argument panicked: {panic}"
            ));
        }
    };
    let result = match quiet::catch_unwind(AssertUnwindSafe(|| f(arg))) {
        Ok(result) => result,
        Err(panic) => return Answer::Panicked(panic),
    };
    // The result is dropped inside the catch too: its `Drop` is the
    // task's code as much as its `Serialize` is.
    let written = quiet::catch_unwind(AssertUnwindSafe(move || {
        serde_json::to_vec(&result)
    }));
    match written {
        Ok(Ok(bytes)) => Answer::Value(bytes),
        Ok(Err(error)) => Answer::Transport(format!("its result: {error}")),
        Err(panic) => {
            Answer::Transport(format!("writing its result panicked: {panic}"))
        }
    }
}

/// Runs the initializer at `function` on its argument.
fn run_initializer<I: Payload>(function: &Place, payload: &Args) -> Reply {
    // SAFETY: the parent took `function` from an `fn(I)` (see
    // `Builder::initializer`, which pairs it with this wrapper for `I`).
    let f: fn(I) = match unsafe { at(function) } {
        Ok(f) => f,
        Err(why) => return Reply::InitializerFailed(why),
    };
    let Some(&arg) = payload.each().as_ref().and_then(|args| args.first())
    else {
        return Reply::InitializerFailed("no argument".to_owned());
    };
    let failed = quiet::catch_unwind(AssertUnwindSafe(|| {
        serde_json::from_slice::<I>(arg).map(f)
    }));
    match failed {
        Ok(Ok(())) => Reply::Done(Vec::new()),
        Ok(Err(error)) => Reply::InitializerFailed(error.to_string()),
        Err(why) => Reply::InitializerFailed(why),
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
    initializer: Option<Initializer>,
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

    /// Why the pool runs nothing more, if it does not: broken, or shut
    /// down by force.
    fn ended(&self) -> Option<FutureError> {
        if self.forced.load(Ordering::SeqCst) {
            return Some(forced());
        }
        self.broken()
    }

    /// CPython's `_terminate_broken`: the pool runs nothing more, and every
    /// worker is ended (which fails the jobs running in them).
    fn break_pool(&self, why: &str) -> FutureError {
        if self.forced.load(Ordering::SeqCst) {
            // `force_shutdown` has ended every worker, and `spawn_worker`
            // ends any started since: nothing is left to kill.
            return forced();
        }
        lock(&self.broken).get_or_insert_with(|| why.to_owned());
        self.kill_all(false);
        self.broken().unwrap_or(FutureError::BrokenProcessPool(why.to_owned()))
    }

    /// Kills (or, with `terminate`, on Unix asks to end with SIGTERM)
    /// every live worker. A killed worker is also waited for (reaped), so
    /// it leaves the list at once: its process id may then be reused, and
    /// no later `terminate` may signal it. A terminated one stays listed
    /// until `join_all` waits for it.
    fn kill_all(&self, terminate: bool) {
        lock(&self.idle).clear();
        let mut handles = lock(&self.handles);
        if terminate && cfg!(unix) {
            for handle in handles.values_mut() {
                end(handle, true);
            }
        } else {
            for (_, mut handle) in handles.drain() {
                end(&mut handle, false);
            }
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
                wrapper: wrapper.clone(),
                function: function.clone(),
                payload: Args::new(vec![payload.clone()]),
            });
        let args = WorkerArgs {
            jobs: jobs_rx,
            replies: replies_tx,
            initializer,
            max_tasks: self.max_tasks,
        };
        let mut handle = self.spawner.spawn(args).map_err(spawn_failed)?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut handles = lock(&self.handles);
        // Checked under the lock `kill_all` takes, after setting `forced`
        // or `broken`: a worker started while the pool was being ended
        // is either in the list `kill_all` goes through, or sees the flag
        // here and is ended before it runs anything.
        if let Some(ended) = self.ended() {
            drop(handles);
            end(&mut handle, false);
            return Err(ended);
        }
        handles.insert(id, handle);
        Ok(Worker { id, jobs, replies, done: 0 })
    }

    /// Runs one job in an idle worker (or a new one) and waits for its
    /// answer: what a feeder thread does for each task.
    fn run_job(&self, job: Job) -> Result<Vec<Answer>, FutureError> {
        if let Some(ended) = self.ended() {
            return Err(ended);
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
        } else if self.ended().is_none() {
            lock(&self.idle).push(worker);
        }
        match reply {
            Reply::Done(answers) => Ok(answers),
            Reply::Refused(why) => Err(FutureError::Transport(why)),
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

/// The error of a job that a forced shutdown ended.
fn forced() -> FutureError {
    FutureError::BrokenProcessPool(
        "the pool was forcefully shut down".to_owned(),
    )
}

/// An initializer: its wrapper's place, its function's, and its argument.
type Initializer = (Place, Place, Vec<u8>);

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
        // SAFETY: a system call with no memory arguments. The pid is our
        // own child's and not yet reaped, so no other process can have
        // it: a handle leaves the pool's list before anything waits for
        // it (`kill_all` when it kills, `retire`, `join_all`), and this
        // is only called on handles still in the list.
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
    initializer: Option<Initializer>,
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
        let wrapper = run_initializer::<I> as Wrapper;
        let initializer = serde_json::to_vec(&arg)
            .map_err(|error| error.to_string())
            .and_then(|payload| {
                Ok((
                    Place::of(wrapper as *const ())?,
                    Place::of(f as *const ())?,
                    payload,
                ))
            });
        match initializer {
            Ok(initializer) => self.initializer = Some(initializer),
            Err(error) => self.initializer_error = Some(error),
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
        // Before `kill_all` takes the list of workers: a feeder already
        // inside its job that starts a worker after that sees the flag
        // (see `spawn_worker`).
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
/// trip, one outcome per argument. The outer error is the job's (a broken
/// pool, a function the worker cannot find), the inner ones each task's.
fn run_tasks<A: Payload, R: Payload>(
    shared: &Shared,
    f: fn(A) -> R,
    args: &[A],
) -> Result<Vec<Outcome<R>>, FutureError> {
    let transport = |error: String| FutureError::Transport(error);
    let payload = args
        .iter()
        .map(serde_json::to_vec)
        .collect::<Result<_, _>>()
        .map(Args::new)
        .map_err(|error| transport(error.to_string()))?;
    let wrapper = run_chunk::<A, R> as Wrapper;
    let job = Job {
        wrapper: Place::of(wrapper as *const ()).map_err(transport)?,
        function: Place::of(f as *const ()).map_err(transport)?,
        payload,
    };
    let answers = shared.run_job(job)?;
    if answers.len() != args.len() {
        return Err(transport(format!(
            "{} answers for {} tasks",
            answers.len(),
            args.len()
        )));
    }
    Ok(answers.into_iter().map(outcome).collect())
}

/// A task's outcome from the worker's answer. Reading the result runs the
/// task type's `Deserialize`, whose panic is this task's error too.
fn outcome<R: Payload>(answer: Answer) -> Outcome<R> {
    match answer {
        Answer::Value(bytes) => {
            match quiet::catch_unwind(|| serde_json::from_slice(&bytes)) {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(error)) => {
                    Err(FutureError::Transport(format!("its result: {error}")))
                }
                Err(panic) => Err(FutureError::Transport(format!(
                    "reading its result panicked: {panic}"
                ))),
            }
        }
        Answer::Panicked(message) => Err(FutureError::Panicked(message)),
        Answer::Transport(why) => Err(FutureError::Transport(why)),
    }
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
    /// `_process_chunk`; the results still come one by one, in order, one
    /// per argument: a chunk that fails as a whole (refused, cancelled,
    /// timed out, its job failed) gives its error once for each of its
    /// arguments.
    fn map_with<'a, A: Payload, R: Payload>(
        &'a self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A, IntoIter: 'a>,
        options: MapOptions,
    ) -> impl Iterator<Item = Outcome<R>> + 'a {
        let chunksize = options.chunksize.unwrap_or(1).max(1);
        let mut args = args.into_iter();
        // The length of each chunk taken, in order; `Map` yields one
        // outcome per chunk taken, in the same order, so the front one
        // is always the length of the chunk whose outcome comes next.
        let lens = Rc::new(RefCell::new(VecDeque::new()));
        let taken = Rc::clone(&lens);
        let chunks = std::iter::from_fn(move || {
            let chunk: Vec<A> = args.by_ref().take(chunksize).collect();
            if chunk.is_empty() {
                return None;
            }
            taken.borrow_mut().push_back(chunk.len());
            Some(chunk)
        });
        let submit = move |chunk: Vec<A>| {
            self.refuse_if_broken()?;
            let shared = Arc::clone(&self.shared);
            let len = chunk.len();
            // A chunk whose job failed fails each of its tasks.
            self.feeders.submit_outcome(move || {
                Ok(run_tasks(&shared, f, &chunk).unwrap_or_else(|error| {
                    (0..len).map(|_| Err(error.clone())).collect()
                }))
            })
        };
        Map::new(chunks, submit, options).flat_map(move |chunk| {
            let len = lens.borrow_mut().pop_front().unwrap_or(1);
            match chunk {
                Ok(outcomes) => outcomes,
                // Refused, cancelled or timed out as a whole.
                Err(error) => (0..len).map(|_| Err(error.clone())).collect(),
            }
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
