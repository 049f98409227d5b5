//! Exercise 8: a panic in one download is that flag's error, and the run
//! goes on: the book's `except` around `future.result()`, which catches
//! whatever the task raised. (The clients do otherwise: a panic is a bug,
//! and ends their run, as an uncaught exception ends the book's.)
//!
//! Write [`download_many`], in the model of your choice: the thread pool
//! (`concurrent_futures`), scoped threads, or tokio. The tests give it a
//! `download_one` that panics for one code, and check that:
//! - that code is counted as an error and every other flag is downloaded;
//! - `concur_req` downloads are in flight at once;
//! - with one worker, the run goes on after the panic.
//!
//! Run `cargo xtask exercise 8` to check your answer.
//!
//! Useful: `concurrent_futures::Future::result()` gives a task's panic
//! back as an `Err`; on scoped threads, `std::panic::catch_unwind`; on
//! tokio, `JoinSet::join_next_with_id`, whose `JoinError` says whether
//! the task panicked, and whose id says which it was.

use std::collections::HashMap;
use std::sync::Arc;

use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_common::{Counter, DownloadStatus, FlagError, status_of};

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
    todo!("run download_one concur_req at a time; a panic is an error")
}
