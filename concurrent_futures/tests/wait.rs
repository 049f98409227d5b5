//! `wait`, as CPython's `Lib/test/test_concurrent_futures/test_wait.py`
//! checks it, on the thread pool and on the process pool (each test names
//! the one it mirrors), with CPython's hand-made futures for the states a
//! pool cannot be held in.

// The shared tests are generic functions that `on_both_pools!` wraps in
// `#[test]`s; clippy's allow-unwrap-in-tests does not see through that.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use concurrent_futures::{ReturnWhen, ThreadPoolExecutor, wait, wait_timeout};
use support::{
    Gate, Pool, cancelled_and_notified_future, cancelled_future, div,
    exception_future, gated_then_panic, mul, set, successful_future,
};

procspawn::enable_test_support!();

/// Mirrors `test_20369`: a future given twice is listed once.
fn test_20369<P: Pool>() {
    let executor = P::with_workers(2);
    let future = executor.submit_fn(mul, (1, 2)).unwrap();
    let result = wait([&future, &future], ReturnWhen::AllCompleted);
    assert_eq!(result.done, [&future]);
    assert!(result.not_done.is_empty());
}

/// Mirrors `test_first_completed`: returns with the one done; a future
/// cancelled but not yet seen by an executor, and a blocked one, are not
/// done.
fn test_first_completed<P: Pool>() {
    let executor = P::with_workers(2);
    let mut gate = Gate::new();
    let (cancelled, _promise) = cancelled_future();
    let future1 = executor.submit_fn(mul, (21, 2)).unwrap();
    let future2 = gate.submit(&executor);
    let result =
        wait([&cancelled, &future1, &future2], ReturnWhen::FirstCompleted);
    assert_eq!(set(result.done), set([&future1]));
    assert_eq!(set(result.not_done), set([&cancelled, &future2]));
    gate.open();
    future2.result().unwrap();
}

/// Mirrors `test_first_completed_some_already_completed`: every future
/// already done is in `done`, and it returns without waiting.
fn test_first_completed_some_already_completed<P: Pool>() {
    let executor = P::with_workers(2);
    let mut gate = Gate::new();
    let notified = cancelled_and_notified_future();
    let successful = successful_future();
    let future1 = gate.submit(&executor);
    let result =
        wait([&notified, &successful, &future1], ReturnWhen::FirstCompleted);
    assert_eq!(set(result.done), set([&notified, &successful]));
    assert_eq!(set(result.not_done), set([&future1]));
    gate.open();
    future1.result().unwrap();
}

/// Mirrors `test_first_exception`: returns when the second task fails,
/// after the first finished; the third, still blocked, is not done.
fn test_first_exception<P: Pool>() {
    let executor = P::with_workers(3);
    let mut gate1 = Gate::new();
    let mut gate2 = Gate::new();
    let future1 = executor.submit_fn(mul, (2, 21)).unwrap();
    let future2 = executor.submit_fn(gated_then_panic, gate1.port()).unwrap();
    let future3 = gate2.submit(&executor);
    let result = std::thread::scope(|scope| {
        // The second task may fail only once the first is done.
        scope.spawn(|| {
            future1.result().unwrap();
            gate1.open();
        });
        wait([&future1, &future2, &future3], ReturnWhen::FirstException)
    });
    assert_eq!(set(result.done), set([&future1, &future2]));
    assert_eq!(set(result.not_done), set([&future3]));
    gate2.open();
    future3.result().unwrap();
}

/// Mirrors `test_first_exception_some_already_complete`: the done ones
/// and the failing task are `done`; a cancelled future no executor has
/// seen, and a blocked task, are not.
fn test_first_exception_some_already_complete<P: Pool>() {
    let executor = P::with_workers(2);
    let mut gate = Gate::new();
    let successful = successful_future();
    let (cancelled, _promise) = cancelled_future();
    let notified = cancelled_and_notified_future();
    let future1 = executor.submit_fn(div, (21, 0)).unwrap();
    let future2 = gate.submit(&executor);
    let all = [&successful, &cancelled, &notified, &future1, &future2];
    let result = wait(all, ReturnWhen::FirstException);
    assert_eq!(set(result.done), set([&successful, &notified, &future1]));
    assert_eq!(set(result.not_done), set([&cancelled, &future2]));
    gate.open();
    future2.result().unwrap();
}

/// Mirrors `test_first_exception_one_already_failed`: a future that has
/// already failed makes it return at once.
fn test_first_exception_one_already_failed<P: Pool>() {
    let executor = P::with_workers(2);
    let mut gate = Gate::new();
    let failed = exception_future();
    let future1 = gate.submit(&executor);
    let result = wait([&failed, &future1], ReturnWhen::FirstException);
    assert_eq!(set(result.done), set([&failed]));
    assert_eq!(set(result.not_done), set([&future1]));
    gate.open();
    future1.result().unwrap();
}

/// Mirrors `test_all_completed`: returns when all are done, the failed
/// and cancelled ones included.
fn test_all_completed<P: Pool>() {
    let executor = P::with_workers(2);
    let successful = successful_future();
    let notified = cancelled_and_notified_future();
    let failed = exception_future();
    let future1 = executor.submit_fn(div, (2, 0)).unwrap();
    let future2 = executor.submit_fn(mul, (2, 21)).unwrap();
    let all = [&successful, &notified, &failed, &future1, &future2];
    let result = wait(all, ReturnWhen::AllCompleted);
    assert_eq!(set(result.done), set(all));
    assert!(result.not_done.is_empty());
}

/// Mirrors `test_timeout`: after the timeout, the done futures are
/// `done` and the blocked task is `not_done`.
fn test_timeout<P: Pool>() {
    let executor = P::with_workers(2);
    let mut gate = Gate::new();
    let notified = cancelled_and_notified_future();
    let failed = exception_future();
    let successful = successful_future();
    let future = gate.submit(&executor);
    let all = [&notified, &failed, &successful, &future];
    let timeout = Duration::from_millis(50);
    let result = wait_timeout(all, ReturnWhen::AllCompleted, timeout);
    assert_eq!(set(result.done), set([&notified, &failed, &successful]));
    assert_eq!(set(result.not_done), set([&future]));
    gate.open();
    future.result().unwrap();
}

on_both_pools!(
    test_20369,
    test_first_completed,
    test_first_completed_some_already_completed,
    test_first_exception,
    test_first_exception_some_already_complete,
    test_first_exception_one_already_failed,
    test_all_completed,
    test_timeout,
);

/// Mirrors `test_pending_calls_race` (thread pool only): 100 tasks held
/// by one event, let go at once and waited for with `ALL_COMPLETED`, all
/// come back.
#[test]
fn test_pending_calls_race() {
    use std::sync::{Arc, Condvar, Mutex};
    let executor = ThreadPoolExecutor::new(4).unwrap();
    let event = Arc::new((Mutex::new(false), Condvar::new()));
    let fs: Vec<_> = (0..100)
        .map(|_| {
            let event = Arc::clone(&event);
            executor
                .submit(move || {
                    let (set, changed) = &*event;
                    let mut set = set.lock().unwrap();
                    while !*set {
                        set = changed.wait(set).unwrap();
                    }
                })
                .unwrap()
        })
        .collect();
    *event.0.lock().unwrap() = true;
    event.1.notify_all();
    let result = wait(&fs, ReturnWhen::AllCompleted);
    assert_eq!(result.done.len(), 100);
}
