//! `concurrent.futures` for the chapter's programs: executors that run
//! tasks on a pool of threads or of processes, the futures they hand back,
//! and `as_completed` / `wait` to collect them.
//!
//! Named `concurrent_futures` so that a line of the book, `from concurrent
//! import futures`, has an obvious counterpart (`use concurrent_futures::
//! {...}`), and the names inside are CPython's: `ThreadPoolExecutor`,
//! `ProcessPoolExecutor`, `Future` with `done()`, `running()`,
//! `cancelled()`, `cancel()` and `result()`, `as_completed`, `wait` with
//! `FIRST_COMPLETED` and `ALL_COMPLETED`. Every thread pool and process
//! pool of the workspace is one of these two.
//!
//! ```
//! use concurrent_futures::{ThreadPoolExecutor, as_completed};
//!
//! let executor = ThreadPoolExecutor::new(3)?;
//! let to_do: Vec<_> =
//!     (1..=5).map(|n| executor.submit(move || n * n)).collect();
//! let mut squares: Vec<u32> =
//!     as_completed(&to_do).map(|f| *f.result().unwrap()).collect();
//! squares.sort();
//! assert_eq!(squares, [1, 4, 9, 16, 25]);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! What differs from Python, and why:
//! - a task is a closure (`executor.submit(move || f(x))`) on the thread
//!   pool, the Rust way to pass a function with its arguments; the process
//!   pool, which must send the task to another process, takes a plain `fn`
//!   and a serializable argument, and so does the [`Executor`] trait;
//! - `result()` returns a `Result` instead of raising: the task's panic is
//!   its exception; a task that can fail returns a `Result` of its own;
//! - a program that uses a process pool starts with [`init`].
//!
//! Layout:
//! - `future`: [`Future`], its states, and [`FutureError`];
//! - `executor`: the [`Executor`] trait (`submit_fn`, `map`, `shutdown`);
//! - `thread`: [`ThreadPoolExecutor`] and its [`Builder`];
//! - `process`: [`ProcessPoolExecutor`] on procspawn, and [`init`];
//! - `sequential`: [`SequentialExecutor`], the baseline without workers;
//! - `wait`: [`as_completed`] and [`wait`].

mod executor;
mod future;
mod process;
mod quiet;
mod sequential;
mod thread;
mod wait;

pub use executor::{Executor, Map, MapOptions, Payload, ShutdownOptions};
pub use future::{
    Awaitable, Future, FutureError, Outcome, Promise, without_modules,
};
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
