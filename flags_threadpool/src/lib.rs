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

use concurrent_futures::{
    Executor, ShutdownOptions, ThreadPoolExecutor, as_completed,
};
use flags_common::{
    Counter, DownloadStatus, Settings, idle_connections, progress_bar,
    status_of,
};
use flags_sequential::http;

/// `-m` when none is given, and the most this client will use: a thread
/// waiting on the network costs little, so 30 is a safe default and 1000
/// is still far from what the machine can hold.
pub const DEFAULT_CONCUR_REQ: usize = 30;
pub const MAX_CONCUR_REQ: usize = 1000;

// ANCHOR: get_flag
// ANCHOR: download_one
/// The book's `from flags2_sequential import download_one`: a blocking
/// download is the same on a worker thread as on the main one, so the
/// thread pool reuses the sequential `get_flag` and `download_one` as they
/// are.
pub use flags_sequential::{download_one, get_flag};
// ANCHOR_END: download_one
// ANCHOR_END: get_flag

// ANCHOR: download_many
/// Downloads the flags on a pool of `settings.concur_req` threads and
/// counts the outcomes as they complete.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    let mut counter = Counter::default();
    // The connections httpx opens for the book, kept alive and shared by
    // every worker: see `http::agent` and `flags_common::idle_connections`.
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http::agent(settings.timeout, idle);
    // The tasks outlive this call as far as the compiler knows (the pool's
    // threads are not scoped), so they share the settings through an Arc.
    let shared = Arc::new(settings.clone());
    // ANCHOR: executor
    // `futures.ThreadPoolExecutor(max_workers=concur_req)` in a `with`
    // block, whose end is the executor's drop, which waits for the
    // threads. At least one worker, even with no codes. Each keeps std's
    // default stack: see docs/tuning.md#thread-stacks.
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
    // ANCHOR_END: executor
    let mut to_do_map = HashMap::new();
    // `main` passes the codes sorted, as the book's `sorted(cc_list)`.
    for cc in cc_list {
        let (agent, settings, task_cc) =
            (agent.clone(), Arc::clone(&shared), cc.clone());
        match executor.submit(move || download_one(&agent, &task_cc, &settings))
        {
            Ok(future) => {
                to_do_map.insert(future, cc);
            }
            // Only a pool that was shut down or broke refuses a task, as
            // CPython's `submit` raises: then that flag is an ERROR.
            Err(error) => {
                let refused = Err::<DownloadStatus, _>(error);
                counter[status_of(cc, refused, shared.verbose)] += 1;
            }
        }
    }
    // ANCHOR: shutdown
    // `executor.shutdown(wait=False)`: nothing more will be submitted, so
    // each worker ends as soon as it finds the queue empty, while the
    // others still wait for their flags, rather than all of them at the
    // end of the `with` block, which still waits for them: see
    // docs/tuning.md#ending-the-workers-early.
    executor.shutdown(ShutdownOptions::default().wait(false));
    // ANCHOR_END: shutdown
    let bar = progress_bar(cc_list.len(), settings.verbose);
    for future in as_completed(to_do_map.keys()) {
        // Ctrl-C: Python raises `KeyboardInterrupt` in the main thread,
        // which is waiting here, so we look at the flag each time a
        // download ends. The downloads not yet started are cancelled; they
        // come out of `as_completed` cancelled and are not counted. Those
        // in flight finish and are counted.
        if settings.interrupt.is_set() {
            executor.shutdown(
                ShutdownOptions::default().wait(false).cancel_futures(true),
            );
        }
        if future.cancelled() {
            continue;
        }
        // The book's `future.result()`: what `download_one` returned, or
        // its panic, a bug, but only this flag's error.
        let result = match future.result() {
            Ok(outcome) => outcome.as_ref().copied().map_err(|e| e.to_string()),
            Err(panic) => Err(panic.to_string()),
        };
        // The book's `except` clauses: a failure is counted as an ERROR.
        let status = status_of(to_do_map[future], result, settings.verbose);
        counter[status] += 1;
        bar.inc(1);
    }
    bar.finish();
    counter
}
// ANCHOR_END: download_many
