//! What the tests share: the two pools behind one trait, so a test of
//! CPython's shared suite runs on both (the [`on_both_pools!`] macro);
//! a gate, a task held until the test lets it go, that works across
//! processes; and futures made by hand in each state, as CPython's
//! `util.py` makes `PENDING_FUTURE`, `CANCELLED_FUTURE` and the others.

// Each test file uses only some of this.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};

use concurrent_futures::{
    Executor, Future, FutureError, ProcessPoolExecutor, Promise,
    ThreadPoolExecutor,
};

/// A pool the shared tests run on.
pub trait Pool: Executor + Sized + std::fmt::Debug {
    /// A pool of `workers`, or CPython's `ValueError`.
    fn try_new(workers: usize) -> std::io::Result<Self>;

    /// A pool of `workers`.
    fn with_workers(workers: usize) -> Self {
        Self::try_new(workers).expect("the test's own setup works")
    }
}

impl Pool for ThreadPoolExecutor {
    fn try_new(workers: usize) -> std::io::Result<Self> {
        ThreadPoolExecutor::new(workers)
    }
}

impl Pool for ProcessPoolExecutor {
    fn try_new(workers: usize) -> std::io::Result<Self> {
        ProcessPoolExecutor::new(workers)
    }
}

/// Turns each generic test `fn name<P: Pool>()` into a module `name`
/// with one test per pool, as CPython's `create_executor_tests` makes a
/// class per executor.
#[macro_export]
macro_rules! on_both_pools {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[doc = concat!("`", stringify!($name), "` on the thread pool.")]
                #[test]
                fn thread_pool() {
                    super::$name::<concurrent_futures::ThreadPoolExecutor>();
                }

                #[doc = concat!("`", stringify!($name), "` on the process pool.")]
                #[test]
                #[cfg_attr(miri, ignore = "Miri cannot start worker processes")]
                fn process_pool() {
                    super::$name::<concurrent_futures::ProcessPoolExecutor>();
                }
            }
        )*
    };
}

/// A task held at a gate, in whichever thread or process runs it: it
/// connects to the test's listener, says it started, and returns once the
/// test writes to it (or drops the gate). A socket, because it is the one
/// event that crosses processes with nothing but std.
pub struct Gate {
    listener: TcpListener,
    stream: Option<TcpStream>,
}

impl Gate {
    pub fn new() -> Gate {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("the test's own setup works");
        Gate { listener, stream: None }
    }

    /// The port a `gated` task is given.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().expect("the test's own setup works").port()
    }

    /// Submits `gated` for this gate.
    pub fn submit<E: Executor>(&self, executor: &E) -> Future<u64> {
        executor
            .submit_fn(gated, self.port())
            .expect("the test's own setup works")
    }

    /// Waits until the task is running.
    pub fn wait_started(&mut self) {
        let (mut stream, _) =
            self.listener.accept().expect("the test's own setup works");
        let mut byte = [0];
        stream.read_exact(&mut byte).expect("the test's own setup works");
        self.stream = Some(stream);
    }

    /// Whether a task ever connected (to be asked once every task that
    /// will run has run).
    pub fn was_reached(&self) -> bool {
        self.listener
            .set_nonblocking(true)
            .expect("the test's own setup works");
        self.listener.accept().is_ok()
    }

    /// Lets the task return (waiting for it to start first).
    pub fn open(&mut self) {
        if self.stream.is_none() {
            self.wait_started();
        }
        if let Some(stream) = &mut self.stream {
            stream.write_all(b"go").ok();
        }
    }
}

/// A process pool of `workers`, each replaced after `max_tasks` tasks.
pub fn limited(workers: usize, max_tasks: usize) -> ProcessPoolExecutor {
    concurrent_futures::process_pool::Builder::default()
        .max_workers(workers)
        .max_tasks_per_child(max_tasks)
        .build()
        .expect("the test's own setup works")
}

