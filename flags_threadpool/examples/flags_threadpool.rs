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
//! - the pool is `primes::ThreadPool`, the same one the prime checker
//!   runs on, and `map` is its `primes::Executor::map`: it submits every
//!   job before returning and yields results in submission order, as
//!   `ThreadPoolExecutor.map` does;
//! - Python leaves the `with` block (which waits for every thread) before
//!   `len(list(res))`; here the results iterator borrows the pool, so it
//!   is read first and the pool is dropped (and joined) after;
//! - `download_one` returns `Result`: the first failure ends the run, as
//!   the first exception raised out of `list(res)` does.

use std::num::NonZeroUsize;
use std::process::ExitCode;

use flags_sequential::flags::{download_one, main as run};
use primes::{Executor, ThreadPool};

fn download_many(cc_list: &[&str]) -> anyhow::Result<usize> {
    let mut cc_list: Vec<String> =
        cc_list.iter().map(|&cc| cc.to_owned()).collect();
    cc_list.sort();
    let executor = ThreadPool::new(max_workers());
    // Each item is the job's outcome (`Err` if it panicked) holding
    // `download_one`'s own `Result`; `collect` stops at the first error.
    let res = executor
        .map(download_one, cc_list)
        .map(|job| job?.map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<String>>>()?;
    Ok(res.len())
}

/// `ThreadPoolExecutor`'s default `max_workers`: `min(32, os.cpu_count() +
/// 4)`. The threads mostly wait for the network, so more threads than
/// cores is the point; with 20 flags, at most 20 of them ever get a job.
fn max_workers() -> usize {
    let cpus =
        std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    (cpus + 4).min(32)
}

fn main() -> ExitCode {
    run(download_many)
}
