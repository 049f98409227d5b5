//! Exercise 7: Ctrl-C on the thread pool of `flags2_threadpool.py`: once
//! `settings.interrupt` is set, no download starts, the queued ones are
//! cancelled, and those already in flight finish and are counted; the
//! book's `except KeyboardInterrupt`.
//!
//! Write [`download_many`]. The tests set the flag while 3 downloads are
//! in flight, then let them finish, and check that:
//! - no request reaches the server after the flag is set;
//! - the 3 that were in flight are counted and saved;
//! - without the flag, every flag is downloaded.
//!
//! Run `cargo xtask exercise 7` to check your answer.
//!
//! Useful: the main thread waits in `as_completed` and sees the flag only
//! when a download ends, and by then a free worker may have taken the
//! next code: a task can look at `settings.interrupt.is_set()` itself
//! before it starts. And `executor.shutdown(options)`, with `options`
//! `ShutdownOptions::default().wait(false).cancel_futures(true)`, cancels
//! what is queued.

use std::collections::HashMap;
use std::sync::Arc;

use concurrent_futures::{
    Executor, FutureError, ShutdownOptions, ThreadPoolExecutor, as_completed,
};
use flags_common::{Counter, Settings, idle_connections, status_of};
use flags_sequential::{download_one, http};

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
    todo!("submit tasks that start nothing after Ctrl-C; count what ends")
}