/// A gated task, started, with `mul` of each of `queued` submitted behind
/// it: where the shutdown tests begin.
pub fn running_then_queued<E: Executor>(
    executor: &E,
    queued: impl IntoIterator<Item = (u64, u64)>,
) -> (Gate, Future<u64>, Vec<Future<u64>>) {
    let mut gate = Gate::new();
    let running = gate.submit(executor);
    let queued = queued
        .into_iter()
        .map(|args| {
            executor.submit_fn(mul, args).expect("the test's own setup works")
        })
        .collect();
    gate.wait_started();
    (gate, running, queued)
}

/// The gated task: returns its port once let go.
pub fn gated(port: u16) -> u64 {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .expect("the test's own setup works");
    stream.write_all(b"s").expect("the test's own setup works");
    let mut byte = [0];
    // Returns on the test's byte, or when the gate is dropped.
    stream.read_exact(&mut byte).ok();
    u64::from(port)
}

/// Port 0 returns at once, any other is `gated`.
pub fn gated_or_quick(port: u16) -> u64 {
    if port == 0 { 0 } else { gated(port) }
}

/// The gated task, failing once let go: `wait_and_raise`.
pub fn gated_then_panic(port: u16) -> u64 {
    gated(port);
    panic!("this is an exception");
}

pub fn mul((x, y): (u64, u64)) -> u64 {
    x * y
}

/// `pow`, wrapping as Python's big integers need not.
pub fn pow((x, y): (u64, u32)) -> u64 {
    x.wrapping_pow(y)
}

/// `divmod`, panicking on 0 as Python raises `ZeroDivisionError`.
pub fn divmod((a, b): (u32, u32)) -> (u32, u32) {
    (a / b, a % b)
}

/// `a / b`, panicking on 0.
pub fn div((a, b): (u64, u64)) -> u64 {
    a / b
}

pub fn pid(_: ()) -> u32 {
    std::process::id()
}

/// Ends its worker process abruptly, as CPython's tests use `os._exit`.
pub fn exit(code: i32) -> u32 {
    std::process::exit(code)
}

// The futures of CPython's `util.py`, made by hand.

pub fn pending_future<R>() -> (Future<R>, Promise<R>) {
    Future::pending()
}

pub fn running_future<R>() -> (Future<R>, Promise<R>) {
    let (future, promise) = Future::pending();
    assert!(promise.set_running_or_notify_cancel());
    (future, promise)
}

pub fn cancelled_future<R>() -> (Future<R>, Promise<R>) {
    let (future, promise) = Future::pending();
    assert!(future.cancel());
    (future, promise)
}

pub fn cancelled_and_notified_future<R>() -> Future<R> {
    let (future, promise) = Future::pending();
    assert!(future.cancel());
    assert!(!promise.set_running_or_notify_cancel());
    future
}

pub fn exception_future<R>() -> Future<R> {
    Future::finished(Err(FutureError::Panicked("OSError".to_owned())))
}

pub fn successful_future() -> Future<u64> {
    Future::finished(Ok(42))
}

/// A set of futures by identity, to compare as CPython's tests compare
/// sets.
pub fn set<'a, R>(
    fs: impl IntoIterator<Item = &'a Future<R>>,
) -> std::collections::HashSet<&'a Future<R>>
where
    R: 'a,
{
    fs.into_iter().collect()
}

/// A submitted thread-pool task that says when it has started and then
/// waits to be let go, so a test decides the order in which tasks run and
/// finish without sleeping.
pub struct Gated {
    pub future: Future<u32>,
    pub started: Receiver<()>,
    pub release: Sender<()>,
}

impl Gated {
    /// Waits until a worker is running the task.
    pub fn wait_started(&self) {
        self.started.recv().expect("the task starts");
    }

    /// Lets the task return.
    pub fn open(&self) {
        self.release.send(()).expect("the task is waiting");
    }
}

/// Submits a task that returns `value` once released.
pub fn gated_closure(executor: &ThreadPoolExecutor, value: u32) -> Gated {
    let (started_tx, started) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let future = executor
        .submit(move || {
            started_tx.send(()).ok();
            released.recv().ok();
            value
        })
        .expect("the test's own setup works");
    Gated { future, started, release }
}
