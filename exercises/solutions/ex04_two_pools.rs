//! Exercise 4, solved: one `as_completed` over futures from a thread pool
//! and a process pool at once: flags downloaded on threads (as in
//! `flags_threadpool.py`) and numbers checked for primality in processes
//! (as in `proc_pool.py`), each outcome reported as soon as it is ready,
//! whichever pool it came from.
//!
//! `as_completed` takes futures of one type, so both pools must hand back
//! a `Future<Done>`: the thread pool's task and the process pool's `fn`
//! each wrap their answer in [`Done`].

// ANCHOR: solution
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

// ANCHOR: check_and_download
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
    let settings = Arc::new(settings.clone());
    // Every task is submitted before any is waited for; a refused submit
    // is that task's outcome.
    let mut to_do: Vec<Future<Done>> = Vec::new();
    for cc in cc_list {
        let (agent, settings, cc) =
            (agent.clone(), Arc::clone(&settings), cc.clone());
        let submitted = threads.submit(move || {
            let status = download_one(&agent, &cc, &settings);
            Done::Flag { saved: matches!(status, Ok(DownloadStatus::Ok)), cc }
        });
        match submitted {
            Ok(future) => to_do.push(future),
            Err(error) => on_done(Done::Failed(error.to_string())),
        }
    }
    for &n in numbers {
        match processes.submit(check_prime, n) {
            Ok(future) => to_do.push(future),
            Err(error) => on_done(Done::Failed(error.to_string())),
        }
    }
    // One `as_completed` for both pools: each future says when it is done,
    // whoever runs it.
    for future in as_completed(&to_do) {
        match future.result() {
            Ok(done) => on_done(done.clone()),
            Err(error) => on_done(Done::Failed(error.to_string())),
        }
    }
}
// ANCHOR_END: check_and_download
// ANCHOR_END: solution
