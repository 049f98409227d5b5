//! Exercise 1, solved: `download_many` on `std::thread::scope`, with an
//! `mpsc` channel standing in for `as_completed` (the shape of
//! `flags2_threadpool.py`'s `download_many`, without an executor).
//!
//! Scoped threads may borrow from the caller's stack, so the workers use
//! `cc_list`, `settings` and the agent by reference: no `Arc`, no clones,
//! no `'static`. The scope ends only when every worker has.

use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};

use flags_common::{Counter, Settings, idle_connections, status_of};
use flags_sequential::{download_one, http};

// ANCHOR: download_many
/// Downloads the flags on `settings.concur_req` scoped threads and counts
/// the outcomes in the order the downloads end.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    let mut counter = Counter::default();
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http::agent(settings.timeout, idle);
    // The codes no worker has taken yet. A worker takes the next one when
    // it is free, so `concur_req` downloads are in flight until the list
    // runs out, however long each one takes.
    let to_do = Mutex::new(cc_list.iter());
    // Each worker sends what it got as soon as it has it: the receiving
    // end yields the outcomes in the order they finish, as `as_completed`.
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..settings.concur_req.max(1) {
            let (done_tx, agent, to_do) = (done_tx.clone(), &agent, &to_do);
            scope.spawn(move || {
                loop {
                    // The lock is held for `next()` only, never during a
                    // download: the guard ends with this statement.
                    let next = to_do
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .next();
                    let Some(cc) = next else { break };
                    let result = download_one(agent, cc, settings);
                    if done_tx.send((cc, result)).is_err() {
                        break;
                    }
                }
            });
        }
        // The workers hold their own senders; dropping this one lets the
        // loop below end when the last worker does.
        drop(done_tx);
        for (cc, result) in done_rx {
            counter[status_of(cc, result, settings.verbose)] += 1;
        }
    });
    counter
}
// ANCHOR_END: download_many
