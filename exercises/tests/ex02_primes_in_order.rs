//! Exercise 2: the prime checker on scoped threads, results reported in
//! submission order. The tests give `check_in_order` a `check` of their
//! own, which decides when each number is done.

mod support;

use std::sync::{Condvar, Mutex, PoisonError};

use exercises::ex02_primes_in_order::check_in_order;
use primes::{PrimeResult, check, is_prime};
use support::{GUARD, Gate};

/// Small numbers: `is_prime` answers them at once, even unoptimised.
fn numbers() -> Vec<u64> {
    (2..=41).collect()
}

/// What the report should say, in submission order.
fn expected() -> Vec<(u64, bool)> {
    numbers().into_iter().map(|n| (n, is_prime(n))).collect()
}

/// Every number is reported once, with the right answer, in the order
/// the numbers were given.
#[test]
fn every_number_is_reported_in_submission_order() {
    let mut reported = Vec::new();
    check_in_order(&numbers(), 4, check, |r: PrimeResult| {
        reported.push((r.n, r.prime));
    });
    assert_eq!(reported, expected());
}

/// The first number ends only after another one has: it is still
/// reported first.
#[test]
fn a_result_that_ends_late_is_still_reported_in_its_place() {
    let numbers = numbers();
    // How many checks other than the first have ended.
    let others_done = (Mutex::new(0), Condvar::new());
    let first_waited_alone = Mutex::new(false);
    let slow_first = |n: u64| {
        let (done, changed) = &others_done;
        if n == numbers[0] {
            let done = done.lock().unwrap_or_else(PoisonError::into_inner);
            let (_done, timeout) = changed
                .wait_timeout_while(done, GUARD, |done| *done == 0)
                .unwrap_or_else(PoisonError::into_inner);
            *first_waited_alone.lock().unwrap() = timeout.timed_out();
            return check(n);
        }
        let result = check(n);
        *done.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        changed.notify_all();
        result
    };
    let mut reported = Vec::new();
    check_in_order(&numbers, 2, slow_first, |r| reported.push((r.n, r.prime)));
    assert!(
        !*first_waited_alone.lock().unwrap(),
        "no other number was checked while the first one was: the checks \
         ran one after another; give the workers the numbers to check, \
         each taking the next one when it is free"
    );
    assert_eq!(
        reported,
        expected(),
        "the report is not in submission order: keep a result that comes \
         early until every one before it has been reported"
    );
}

/// With 4 workers, 4 checks run at once, on 4 threads and no more.
#[test]
fn the_checks_run_on_exactly_workers_threads_at_once() {
    let gate = Gate::new(4);
    let gated = |n| {
        gate.enter();
        let result = check(n);
        gate.leave();
        result
    };
    check_in_order(&numbers(), 4, gated, |_| {});
    assert!(
        gate.reached(),
        "4 checks never ran at once (at most {}): start `workers` scoped \
         threads before waiting for any result",
        gate.peak()
    );
    assert_eq!(gate.peak(), 4, "more checks ran at once than workers");
    assert_eq!(
        gate.threads(),
        4,
        "the checks ran on {} threads: start `workers` threads once, each \
         checking number after number",
        gate.threads()
    );
}
