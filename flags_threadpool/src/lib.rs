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
    Executor, Future, FutureError, ShutdownOptions, ThreadPoolExecutor,
    as_completed,
};
use flags_common::{
    Counter, Settings, idle_connections, progress_bar, status_of,
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
    // One pool of kept-alive connections for the run, keeping idle only
    // those a waiting code will reuse: docs/tuning.md#idle-connections.
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http::agent(settings.timeout, idle);
    // `submit` takes only `'static` tasks, which borrow nothing from this
    // call (the pool's threads are not scoped), so the tasks share the
    // settings through an Arc.
    let shared = Arc::new(settings.clone());
    // ANCHOR: executor
    // `with ThreadPoolExecutor(max_workers=concur_req) as executor:`; the
    // block's end is the executor's drop, which waits for the threads.
    // At least one worker, even with no codes; each keeps std's default
    // stack: docs/tuning.md#thread-stacks.
    let executor = ThreadPoolExecutor::builder()
        .max_workers(settings.concur_req.max(1))
        .thread_name_prefix("flags-worker")
        .build()
        .expect("a pool of at least one worker builds");
    // ANCHOR_END: executor
    let mut to_do_map = HashMap::new();
    // `main` passes the codes sorted, as the book's `sorted(cc_list)`.
    for cc in cc_list {
        let (agent, settings, task_cc) =
            (agent.clone(), Arc::clone(&shared), cc.clone());
        let task = move || download_one(&agent, &task_cc, &settings);
        // A refused task (no thread could start) is this flag's error, as
        // CPython's `submit` raises: docs/tuning.md#a-refused-submit.
        let future = executor
            .submit(task)
            .unwrap_or_else(|refused| Future::finished(Err(refused)));
        to_do_map.insert(future, cc);
    }
    // ANCHOR: shutdown
    // `executor.shutdown(wait=False)`: each worker ends as soon as the
    // queue is empty, not all together at the end of the `with` block,
    // which still waits for them: docs/tuning.md#ending-the-workers-early.
    executor.shutdown(ShutdownOptions::default().wait(false));
    // ANCHOR_END: shutdown
    let bar = progress_bar(cc_list.len(), settings.verbose);
    for future in as_completed(to_do_map.keys()) {
        // The book's `except KeyboardInterrupt`: after Ctrl-C, the
        // downloads not yet started are cancelled and not counted.
        if settings.interrupt.is_set() {
            executor.shutdown(
                ShutdownOptions::default().wait(false).cancel_futures(true),
            );
        }
        let cc = to_do_map[future];
        let result = match future.result() {
            // The book's `future.result()`: what `download_one` returned.
            Ok(result) => result.as_ref().copied().map_err(|e| e.to_string()),
            Err(FutureError::Cancelled) => continue,
            // A panic is a bug, not this flag's error: it ends the run, as
            // an uncaught exception ends the book's.
            Err(FutureError::Panicked(panic)) => panic!("{cc}: {panic}"),
            Err(refused) => Err(refused.to_string()),
        };
        // The book's `except` clauses: a failure is counted as an ERROR.
        let status = status_of(cc, result, settings.verbose);
        counter[status] += 1;
        bar.inc(1);
    }
    bar.finish();
    counter
}
// ANCHOR_END: download_many
