//! The shared `ExecutorTest` of CPython's
//! `Lib/test/test_concurrent_futures/executor.py`, run on the thread pool
//! and on the process pool, as CPython runs it on every executor: submit,
//! map with its options, and the bound on `max_workers`. Each test names
//! the one it mirrors.

// The shared tests are generic functions that `on_both_pools!` wraps in
// `#[test]`s; clippy's allow-unwrap-in-tests does not see through that.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use concurrent_futures::{FutureError, MapOptions, ShutdownOptions};
use support::{Gate, Pool, divmod, gated_or_quick, pow};

procspawn::enable_test_support!();

fn to_string(n: u64) -> String {
    n.to_string()
}

fn add((a, b): (u64, u64)) -> u64 {
    a + b
}

/// The `pow(i, i)` of CPython's `test_map`, for `0..n`.
fn powers(n: u64) -> Vec<u64> {
    (0..n).map(|i| pow((i, i as u32))).collect()
}

/// Mirrors `test_submit`: `submit(pow, 2, 8)` is 256.
fn test_submit<P: Pool>() {
    let executor = P::with_workers(2);
    assert_eq!(executor.submit_fn(pow, (2, 8)).unwrap().into_result(), Ok(256));
}

/// Mirrors `test_map`: over two iterables (zipped), with and without
/// `chunksize`, the results are those of a plain `map`.
fn test_map<P: Pool>() {
    let executor = P::with_workers(2);
    let args = || (0..10u64).zip(0..10u32);
    let plain: Vec<_> = executor.map(pow, args()).map(Result::unwrap).collect();
    assert_eq!(plain, powers(10));
    let options = MapOptions::default().chunksize(3);
    let chunked: Vec<_> =
        executor.map_with(pow, args(), options).map(Result::unwrap).collect();
    assert_eq!(chunked, powers(10));
}

/// Mirrors `test_map_exception`: a failing task's panic comes in its
/// place, as `next()` raises `ZeroDivisionError`, and the results after it
/// still come; then the iterator is over, and stays over. With
/// `chunksize=3` the failing input is the second of its chunk, and only
/// that input fails.
fn test_map_exception<P: Pool>() {
    let executor = P::with_workers(2);
    let mut results = executor.map(divmod, [(5, 2), (5, 3), (5, 0), (5, 5)]);
    assert_eq!(results.next(), Some(Ok((2, 1))));
    assert_eq!(results.next(), Some(Ok((1, 2))));
    let error = results.next().unwrap().unwrap_err();
    assert!(matches!(error, FutureError::Panicked(_)), "{error}");
    assert_eq!(results.next(), Some(Ok((1, 0))));
    assert_eq!(results.next(), None);
    assert_eq!(results.next(), None);
}

/// Mirrors the `chunksize=3` half of `test_map_exception`: one outcome per
/// input, so the failing input is an error of its own and the others of
/// its chunk are results.
fn test_map_exception_chunked<P: Pool>() {
    let executor = P::with_workers(2);
    let options = MapOptions::default().chunksize(3);
    let mut results =
        executor.map_with(divmod, [(5, 2), (5, 0), (5, 3), (5, 5)], options);
    assert_eq!(results.next(), Some(Ok((2, 1))));
    let error = results.next().unwrap().unwrap_err();
    assert!(matches!(error, FutureError::Panicked(_)), "{error}");
    assert_eq!(results.next(), Some(Ok((1, 2))));
    assert_eq!(results.next(), Some(Ok((1, 0))));
    assert_eq!(results.next(), None);
    assert_eq!(results.next(), None);
}

/// CPython's `timeout_on_one`: input 1 fails with what the task itself
/// calls a timeout (a panic, as a Rust task raises), the others return.
fn timeout_on_one(x: u64) -> u64 {
    if x == 1 {
        panic!("TimeoutError");
    }
    x
}

