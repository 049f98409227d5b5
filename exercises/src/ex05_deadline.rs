//! Exercise 5: `futures.wait` with `FIRST_COMPLETED` and a deadline, on
//! the futures of `flags_threadpool_futures.py`: count each flag as it
//! arrives, and when the deadline comes, give up on the slow ones, cancel
//! those not started, and say which they were.
//!
//! Write [`download_many`]. The tests check that:
//! - it returns at the deadline while the slow flags are still held by
//!   the server, naming them in `Outcome::slow`;
//! - the flags that ended before the deadline are counted and saved.
//!
//! Run `cargo xtask exercise 5` to check your answer.
//!
//! Useful: `wait_timeout(pending, ReturnWhen::FirstCompleted, left)`
//! from `concurrent_futures`, in a loop, with `left` the time until the
//! deadline (`Instant::saturating_duration_since`); it returns the done
//! and the not done. `future.cancel()` for those left. The executor is
//! the caller's: a download already running cannot be stopped, and an
//! executor waits for its threads when dropped, so one made here would
//! wait for the slow flags after all.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use concurrent_futures::{
    DoneAndNotDone, ReturnWhen, ThreadPoolExecutor, wait_timeout,
};
use flags_common::{
    Counter, DownloadStatus, Settings, idle_connections, status_of,
};
use flags_sequential::{download_one, http};

/// What `download_many` saw before its deadline.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The flags that ended before the deadline, by status.
    pub counter: Counter,
    /// The codes given up on, sorted.
    pub slow: Vec<String>,
}

/// Downloads `cc_list` on `executor`, counting each flag as it ends, and
/// returns once all have ended or `deadline` has passed, whichever is
/// first.
pub fn download_many(
    executor: &ThreadPoolExecutor,
    cc_list: &[String],
    settings: &Settings,
    deadline: Duration,
) -> Outcome {
    let give_up_at = Instant::now() + deadline;
    let mut outcome = Outcome::default();
    todo!(
        "submit every code, then wait with FIRST_COMPLETED until done or too late"
    )
}
