//! Exercise 2: the prime checker of `proc_pool.py` on scoped threads, with
//! the results reported in submission order, each as soon as it and every
//! one before it are known.
//!
//! Write [`check_in_order`]. The tests give it a `check` of their own and
//! check that:
//! - every number is reported once, with its answer, in the order of
//!   `numbers`, even when a later number finishes first;
//! - exactly `workers` checks run at once, on `workers` threads.
//!
//! Run `cargo xtask exercise 2` to check your answer.
//!
//! Useful: `std::thread::scope`; an `AtomicUsize` holding the position of
//! the next number to check; an `mpsc` channel on which the workers send
//! `(position, result)` as they finish; a `HashMap` for the results that
//! come before their turn.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use primes::PrimeResult;

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
    todo!("check on `workers` scoped threads, report in submission order")
}
