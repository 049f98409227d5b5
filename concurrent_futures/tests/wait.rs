//! `wait`, as CPython's `Lib/test/test_concurrent_futures/test_wait.py`
//! checks it (each test names the one it mirrors).

mod support;

use concurrent_futures::{Future, ReturnWhen, ThreadPoolExecutor, wait};
use support::gated;

/// Mirrors `test_first_completed`: returns when one is done; the blocked
/// one is not done.
#[test]
fn first_completed_returns_with_the_first_done() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let blocked = gated(&executor, 0);
    let quick = executor.submit(|| 21 * 2);
    let result = wait([&quick, &blocked.future], ReturnWhen::FirstCompleted);
    assert_eq!(result.done, [&quick]);
    assert_eq!(result.not_done, [&blocked.future]);
    blocked.open();
}

/// Mirrors `test_first_completed_some_already_completed`: the futures
/// already done are all in `done`, and it returns without waiting.
#[test]
fn first_completed_counts_those_already_done() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let blocked = gated(&executor, 0);
    let cancelled = executor.submit(|| 1);
    cancelled.cancel();
    let finished = Future::finished(Ok(42));
    let all = [&cancelled, &finished, &blocked.future];
    let result = wait(all, ReturnWhen::FirstCompleted);
    assert_eq!(result.done, [&cancelled, &finished]);
    assert_eq!(result.not_done, [&blocked.future]);
    blocked.open();
}

/// Mirrors `test_all_completed`: returns when all are done, failed ones
/// included.
#[test]
fn all_completed_waits_for_every_future() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let raised = executor.submit(|| -> u32 { panic!("division by zero") });
    let quick = executor.submit(|| 21 * 2);
    let finished = Future::finished(Ok(7));
    let result = wait([&finished, &raised, &quick], ReturnWhen::AllCompleted);
    assert_eq!(result.done.len(), 3);
    assert!(result.not_done.is_empty());
}

/// Mirrors `test_20369`: a future given twice is listed once.
#[test]
fn a_duplicate_future_is_listed_once() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let future = executor.submit(|| 2);
    let result = wait([&future, &future], ReturnWhen::AllCompleted);
    assert_eq!(result.done, [&future]);
    assert!(result.not_done.is_empty());
}
