//! Shutting a pool down, as CPython's
//! `Lib/test/test_concurrent_futures/test_shutdown.py` checks it (each test
//! names the one it mirrors): waiting, cancelling, refusing new tasks, and
//! the workers' ends; the shared tests on both pools, then each pool's own.

// The shared tests are generic functions that `on_both_pools!` wraps in
// `#[test]`s; clippy's allow-unwrap-in-tests does not see through that.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use concurrent_futures::{
    Executor, FutureError, ProcessPoolExecutor, ShutdownOptions,
    ThreadPoolExecutor,
};
use support::{
    Gate, Pool, gated_closure as gated, limited, mul, running_then_queued,
};

procspawn::enable_test_support!();

fn no_wait() -> ShutdownOptions {
    ShutdownOptions::default().wait(false)
}

/// Mirrors `test_run_after_shutdown`: `submit` after shutdown refuses,
/// with CPython's `RuntimeError` message.
fn test_run_after_shutdown<P: Pool>() {
    let executor = P::with_workers(2);
    executor.shutdown(ShutdownOptions::default());
    let refused = executor.submit_fn(mul, (2, 5)).unwrap_err();
    assert_eq!(refused, FutureError::Shutdown);
    assert_eq!(
        refused.to_string(),
        "cannot schedule new futures after shutdown"
    );
}

/// Mirrors `test_hang_issue12364`: shutdown with 50 tasks queued runs them
/// all, and every result is there afterwards.
fn test_hang_issue12364<P: Pool>() {
    let executor = P::with_workers(2);
    let futures: Vec<_> =
        (0..50).map(|n| executor.submit_fn(mul, (n, 2)).unwrap()).collect();
    executor.shutdown(ShutdownOptions::default());
    let total: u64 = futures.iter().map(|f| *f.result().unwrap()).sum();
    assert_eq!(total, (0..50).map(|n| n * 2).sum::<u64>());
}

/// Mirrors `test_cancel_futures`: with `cancel_futures`, every queued task
/// is cancelled before `shutdown` returns, and the running one finishes.
fn test_cancel_futures<P: Pool>() {
    let executor = P::with_workers(1);
    let (mut gate, running, queued) =
        running_then_queued(&executor, (0..50).map(|n| (n, 1)));
    executor.shutdown(no_wait().cancel_futures(true));
    assert!(queued.iter().all(|f| f.cancelled()));
    gate.open();
    assert!(running.result().is_ok());
}

/// Mirrors `test_cancel_futures_wait_false`: `shutdown(wait=False,
/// cancel_futures=True)` returns while a task still runs, and the program
/// goes on to its end without hanging.
fn test_cancel_futures_wait_false<P: Pool>() {
    let executor = P::with_workers(1);
    let (mut gate, running, queued) = running_then_queued(&executor, [(1, 1)]);
    executor.shutdown(no_wait().cancel_futures(true));
    assert!(!running.done() && queued[0].cancelled());
    gate.open();
    drop(executor);
    assert!(running.done());
}

/// Mirrors `test_hang_gh83386`: a pool shut down without waiting, with a
/// task still running, is then dropped (the end of the `with` block and of
/// the program) and that waits for the task rather than hanging.
fn test_hang_gh83386<P: Pool>() {
    let executor = P::with_workers(1);
    let mut gate = Gate::new();
    let running = gate.submit(&executor);
    gate.wait_started();
    executor.shutdown(no_wait());
    gate.open();
    drop(executor);
    assert!(running.result().is_ok());
}

/// Mirrors `test_shutdown_no_wait` (both pools have one): `shutdown(wait=
/// False)` returns at once; the queued tasks still run and their results
/// come.
fn test_shutdown_no_wait<P: Pool>() {
    let executor = P::with_workers(2);
    let (mut gate, running, queued) =
        running_then_queued(&executor, (0..4).map(|n| (n, 3)));
    executor.shutdown(no_wait());
    assert!(!running.done());
    gate.open();
    let results: Vec<u64> =
        queued.iter().map(|f| *f.result().unwrap()).collect();
    assert_eq!(results, [0, 3, 6, 9]);
    assert!(running.result().is_ok());
}

/// Mirrors `test_context_manager_shutdown` (both pools have one):
/// dropping the executor, as leaving its `with` block, waits for every
/// task, whose results stay readable.
fn test_context_manager_shutdown<P: Pool>() {
    let executor = P::with_workers(2);
    let futures: Vec<_> =
        (0..6).map(|n| executor.submit_fn(mul, (n, n)).unwrap()).collect();
    drop(executor);
    assert!(futures.iter().all(|f| f.done()));
    assert_eq!(futures[5].result(), Ok(&25));
}

on_both_pools!(
    test_run_after_shutdown,
    test_hang_issue12364,
    test_cancel_futures,
    test_cancel_futures_wait_false,
    test_hang_gh83386,
    test_shutdown_no_wait,
    test_context_manager_shutdown,
);

