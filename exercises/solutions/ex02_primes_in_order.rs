//! Exercise 2, solved: the prime checker of `proc_pool.py` on scoped
//! threads, each result reported in submission order as soon as it and
//! every one before it are known.
//!
//! The book's `executor.map` hands back results in submission order; here
//! the workers send theirs as they finish, with their position, and the
//! caller keeps the early ones until their turn comes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use primes::PrimeResult;

// ANCHOR: check_in_order
/// Runs `check` on every number of `numbers` on `workers` scoped threads,
/// and calls `report` with each result in the order of `numbers`.
pub fn check_in_order<F>(
    numbers: &[u64],
    workers: usize,
    check: F,
    mut report: impl FnMut(PrimeResult),
) where
    F: Fn(u64) -> PrimeResult + Sync,
{
    // The position of the next number to check: a worker that is free
    // takes it, so no worker idles while numbers are left.
    let next = AtomicUsize::new(0);
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let (done_tx, next, check) = (done_tx.clone(), &next, &check);
            scope.spawn(move || {
                loop {
                    // Relaxed: the counter hands out positions and carries
                    // no other data.
                    let position = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&n) = numbers.get(position) else { break };
                    if done_tx.send((position, check(n))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        // Results arrive in completion order; those that come before their
        // turn wait here until every earlier one has been reported.
        let mut early = HashMap::new();
        let mut turn = 0;
        for (position, result) in done_rx {
            early.insert(position, result);
            while let Some(result) = early.remove(&turn) {
                report(result);
                turn += 1;
            }
        }
    });
}
// ANCHOR_END: check_in_order