/// Mirrors `test_map_timeout_from_callable`: a task failing with its own
/// "timeout" is that task's error, not `map`'s timeout, with or without a
/// `map` timeout: the results after it still come, then the end.
fn test_map_timeout_from_callable<P: Pool>() {
    let executor = P::with_workers(2);
    // CPython's `support.SHORT_TIMEOUT`: long enough never to be reached.
    for timeout in [None, Some(Duration::from_secs(30))] {
        let options = match timeout {
            Some(timeout) => MapOptions::default().timeout(timeout),
            None => MapOptions::default(),
        };
        let mut results = executor.map_with(timeout_on_one, 0..4, options);
        assert_eq!(results.next(), Some(Ok(0)));
        let error = results.next().unwrap().unwrap_err();
        assert!(
            matches!(error, FutureError::Panicked(ref m) if m == "TimeoutError"),
            "{error}"
        );
        assert_eq!(results.next(), Some(Ok(2)));
        assert_eq!(results.next(), Some(Ok(3)));
        assert_eq!(results.next(), None);
    }
}

/// Mirrors `test_map_timeout`: the task held at a gate is a
/// `TimeoutError`, and the iterator is then over, and stays over. Which of
/// the two quick results come first depends on how soon the workers start
/// on a loaded machine, so any of them may be missing, as CPython accepts
/// since gh-110097; no assertion depends on the clock.
fn test_map_timeout<P: Pool>() {
    let executor = P::with_workers(2);
    let mut gate = Gate::new();
    let timeout = Duration::from_millis(500);
    let options = MapOptions::default().timeout(timeout);
    let mut results =
        executor.map_with(gated_or_quick, [0, 0, gate.port()], options);
    let mut outcomes: Vec<_> = results.by_ref().collect();
    assert_eq!(outcomes.pop(), Some(Err(FutureError::Timeout(timeout))));
    assert!(outcomes.len() <= 2, "{outcomes:?}");
    assert!(outcomes.iter().all(|r| *r == Ok(0)), "{outcomes:?}");
    assert_eq!(results.next(), None);
    assert_eq!(results.next(), None);
    gate.open();
}

/// Differs from `test_map_close`, which calls `next()` after `close()`
/// (with and without `chunksize`) and gets `StopIteration`: closing is
/// dropping here, after which `next` cannot be written. What dropping the
/// results after reading one does is checked instead: the tasks not yet
/// started are cancelled; a task held at the second gate would connect to
/// it if it ran, and never does.
fn test_map_close<P: Pool>() {
    let executor = P::with_workers(1);
    let mut running = Gate::new();
    let never = Gate::new();
    let mut results =
        executor.map(gated_or_quick, [0, running.port(), never.port()]);
    assert_eq!(results.next(), Some(Ok(0)));
    running.wait_started();
    drop(results);
    running.open();
    executor.shutdown(ShutdownOptions::default());
    assert!(!never.was_reached());
}

/// Mirrors `test_shutdown_race_issue12456`: a `map` of more tasks than
/// workers, never read, then `shutdown()`, does not hang.
fn test_shutdown_race_issue12456<P: Pool>() {
    let executor = P::with_workers(2);
    drop(executor.map(to_string, [2; 3]));
    executor.shutdown(ShutdownOptions::default());
}

/// Mirrors `test_max_workers_negative`: 0 workers is refused with
/// CPython's message (a negative count cannot be written in Rust).
fn test_max_workers_negative<P: Pool>() {
    let error = P::try_new(0).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(error.to_string(), "max_workers must be greater than 0");
}

/// Mirrors `test_map_buffersize`: with any buffer size the results are
/// all there, in order.
fn test_map_buffersize<P: Pool>() {
    let executor = P::with_workers(2);
    for buffersize in [1, 2, 4, 8] {
        let options = MapOptions::default().buffersize(buffersize);
        let results: Vec<String> = executor
            .map_with(to_string, 0..4, options)
            .map(Result::unwrap)
            .collect();
        assert_eq!(results, ["0", "1", "2", "3"]);
    }
}

