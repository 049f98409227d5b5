//! Thread-pool flag downloads: the Rust counterpart of
//! `flags2_threadpool.py`.
//!
//! The same downloads as `flags_sequential`, on a pool of worker threads:
//! `m` blocking requests are in flight at once, and the results are counted
//! in the order they complete. The same three functions, in the same order,
//! appear in `flags_sequential` and `flags_asyncio`; `get_flag` and
//! `download_one` are the sequential ones, so only `download_many` changes.
//!
//! - [`get_flag`]: one GET, the body or a [`flags_common::FlagError`].
//! - [`download_one`]: get one flag and save it; a 404 is `NOT_FOUND`.
//! - [`download_many`]: `flags2_threadpool.py`'s: submit every code to a
//!   `ThreadPoolExecutor`, keep each future in `to_do_map`, and count the
//!   outcomes as `as_completed` yields the futures.

use std::collections::HashMap;
use std::sync::Arc;

use concurrent_futures::{Executor, ThreadPoolExecutor, as_completed};
use flags_common::{
    Counter, DownloadStatus, Settings, idle_connections, progress_bar,
};
use flags_sequential::http_agent;

/// `-m` when none is given, and the most this client will use: a thread
/// waiting on the network costs little, so 30 is a safe default and 1000
/// is still far from what the machine can hold.
pub const DEFAULT_CONCUR_REQ: usize = 30;
pub const MAX_CONCUR_REQ: usize = 1000;

/// The book's `from flags2_sequential import download_one`: a blocking
/// download is the same on a worker thread as on the main one, so the
/// thread pool reuses the sequential `get_flag` and `download_one` as they
/// are.
pub use flags_sequential::{download_one, get_flag};

// ANCHOR: download_many
/// Downloads the flags on a pool of `settings.concur_req` threads and
/// counts the outcomes as they complete.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    // One agent for every worker: cloning an `Agent` clones a handle to one
    // connection pool, so a thread reuses a connection another one opened.
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http_agent(settings.timeout, idle);
    // The tasks outlive this call as far as the compiler knows (the pool's
    // threads are not scoped), so they share the settings through an Arc.
    let shared = Arc::new(settings.clone());
    let mut counter = Counter::default();
    // `with futures.ThreadPoolExecutor(max_workers=concur_req) as
    // executor:`; the `with` block's end is the executor's drop, which
    // waits for the threads. At least one worker, even with no codes.
    // Each worker keeps std's 2 MiB stack. That is address space, not
    // memory: only the pages a thread touches are resident, about 32 KiB
    // per worker here (ureq parses a response head with 128 header slots
    // on the stack, among others), and a 16 KiB stack overflows. A smaller
    // `stack_size` would leave the resident figure where it is.
    let executor = match ThreadPoolExecutor::builder()
        .max_workers(settings.concur_req.max(1))
        .thread_name_prefix("flags-worker")
        .build()
    {
        Ok(executor) => executor,
        Err(error) => {
            eprintln!("cannot start the thread pool: {error}");
            return counter;
        }
    };
    let mut to_do_map = HashMap::new();
    // `main` passes the codes sorted, as the book's `sorted(cc_list)`.
    for cc in cc_list {
        let (agent, settings, task_cc) =
            (agent.clone(), Arc::clone(&shared), cc.clone());
        let future =
            executor.submit(move || download_one(&agent, &task_cc, &settings));
        to_do_map.insert(future, cc);
    }
    // `executor.shutdown(wait=False)`: nothing more will be submitted, so
    // each worker ends as soon as it finds the queue empty, while the
    // others are still waiting for their flags, rather than all 676 of
    // `-e -m 1000` ending at once after the last one, which took 40-70 ms.
    // The `with` block's end still waits for them.
    executor.shutdown(false, false);
    let bar = progress_bar(cc_list.len(), settings.verbose);
    for future in as_completed(to_do_map.keys()) {
        // Ctrl-C: Python raises `KeyboardInterrupt` in the main thread,
        // which is waiting here, so we look at the flag each time a
        // download ends. The downloads not yet started are cancelled; they
        // come out of `as_completed` cancelled and are not counted. Those
        // in flight finish and are counted.
        if settings.interrupt.is_set() {
            executor.shutdown(false, true);
        }
        if future.cancelled() {
            continue;
        }
        // The book's `try: status = future.result()`, with an `except` per
        // kind of error; here `download_one` returns its `FlagError`.
        let (status, error_msg) = match future.result() {
            Ok(Ok(status)) => (*status, String::new()),
            Ok(Err(error)) => (DownloadStatus::Error, error.to_string()),
            // `download_one` panicked: a bug, but only this flag's error.
            Err(error) => (DownloadStatus::Error, error.to_string()),
        };
        counter[status] += 1;
        if settings.verbose && !error_msg.is_empty() {
            let cc = to_do_map[future];
            println!("{cc} error: {error_msg}");
        }
        bar.inc(1);
    }
    bar.finish();
    counter
}
// ANCHOR_END: download_many
