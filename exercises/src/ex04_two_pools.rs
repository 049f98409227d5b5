//! Exercise 4: one `as_completed` over futures from a thread pool and a
//! process pool at once: flags downloaded on threads (as in
//! `flags_threadpool.py`) and numbers checked for primality in processes
//! (as in `proc_pool.py`), each outcome reported as soon as it is ready,
//! whichever pool it came from.
//!
//! Write [`check_and_download`]. The tests check that:
//! - every flag and every number is reported once, through `on_done`;
//! - the outcomes come in the order they complete, across both pools: a
//!   flag the server holds back comes last;
//! - the numbers were checked in other processes, and the flags saved.
//!
//! Run `cargo xtask exercise 4` to check your answer.
//!
//! Useful: `as_completed` takes futures of one type, so both pools must
//! give a `Future<Done>`: the thread pool's closure returns a
//! `Done::Flag`, and the process pool runs [`check_prime`] (a plain `fn`:
//! a closure cannot travel to another process). Then
//! `threads.submit(move || ...)`, `processes.submit(check_prime, n)`,
//! `flags_sequential::download_one`, and `future.result()`.

use std::sync::Arc;

use concurrent_futures::{
    Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed,
};
use flags_common::{DownloadStatus, Settings, idle_connections};
use flags_sequential::{download_one, http};
use serde::{Deserialize, Serialize};

/// What one task ended with. It crosses the process boundary (the
/// process pool sends it back serialized), hence serde.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Done {
    /// A flag: whether it was downloaded and saved.
    Flag { cc: String, saved: bool },
    /// A number, whether it is prime, and which process checked it.
    Prime { n: u64, prime: bool, pid: u32 },
    /// A task that did not end with an answer (it panicked, or its pool
    /// broke), with the reason.
    Failed(String),
}

/// The process pool's task: a plain `fn`, since a closure cannot be sent
/// to another process.
pub fn check_prime(n: u64) -> Done {
    Done::Prime { n, prime: primes::is_prime(n), pid: std::process::id() }
}

/// Downloads `cc_list` on `threads` and checks `numbers` on `processes`,
/// all at once, and calls `on_done` with each outcome as it completes.
pub fn check_and_download(
    threads: &ThreadPoolExecutor,
    processes: &ProcessPoolExecutor,
    cc_list: &[String],
    numbers: &[u64],
    settings: &Settings,
    mut on_done: impl FnMut(Done),
) {
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http::agent(settings.timeout, idle);
    todo!("submit to both pools, then one as_completed over all futures")
}