/// Mirrors `test_map_buffersize_on_multiple_iterables`: two iterables,
/// zipped, with any buffer size.
fn test_map_buffersize_on_multiple_iterables<P: Pool>() {
    let executor = P::with_workers(2);
    for buffersize in [1, 2, 4, 8] {
        let options = MapOptions::default().buffersize(buffersize);
        let results: Vec<u64> = executor
            .map_with(add, (0..4).zip(0..4), options)
            .map(Result::unwrap)
            .collect();
        assert_eq!(results, [0, 2, 4, 6]);
    }
}

/// Mirrors `test_map_buffersize_on_infinite_iterable`: with a buffer, an
/// endless iterator can be mapped and read.
fn test_map_buffersize_on_infinite_iterable<P: Pool>() {
    let executor = P::with_workers(2);
    let options = MapOptions::default().buffersize(2);
    let mut results = executor.map_with(to_string, 0.., options);
    assert_eq!(results.next(), Some(Ok("0".to_owned())));
    assert_eq!(results.next(), Some(Ok("1".to_owned())));
    assert_eq!(results.next(), Some(Ok("2".to_owned())));
}

/// Mirrors `test_map_buffersize_on_multiple_infinite_iterables`: two
/// endless iterators, zipped.
fn test_map_buffersize_on_multiple_infinite_iterables<P: Pool>() {
    let executor = P::with_workers(2);
    let options = MapOptions::default().buffersize(2);
    let mut results = executor.map_with(add, (0..).zip(0..), options);
    assert_eq!(results.next(), Some(Ok(0)));
    assert_eq!(results.next(), Some(Ok(2)));
    assert_eq!(results.next(), Some(Ok(4)));
}

/// Mirrors `test_map_buffersize_on_empty_iterable`: nothing in, nothing
/// out.
fn test_map_buffersize_on_empty_iterable<P: Pool>() {
    let executor = P::with_workers(2);
    let options = MapOptions::default().buffersize(2);
    assert_eq!(executor.map_with(to_string, 0..0, options).count(), 0);
}

/// Differs from `test_map_buffersize_value_validation`, where a
/// `buffersize` of 0 (or -1) raises `ValueError`: `map` returns its
/// iterator, not a `Result`, so a `buffersize` of 0 is taken as 1, as
/// `MapOptions::buffersize` documents (and -1 cannot be written). An
/// endless iterator mapped with it is read one result at a time.
fn test_map_buffersize_value_validation<P: Pool>() {
    let executor = P::with_workers(2);
    let options = MapOptions::default().buffersize(0);
    let mut results = executor.map_with(to_string, 0.., options);
    assert_eq!(results.next(), Some(Ok("0".to_owned())));
    assert_eq!(results.next(), Some(Ok("1".to_owned())));
}

/// Mirrors `test_map_buffersize_when_buffer_is_full`: a `map` never read
/// takes only `buffersize` arguments from its iterator.
fn test_map_buffersize_when_buffer_is_full<P: Pool>() {
    let executor = P::with_workers(2);
    let mut ints = 0..4;
    let options = MapOptions::default().buffersize(2);
    drop(executor.map_with(to_string, ints.by_ref(), options));
    executor.shutdown(ShutdownOptions::default());
    assert_eq!(ints.next(), Some(2));
}

on_both_pools!(
    test_submit,
    test_map,
    test_map_exception,
    test_map_exception_chunked,
    test_map_timeout_from_callable,
    test_map_timeout,
    test_map_close,
    test_shutdown_race_issue12456,
    test_max_workers_negative,
    test_map_buffersize,
    test_map_buffersize_on_multiple_iterables,
    test_map_buffersize_on_infinite_iterable,
    test_map_buffersize_on_multiple_infinite_iterables,
    test_map_buffersize_on_empty_iterable,
    test_map_buffersize_when_buffer_is_full,
    test_map_buffersize_value_validation,
);
