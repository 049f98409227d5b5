//! Exercise 8, solved: a panic in one download is that flag's error, and
//! the run goes on: the book's `except` around `future.result()`, which
//! catches whatever the task raised.
//!
//! Solved here on the thread pool, whose Future hands a task's panic back
//! from `result()` as an `Err`, as CPython's re-raises the exception. On
//! scoped threads the same is `std::panic::catch_unwind` around the call;
//! on tokio, the `JoinError` of `JoinSet::join_next_with_id`, whose id
//! says which flag's task it was.

use std::collections::HashMap;
use std::sync::Arc;

use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_common::{Counter, DownloadStatus, FlagError, status_of};

// ANCHOR: download_many
/// Runs `download_one` for every code of `cc_list`, `concur_req` at a
/// time, and counts the outcomes; a `download_one` that panics counts as
/// that code's error.
pub fn download_many<F>(
    cc_list: &[String],
    concur_req: usize,
    download_one: F,
) -> Counter
where
    F: Fn(&str) -> Result<DownloadStatus, FlagError> + Send + Sync + 'static,
{
    let mut counter = Counter::default();
    let executor = match ThreadPoolExecutor::new(concur_req.max(1)) {
        Ok(executor) => executor,
        Err(error) => {
            eprintln!("cannot start the thread pool: {error}");
            return counter;
        }
    };
    let download_one = Arc::new(download_one);
    let mut to_do_map = HashMap::new();
    for cc in cc_list {
        let (download_one, task_cc) = (Arc::clone(&download_one), cc.clone());
        match executor.submit(move || download_one(&task_cc)) {
            Ok(future) => {
                to_do_map.insert(future, cc);
            }
            Err(error) => {
                let refused = Err::<DownloadStatus, _>(error);
                counter[status_of(cc, refused, false)] += 1;
            }
        }
    }
    for future in as_completed(to_do_map.keys()) {
        // `Err` here is the task's panic (the worker caught it and lives
        // on): this flag's error, like any `FlagError`.
        let result = match future.result() {
            Ok(outcome) => outcome.as_ref().copied().map_err(|e| e.to_string()),
            Err(panic) => Err(panic.to_string()),
        };
        counter[status_of(to_do_map[future], result, false)] += 1;
    }
    counter
}
// ANCHOR_END: download_many