/// Mirrors `test_hang_gh94440` (thread pool): a task cancelled right
/// before shutdown does not make shutdown hang.
#[test]
fn test_hang_gh94440() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    executor.submit(|| 0).unwrap().result().unwrap();
    executor.submit(|| 0).unwrap().cancel();
    executor.shutdown(ShutdownOptions::default());
}

thread_local! {
    /// Dropped when its thread ends: what tells the test a worker is gone.
    static END: std::cell::RefCell<Option<mpsc::Sender<()>>> =
        const { std::cell::RefCell::new(None) };
}

/// Mirrors `test_threads_terminate` (thread pool): after `shutdown()`,
/// every worker thread has ended (each one's thread-locals are dropped).
#[test]
fn test_threads_terminate() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    let barrier = Arc::new(std::sync::Barrier::new(3));
    let (end, ended) = mpsc::channel();
    for _ in 0..3 {
        let (barrier, end) = (Arc::clone(&barrier), end.clone());
        executor
            .submit(move || {
                END.with(|slot| *slot.borrow_mut() = Some(end));
                barrier.wait();
            })
            .unwrap();
    }
    drop(end);
    executor.shutdown(ShutdownOptions::default());
    // Every sender lived in a worker's thread-local: all gone means every
    // worker ended.
    assert!(ended.recv().is_err());
}

/// Mirrors `test_processes_terminate` (process pool): three tasks held at
/// once start three worker processes (they start on demand), and after
/// `shutdown()` none is left.
#[test]
fn test_processes_terminate() {
    let executor = ProcessPoolExecutor::new(5).unwrap();
    let mut gates = [Gate::new(), Gate::new(), Gate::new()];
    let futures: Vec<_> = gates.iter().map(|g| g.submit(&executor)).collect();
    gates.iter_mut().for_each(Gate::wait_started);
    assert_eq!(executor.worker_pids().len(), 3);
    gates.iter_mut().for_each(Gate::open);
    executor.shutdown(ShutdownOptions::default());
    assert!(futures.iter().all(|f| f.result().is_ok()));
    assert!(executor.worker_pids().is_empty());
}

/// CPython's `_good_task_gh_132969`: returns its argument.
fn good_task(n: u64) -> u64 {
    n
}

/// CPython's `_failing_task_gh_132969`.
fn failing_task(_: u64) -> u64 {
    panic!("failing task");
}

/// CPython's `_run_test_issue_gh_132969`: with `max_tasks_per_child=1`, a
/// good task, a failing one and a good one; the results are added up to
/// the first error; then `shutdown(wait=False)`, and the pool still ends
/// (dropping it waits for its threads and workers).
fn run_gh_132969(max_workers: usize) -> u64 {
    let executor = limited(max_workers, 1);
    let f1 = executor.submit(good_task, 1).unwrap();
    let f2 = executor.submit(failing_task, 2).unwrap();
    let f3 = executor.submit(good_task, 3).unwrap();
    let mut result = 0;
    for future in [&f1, &f2, &f3] {
        match future.result() {
            Ok(n) => result += n,
            Err(error) => {
                assert!(matches!(error, FutureError::Panicked(_)), "{error}");
                break;
            }
        }
    }
    executor.shutdown(no_wait());
    drop(executor);
    result
}

/// Mirrors `test_shutdown_gh_132969_case_1` (process pool, 2 workers): the
/// first result, then the failing task's error, and `shutdown(wait=False)`
/// ends cleanly.
#[test]
fn test_shutdown_gh_132969_case_1() {
    assert_eq!(run_gh_132969(2), 1);
}

/// Mirrors `test_shutdown_gh_132969_case_2` (process pool): the same with
/// 4 workers, where CPython also hung.
#[test]
fn test_shutdown_gh_132969_case_2() {
    assert_eq!(run_gh_132969(4), 1);
}

/// With `cancel_futures`, the queued closures of a thread pool are
/// cancelled and the running one finishes.
#[test]
fn shutdown_with_cancel_futures_cancels_the_queued_closures() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let running = gated(&executor, 1);
    let queued: Vec<_> =
        (0..50u32).map(|n| executor.submit(move || n).unwrap()).collect();
    running.wait_started();
    executor.shutdown(no_wait().cancel_futures(true));
    running.open();
    executor.shutdown(ShutdownOptions::default());
    assert_eq!(running.future.result(), Ok(&1));
    assert!(queued.iter().all(|f| f.cancelled()));
}

/// Dropping the thread pool waits for every closure it was given.
#[test]
fn drop_waits_for_every_task() {
    let ran = Arc::new(AtomicUsize::new(0));
    let executor = ThreadPoolExecutor::new(3).unwrap();
    for _ in 0..30 {
        let ran = Arc::clone(&ran);
        executor.submit(move || ran.fetch_add(1, Ordering::SeqCst)).unwrap();
    }
    drop(executor);
    assert_eq!(ran.load(Ordering::SeqCst), 30);
}
