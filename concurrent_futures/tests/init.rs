//! The pools' `initializer`, as CPython's
//! `Lib/test/test_concurrent_futures/test_init.py` checks it (each test
//! names the one it mirrors), on both pools: it runs in every worker
//! before the tasks, and one that fails breaks the pool.

// The helpers the tests share unwrap as the tests do; clippy's
// allow-unwrap-in-tests only sees `#[test]` functions.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Mutex;

use concurrent_futures::{
    Builder, Executor, FutureError, ProcessPoolExecutor, ThreadPoolExecutor,
    process_pool,
};

procspawn::enable_test_support!();

/// Set by the initializer in each worker process, or once for the
/// threads (they share it).
static STATUS: Mutex<&str> = Mutex::new("uninitialized");

fn init(status: String) {
    *STATUS.lock().unwrap() = status.leak();
}

fn init_fail(_: ()) {
    panic!("error in initializer");
}

fn get_init_status(_: ()) -> String {
    (*STATUS.lock().unwrap()).to_owned()
}

fn initialized_status<E: Executor>(executor: &E) {
    let futures: Vec<_> = (0..5)
        .map(|_| executor.submit_fn(get_init_status, ()).unwrap())
        .collect();
    for future in futures {
        assert_eq!(future.into_result(), Ok("initialized".to_owned()));
    }
}

fn broken_status<E: Executor>(executor: &E) {
    let mut failed = 0;
    for _ in 0..5 {
        // Each is refused, or fails: the pool broke before it could run.
        let outcome = executor
            .submit_fn(get_init_status, ())
            .and_then(concurrent_futures::Future::into_result);
        let error = outcome.unwrap_err();
        assert!(error.is_broken_executor(), "{error}");
        failed += 1;
    }
    assert_eq!(failed, 5);
    let refused = executor.submit_fn(get_init_status, ()).unwrap_err();
    assert!(refused.is_broken_executor(), "{refused}");
    // What CPython logs: the initializer's error.
    assert!(refused.to_string().contains("error in initializer"), "{refused}");
}

/// Mirrors `InitializerMixin.test_initializer` on the thread pool: every
/// task sees what the initializer set.
#[test]
fn test_initializer_thread_pool() {
    let executor = Builder::default()
        .max_workers(2)
        .initializer(|| init("initialized".to_owned()))
        .build()
        .unwrap();
    initialized_status(&executor);
}

/// Mirrors `InitializerMixin.test_initializer` on the process pool: the
/// initializer, with its argument, runs in each worker process.
#[test]
fn test_initializer_process_pool() {
    let executor = process_pool::Builder::default()
        .max_workers(2)
        .initializer(init, "initialized".to_owned())
        .build()
        .unwrap();
    initialized_status(&executor);
}

/// Mirrors `FailingInitializerMixin.test_initializer` on the thread pool:
/// an initializer that panics breaks the pool (`BrokenThreadPool`), and
/// the error says why (CPython logs the initializer's exception).
#[test]
fn test_failing_initializer_thread_pool() {
    let executor: ThreadPoolExecutor = Builder::default()
        .max_workers(2)
        .initializer(|| init_fail(()))
        .build()
        .unwrap();
    broken_status(&executor);
    let error = executor.submit(|| ()).unwrap_err();
    assert!(matches!(error, FutureError::BrokenThreadPool(_)), "{error}");
}

/// Mirrors `FailingInitializerMixin.test_initializer` on the process
/// pool: `BrokenProcessPool`.
#[test]
fn test_failing_initializer_process_pool() {
    let executor: ProcessPoolExecutor = process_pool::Builder::default()
        .max_workers(2)
        .initializer(init_fail, ())
        .build()
        .unwrap();
    broken_status(&executor);
    let error = executor.submit(get_init_status, ()).unwrap_err();
    assert!(matches!(error, FutureError::BrokenProcessPool(_)), "{error}");
}
