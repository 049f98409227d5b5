//! Exercise 1: `download_many` on `std::thread::scope`, with an `mpsc`
//! channel standing in for `as_completed` (the shape of
//! `flags2_threadpool.py`'s `download_many`, without an executor).
//!
//! Write [`download_many`]. The tests check that:
//! - every code is downloaded and counted (OK, not found), and each flag
//!   is saved in `settings.dest`;
//! - exactly `settings.concur_req` downloads are in flight at once: not
//!   one after another, and not one thread per code.
//!
//! Run `cargo xtask exercise 1` to check your answer.
//!
//! Useful: `std::thread::scope` (its threads may borrow `cc_list`,
//! `settings` and the agent), `mpsc::channel` (send each outcome as it
//! comes), `Mutex` around the codes still to do, and, from the clients,
//! `flags_sequential::download_one` and `flags_common::status_of`.

use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};

use flags_common::{Counter, Settings, idle_connections, status_of};
use flags_sequential::{download_one, http};

/// Downloads the flags on `settings.concur_req` scoped threads and counts
/// the outcomes in the order the downloads end.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    let mut counter = Counter::default();
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http::agent(settings.timeout, idle);
    todo!("start concur_req scoped workers and count what they send back")
}
