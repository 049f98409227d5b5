//! `flags_threadpool.py`: the 20 flags of `flags.py`, downloaded on a pool
//! of threads with `executor.map`.
//!
//! ```text
//! cargo run -p flags_server &
//! cargo run -p flags_threadpool --example flags_threadpool
//! FLAGS_BASE_URL=http://localhost:8001/flags \
//!     cargo run -p flags_threadpool --example flags_threadpool
//! ```
//!
//! The codes print in the order the downloads finish, then
//! `20 downloads in 0.05s`. What differs in Rust:
//! - `ThreadPoolExecutor::new` fails instead of raising, hence the `?`;
//!   its default size is `concurrent_futures::default_max_workers()`,
//!   CPython's `min(32, os.cpu_count() + 4)`;
//! - `map` is `ThreadPoolExecutor::map`, which takes any closure (a plain
//!   `fn` here): it submits every task before returning and yields results
//!   in submission order, as `ThreadPoolExecutor.map` does;
//! - Python leaves the `with` block (which waits for every thread) before
//!   `len(list(res))`; here the results iterator borrows the executor, so
//!   it is read first and the executor is dropped (and joined) after;
//! - `download_one` returns `Result`: the first failure ends the run, as
//!   the first exception raised out of `list(res)` does.

use std::process::ExitCode;

use concurrent_futures::{ThreadPoolExecutor, default_max_workers};
use flags_sequential::flags::{download_one, list, main as run, sorted};

// ANCHOR: download_many
fn download_many(cc_list: &[&str]) -> anyhow::Result<usize> {
    let executor = ThreadPoolExecutor::new(default_max_workers())?;
    let res = executor.map(download_one, sorted(cc_list));
    // `len(list(res))`: the first failure ends the run (see `list`).
    Ok(list(res)?.len())
}
// ANCHOR_END: download_many

// ANCHOR: main
fn main() -> ExitCode {
    run(download_many)
}
// ANCHOR_END: main
