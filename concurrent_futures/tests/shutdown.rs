//! Shutting a thread pool down, as CPython's
//! `Lib/test/test_concurrent_futures/test_shutdown.py` checks it (each test
//! names the one it mirrors): waiting, cancelling, and refusing new tasks.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use concurrent_futures::{
    Executor, FutureError, ShutdownOptions, ThreadPoolExecutor,
};
use support::gated_closure as gated;

/// Mirrors `test_run_after_shutdown`: a task submitted after shutdown
/// fails with CPython's `RuntimeError` message, and never runs.
#[test]
fn submit_after_shutdown_fails() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    executor.shutdown(ShutdownOptions::default());
    let future = executor.submit(|| 2u32.pow(5)).unwrap();
    assert_eq!(future.result(), Err(FutureError::Shutdown));
    assert_eq!(
        FutureError::Shutdown.to_string(),
        "cannot schedule new futures after shutdown"
    );
}

/// Mirrors `test_hang_issue12364`: shutdown with 50 tasks queued runs
/// them all, and every result is there afterwards.
#[test]
fn shutdown_runs_every_queued_task() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let futures: Vec<_> =
        (0..50u32).map(|n| executor.submit(move || n).unwrap()).collect();
    executor.shutdown(ShutdownOptions::default());
    assert!(futures.iter().all(|f| f.done()));
    let total: u32 = futures.iter().map(|f| *f.result().unwrap()).sum();
    assert_eq!(total, (0..50u32).sum::<u32>());
}

/// Mirrors `test_cancel_futures`: with `cancel_futures`, the queued tasks
/// are cancelled and the running one finishes.
#[test]
fn shutdown_with_cancel_futures_cancels_the_queued_tasks() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let running = gated(&executor, 1);
    let queued: Vec<_> =
        (0..50u32).map(|n| executor.submit(move || n).unwrap()).collect();
    running.wait_started();
    executor
        .shutdown(ShutdownOptions::default().wait(false).cancel_futures(true));
    running.open();
    executor.shutdown(ShutdownOptions::default());
    assert_eq!(running.future.result(), Ok(&1));
    assert!(queued.iter().all(|f| f.cancelled()));
}

/// Mirrors `test_context_manager_shutdown`: dropping the executor, as
/// leaving its `with` block, waits for every task.
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

/// Mirrors `test_hang_gh94440`: a task cancelled right before shutdown
/// does not make shutdown hang.
#[test]
fn shutdown_after_a_cancel_does_not_hang() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    executor.submit(|| 0).unwrap().result().unwrap();
    executor.submit(|| 0).unwrap().cancel();
    executor.shutdown(ShutdownOptions::default());
}
