//! `as_completed`, as CPython's
//! `Lib/test/test_concurrent_futures/test_as_completed.py` checks it, on
//! the thread pool and on the process pool (each test names the one it
//! mirrors), plus the order it promises: each future once, in the order
//! they finish.

// The shared tests are generic functions that `on_both_pools!` wraps in
// `#[test]`s; clippy's allow-unwrap-in-tests does not see through that.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;
use std::time::Duration;

use concurrent_futures::{
    Future, ThreadPoolExecutor, TimeoutError, as_completed,
    as_completed_timeout,
};
use support::{
    Gate, Pool, cancelled_and_notified_future, exception_future,
    gated_closure as gated, mul, pending_future, running_future, set,
    successful_future,
};

procspawn::enable_test_support!();

/// Mirrors `test_no_timeout`: every future comes out, those already done
/// (finished, failed or cancelled) and the one that finishes later.
fn test_no_timeout<P: Pool>() {
    let executor = P::with_workers(2);
    let notified = cancelled_and_notified_future();
    let failed = exception_future();
    let successful = successful_future();
    let future1 = executor.submit_fn(mul, (2, 21)).unwrap();
    let future2 = executor.submit_fn(mul, (7, 6)).unwrap();
    let all = [&notified, &failed, &successful, &future1, &future2];
    assert_eq!(set(as_completed(all)), set(all));
}

/// Mirrors `test_future_times_out`: with a timeout of 0 and a short one,
/// the done futures come out, then the timeout, while a task is held at a
/// gate.
fn test_future_times_out<P: Pool>() {
    let executor = P::with_workers(2);
    let notified = cancelled_and_notified_future();
    let failed = exception_future();
    let successful = successful_future();
    for timeout in [Duration::ZERO, Duration::from_millis(100)] {
        let mut gate = Gate::new();
        let blocked = gate.submit(&executor);
        let all = [&notified, &failed, &successful, &blocked];
        let mut completed = Vec::new();
        let mut timed_out = None;
        for next in as_completed_timeout(all, timeout) {
            match next {
                Ok(future) => completed.push(future),
                Err(error) => timed_out = Some(error),
            }
        }
        assert_eq!(set(completed), set([&notified, &failed, &successful]));
        assert_eq!(timed_out, Some(TimeoutError { unfinished: 1, total: 4 }));
        gate.open();
        blocked.result().unwrap();
    }
}

/// Mirrors `test_duplicate_futures` (CPython bpo-20367): a future given
/// three times is yielded once.
fn test_duplicate_futures<P: Pool>() {
    let executor = P::with_workers(2);
    let future = executor.submit_fn(mul, (2, 2)).unwrap();
    assert_eq!(as_completed([&future, &future, &future]).count(), 1);
}

on_both_pools!(test_no_timeout, test_future_times_out, test_duplicate_futures);

/// Mirrors `test_correct_timeout_exception_msg`: CPython's message, `2
/// (of 4) futures unfinished`.
#[test]
fn test_correct_timeout_exception_msg() {
    let (pending, _p) = pending_future::<u64>();
    let (running, _r) = running_future();
    let notified = cancelled_and_notified_future();
    let successful = successful_future();
    let all = [&pending, &running, &notified, &successful];
    let error = as_completed_timeout(all, Duration::ZERO)
        .find_map(Result::err)
        .unwrap();
    assert_eq!(error.to_string(), "2 (of 4) futures unfinished");
}

/// The futures come out in the order they finish, not the order given:
/// the test lets the tasks finish in the order 2, 0, 1, one at a time,
/// and reads one future after letting each go.
#[test]
fn yields_in_finishing_order() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    let tasks: Vec<_> = (0..3).map(|n| gated(&executor, n)).collect();
    let futures: Vec<&Future<u32>> = tasks.iter().map(|t| &t.future).collect();
    let mut completed = as_completed(futures.iter().copied());
    for n in [2, 0, 1] {
        tasks[n].open();
        let next = completed.next().unwrap();
        assert_eq!(next.result(), Ok(&(n as u32)));
    }
    assert!(completed.next().is_none());
}

/// What `download_many` does: futures as keys of a map, `as_completed`
/// over the keys, and each yielded future used to index the map.
#[test]
fn yields_the_keys_of_a_to_do_map() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    let mut to_do_map = HashMap::new();
    for cc in ["BR", "CN", "ID"] {
        to_do_map
            .insert(executor.submit(move || cc.to_lowercase()).unwrap(), cc);
    }
    let mut seen: Vec<String> = as_completed(to_do_map.keys())
        .map(|future| {
            let cc = to_do_map[future];
            format!("{cc}:{}", future.result().unwrap())
        })
        .collect();
    seen.sort();
    assert_eq!(seen, ["BR:br", "CN:cn", "ID:id"]);
}

/// A future cancelled while it waits in the queue comes out of
/// `as_completed` once the pool reaches it, as CPython's
/// `CANCELLED_AND_NOTIFIED`.
#[test]
fn a_cancelled_future_comes_out_once_the_pool_reaches_it() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let blocker = gated(&executor, 0);
    let cancelled = executor.submit(|| 1).unwrap();
    blocker.wait_started();
    cancelled.cancel();
    let mut completed = as_completed([&cancelled, &blocker.future]);
    blocker.open();
    let first = completed.next().unwrap();
    let second = completed.next().unwrap();
    assert_eq!(set([first, second]), set([&cancelled, &blocker.future]));
}
