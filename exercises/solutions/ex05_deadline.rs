//! Exercise 5, solved: `futures.wait` with `FIRST_COMPLETED` and a
//! deadline, on the futures of `flags_threadpool_futures.py`: count each
//! flag as it arrives, and when the deadline comes, give up on the slow
//! ones, cancel those not started, and say which they were.
//!
//! The executor is the caller's: a download already running cannot be
//! stopped, and the executor waits for its threads when dropped, so a
//! function that made its own would wait for the slow flags after all.

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

// ANCHOR: download_many
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
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http::agent(settings.timeout, idle);
    let shared = Arc::new(settings.clone());
    let mut to_do_map = HashMap::new();
    for cc in cc_list {
        let (agent, settings, task_cc) =
            (agent.clone(), Arc::clone(&shared), cc.clone());
        match executor.submit(move || download_one(&agent, &task_cc, &settings))
        {
            Ok(future) => {
                to_do_map.insert(future, cc.clone());
            }
            Err(error) => {
                let refused = Err::<DownloadStatus, _>(error);
                outcome.counter[status_of(cc, refused, false)] += 1;
            }
        }
    }
    let mut pending: Vec<_> = to_do_map.keys().collect();
    while !pending.is_empty() {
        let left = give_up_at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        // Back as soon as one future is done, or when the time left is
        // up: each flag is counted as it ends, and none after the
        // deadline.
        let DoneAndNotDone { done, not_done } =
            wait_timeout(pending, ReturnWhen::FirstCompleted, left);
        for future in done {
            let result = match future.result() {
                Ok(outcome) => {
                    outcome.as_ref().copied().map_err(|e| e.to_string())
                }
                Err(error) => Err(error.to_string()),
            };
            let cc = &to_do_map[future];
            outcome.counter[status_of(cc, result, settings.verbose)] += 1;
        }
        pending = not_done;
    }
    // Too late: those still queued are cancelled (those running cannot
    // be, and end on their own within `settings.timeout`).
    for future in pending {
        future.cancel();
        outcome.slow.push(to_do_map[future].clone());
    }
    outcome.slow.sort();
    outcome
}
// ANCHOR_END: download_many
