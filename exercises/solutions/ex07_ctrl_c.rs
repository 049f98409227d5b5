//! Exercise 7, solved: Ctrl-C on the thread pool of
//! `flags2_threadpool.py`: once the flag is set, no download starts, the
//! queued ones are cancelled, and the ones already in flight finish and
//! are counted; the book's `except KeyboardInterrupt`.
//!
//! The main thread waits in `as_completed` and sees the flag only when a
//! download ends; by then a free worker may already have taken the next
//! code. So each task looks at the flag itself before it starts, and the
//! main thread cancels the rest of the queue.

use std::collections::HashMap;
use std::sync::Arc;

use concurrent_futures::{
    Executor, FutureError, ShutdownOptions, ThreadPoolExecutor, as_completed,
};
use flags_common::{Counter, Settings, idle_connections, status_of};
use flags_sequential::{download_one, http};

// ANCHOR: download_many
/// Downloads the flags on `settings.concur_req` threads until
/// `settings.interrupt` is set, and counts those that finished.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    let mut counter = Counter::default();
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http::agent(settings.timeout, idle);
    let shared = Arc::new(settings.clone());
    let executor = match ThreadPoolExecutor::new(settings.concur_req.max(1)) {
        Ok(executor) => executor,
        Err(error) => {
            eprintln!("cannot start the thread pool: {error}");
            return counter;
        }
    };
    let mut to_do_map = HashMap::new();
    for cc in cc_list {
        let (agent, settings, task_cc) =
            (agent.clone(), Arc::clone(&shared), cc.clone());
        let task = move || {
            // Ctrl-C came before this code's turn: no request, and
            // nothing to count.
            if settings.interrupt.is_set() {
                return None;
            }
            Some(download_one(&agent, &task_cc, &settings))
        };
        if let Ok(future) = executor.submit(task) {
            to_do_map.insert(future, cc);
        }
    }
    for future in as_completed(to_do_map.keys()) {
        if settings.interrupt.is_set() {
            executor.shutdown(
                ShutdownOptions::default().wait(false).cancel_futures(true),
            );
        }
        let result = match future.result() {
            // Cancelled, or not started: not counted.
            Ok(None) | Err(FutureError::Cancelled) => {
                continue;
            }
            Ok(Some(result)) => {
                result.as_ref().copied().map_err(|e| e.to_string())
            }
            Err(error) => Err(error.to_string()),
        };
        counter[status_of(to_do_map[future], result, settings.verbose)] += 1;
    }
    counter
}
// ANCHOR_END: download_many
