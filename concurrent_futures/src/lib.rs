//! `concurrent.futures` for the chapter's programs: executors that run
//! tasks on a pool of threads or of processes, the futures they hand back,
//! and `as_completed` / `wait` to collect them.
//!
//! Named `concurrent_futures` so that a line of the book, `from concurrent
//! import futures`, has an obvious counterpart (`use concurrent_futures::
//! {...}`), and the names inside are CPython's: `ThreadPoolExecutor`,
//! `ProcessPoolExecutor`, `Future` with `done()`, `running()`,
//! `cancelled()`, `cancel()`, `result()`, `exception()` and
//! `add_done_callback()`, `as_completed`, `wait` with `FIRST_COMPLETED`,
//! `FIRST_EXCEPTION` and `ALL_COMPLETED`. Every thread pool and process
//! pool of the workspace is one of these two.
//!
//! ```
//! use concurrent_futures::{ThreadPoolExecutor, as_completed};
//!
//! let executor = ThreadPoolExecutor::new(3)?;
//! let to_do = (1..=5)
//!     .map(|n| executor.submit(move || n * n))
//!     .collect::<Result<Vec<_>, _>>()?;
//! let mut squares: Vec<u32> =
//!     as_completed(&to_do).map(|f| *f.result().unwrap()).collect();
//! squares.sort();
//! assert_eq!(squares, [1, 4, 9, 16, 25]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What differs from Python, and why:
//! - a task is a closure (`executor.submit(move || f(x))`) on the thread
//!   pool, the Rust way to pass a function with its arguments, and so is
//!   the thread pool's `map`; the process pool, which must send the task to
//!   another process, takes a plain `fn` and a serializable argument, and so
//!   does the [`Executor`] trait;
//! - errors are values: `submit` returns `Err` where CPython raises (after
//!   shutdown, on a broken pool), and `result()` returns a `Result`: the
//!   task's panic is its exception; a task that can fail returns a
//!   `Result` of its own. A panic caught this way prints nothing on stderr
//!   (see `quiet`): it is a result, not a crash;
//! - keyword arguments are option builders: [`ShutdownOptions`],
//!   [`MapOptions`] (`timeout`, `chunksize`, `buffersize`), the pools'
//!   builders (`initializer`, `max_tasks_per_child`, ...); a timeout is a
//!   separate method (`result_timeout`, `wait_timeout`, ...);
//! - `map` over several iterables is `map` over one iterator of tuples
//!   (`a.into_iter().zip(b)`);
//! - executor authors drive a future through its [`Promise`], which
//!   [`Future::pending`] makes: `set_running_or_notify_cancel`,
//!   `set_result`, `set_exception`. Setting twice cannot be written;
//! - a [`Future`] can be `.await`ed by async code on any runtime, as
//!   `asyncio.wrap_future` wraps one for asyncio;
//! - a program that uses a process pool starts with [`init`].
//!
//! The thread pool's fast path: its queue is the chapter's design, one
//! queue that `submit` puts tasks on and idle workers take them from, kept
//! cheap per task. The queue is a crossbeam channel, unbounded and with a
//! receiver shared by every worker: `submit` sends, a worker receives, and
//! the two share no lock (`submit` takes one around the sending end, which
//! no worker touches), so the thread submitting and a worker taking the
//! task before do not wait for each other. A worker that finds the queue
//! empty looks again for a moment before it sleeps, and the channel wakes
//! a sleeper only when a task comes and someone sleeps. A worker that
//! finishes a task marks itself idle with an atomic counter, which
//! `submit` reads to decide whether to start a thread. Why: with one lock
//! around the queue, `submit` and the workers took turns on it for every
//! task, and that waiting was a large part of what a task cost; waking a
//! thread is a system call, and with more workers than cores every woken
//! worker also takes turns with the submitting thread on the same cores.
//!
//! The future is kept cheap per task too (`future.rs`). A task and its
//! future's shared state are one allocation: the queue holds the task in
//! the same block as the state, the outcome and the waiters' lists, where a
//! boxed task, a state and an outcome cell would be three. The state is an
//! atomic word, with a bit that says whether anyone listens (a thread
//! blocked in `result()`, a waiter of `wait` or `as_completed`, a
//! done-callback, an async task): the worker marks the future running and
//! then finished with a compare-and-swap each, and takes the future's lock
//! only when that bit says there is someone to tell; `done()`, and
//! `result()` on a future already done, are one atomic load. Why: the
//! allocator and the lock were most of what a task cost once the queue
//! was cheap, and most futures are asked for their result once, by one
//! thread, after they are done.
//! What it costs against CPython and two Rust pools that make one handle
//! per task (rayon, tokio): `cargo bench -p concurrent_futures --features
//! bench-peers`, whose figures are in the workspace's `docs/benchmarks.md`.
//!
//! What it guarantees, and how that is checked:
//! - no safe call makes a worker process run the wrong code. The process
//!   pool names a task function by the loaded image that holds it (the
//!   executable or a shared library), that image's build id and size,
//!   and the function's address within it; the worker checks all three
//!   against its own images and refuses the task otherwise, where a plain
//!   offset from the executable would jump into the wrong code for a
//!   function in a shared library. `tests/shared_library.rs` runs a task
//!   whose function is in a shared library built by the test (a `cdylib`,
//!   opened with `dlopen`: a Rust `dylib` cannot be linked into these test
//!   binaries without building them all `-C prefer-dynamic`), and checks
//!   that a worker lacking the library refuses it by name;
//! - every `unsafe` block says why it is sound (`SAFETY:`);
//! - `wait`, `as_completed` and their timeouts remove their waiters from
//!   the futures when they end, on every path, a panic's unwinding
//!   included, so polling a long task does not grow its list;
//! - `map` yields exactly one outcome per input it takes, whatever
//!   happens: a refused input yields its refusal, and after a timeout
//!   every later input still yields an error (or its result, if it was
//!   already there); a chunked `map` yields one outcome per input, not
//!   per chunk (see [`Map`]);
//! - a panic in a worker process while it reads a task's argument, runs
//!   the task or writes its result fails that task alone; a forced
//!   shutdown leaves no task running, even one whose feeder was starting
//!   a worker at that moment;
//! - the thread pool, [`Future`] and `wait` / `as_completed` are tested
//!   under Miri (`.ci/miri`), which checks every memory access and data
//!   race; the tests that need worker processes are skipped there, each
//!   with its reason.
//!
//! Layout:
//! - `future`: [`Future`], its states, [`Promise`] and [`FutureError`];
//! - `executor`: the [`Executor`] trait (`submit_fn`, `map`, `shutdown`)
//!   and its options;
//! - `thread`: [`ThreadPoolExecutor`] and its [`Builder`];
//! - `process`: [`ProcessPoolExecutor`], its builder, and [`init`];
//! - `sequential`: [`SequentialExecutor`], the baseline without workers;
//! - `wait`: [`as_completed`] and [`wait`];
//! - `quiet`: catching a task's panic without printing it;
//! - [`parity`]: CPython's test suite, test by test, and where the
//!   benchmarks are.

pub mod parity;

mod executor;
mod future;
mod process;
mod quiet;
mod sequential;
mod thread;
mod wait;

pub use executor::{Executor, Map, MapOptions, Payload, ShutdownOptions};
pub use future::{Awaitable, Future, FutureError, Outcome, Promise};
pub use process::{ProcessPoolExecutor, init, process_cpu_count};
pub use sequential::SequentialExecutor;
pub use thread::{Builder, ThreadPoolExecutor, default_max_workers};
pub use wait::{
    DoneAndNotDone, ReturnWhen, TimeoutError, as_completed,
    as_completed_timeout, wait, wait_timeout,
};

/// The process pool's options, named apart from the thread pool's
/// [`Builder`].
pub mod process_pool {
    pub use crate::process::Builder;
}
