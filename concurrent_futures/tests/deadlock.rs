//! A process pool whose tasks crash, exit, panic, or whose data cannot
//! cross to or from the worker, as CPython's
//! `Lib/test/test_concurrent_futures/test_deadlock.py` checks it (each
//! test names the one it mirrors): every future gets an outcome, and
//! nothing hangs. Serde errors stand for CPython's pickling errors.

// The helpers the tests share unwrap as the tests do; clippy's
// allow-unwrap-in-tests only sees `#[test]` functions.
#![allow(clippy::unwrap_used)]

mod support;

use serde::de::{self, Deserializer};
use serde::ser::{self, Serializer};
use serde::{Deserialize, Serialize};

use concurrent_futures::{
    Executor, FutureError, ProcessPoolExecutor, ShutdownOptions,
};
use support::exit;

procspawn::enable_test_support!();

/// Serializes to nothing: writing it fails, as an object that cannot be
/// pickled.
#[derive(Debug)]
struct Unsendable;

impl Serialize for Unsendable {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom("cannot be serialized"))
    }
}

impl<'de> Deserialize<'de> for Unsendable {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Ok(Unsendable)
    }
}

/// Serializes as a unit but cannot be read back: unpickling fails.
#[derive(Debug)]
struct Unreadable;

impl Serialize for Unreadable {
    fn serialize<S: Serializer>(
        &self,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for Unreadable {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(de::Error::custom("cannot be deserialized"))
    }
}

fn take_unsendable(_: Unsendable) -> u32 {
    0
}

fn take_unreadable(_: Unreadable) -> u32 {
    0
}

fn give_unsendable(_: ()) -> Unsendable {
    Unsendable
}

fn give_unreadable(_: ()) -> Unreadable {
    Unreadable
}

fn crash(_: ()) -> u32 {
    std::process::abort()
}

fn raise(_: ()) -> u32 {
    panic!("an error in the task");
}

fn crash_with_data(data: String) -> u32 {
    if !data.is_empty() {
        std::process::abort();
    }
    0
}

fn transport(outcome: Result<impl std::fmt::Debug, FutureError>) -> bool {
    matches!(outcome, Err(FutureError::Transport(_)))
}

fn broken(outcome: Result<impl std::fmt::Debug, FutureError>) -> bool {
    matches!(outcome, Err(FutureError::BrokenProcessPool(_)))
}

/// Mirrors `test_crash_during_func_exec_on_worker`: a task that crashes
/// its worker breaks the pool.
#[test]
fn test_crash_during_func_exec_on_worker() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    assert!(broken(executor.submit(crash, ()).unwrap().into_result()));
}

/// Mirrors `test_exit_during_func_exec_on_worker`: a task that exits its
/// worker breaks the pool.
#[test]
fn test_exit_during_func_exec_on_worker() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    assert!(broken(executor.submit(exit, 1).unwrap().into_result()));
}

/// Mirrors `test_error_during_func_exec_on_worker`: a task's error (its
/// panic) is raised from `result()`, and the pool is not broken.
#[test]
fn test_error_during_func_exec_on_worker() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let outcome = executor.submit(raise, ()).unwrap().into_result();
    assert!(matches!(outcome, Err(FutureError::Panicked(_))), "{outcome:?}");
    assert!(executor.submit(raise, ()).is_ok());
}

/// Mirrors `test_error_at_task_pickle`: an argument that cannot be
/// serialized is that task's error.
#[test]
fn test_error_at_task_pickle() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let future = executor.submit(take_unsendable, Unsendable).unwrap();
    assert!(transport(future.into_result()));
}

/// Mirrors `test_error_at_task_unpickle`: an argument the worker cannot
/// read is that task's error, and the worker lives on.
#[test]
fn test_error_at_task_unpickle() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let future = executor.submit(take_unreadable, Unreadable).unwrap();
    assert!(transport(future.into_result()));
    assert!(executor.submit(exit, 0).is_ok());
}

/// Mirrors `test_error_during_result_pickle_on_worker`: a result the
/// worker cannot serialize is that task's error.
#[test]
fn test_error_during_result_pickle_on_worker() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let future = executor.submit(give_unsendable, ()).unwrap();
    assert!(transport(future.into_result()));
}

/// Mirrors `test_error_during_result_unpickle_in_result_handler`: a
/// result the parent cannot read is that task's error.
#[test]
fn test_error_during_result_unpickle_in_result_handler() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let future = executor.submit(give_unreadable, ()).unwrap();
    assert!(transport(future.into_result()));
}

/// Mirrors `test_shutdown_deadlock`: `shutdown()` while a task is
/// crashing its worker returns, and the task's future is failed.
#[test]
fn test_shutdown_deadlock() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let future = executor.submit(crash, ()).unwrap();
    executor.shutdown(ShutdownOptions::default());
    assert!(broken(future.into_result()));
}

/// Mirrors `test_shutdown_deadlock_pickle`: `shutdown()` with a result
/// that cannot be read on its way returns, and the future has the error.
#[test]
fn test_shutdown_deadlock_pickle() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let future = executor.submit(give_unreadable, ()).unwrap();
    executor.shutdown(ShutdownOptions::default());
    assert!(transport(future.into_result()));
}

/// Mirrors `test_crash_big_data`: workers that crash while large
/// arguments are on their way break the pool without hanging.
#[test]
fn test_crash_big_data() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let data = "a".repeat(1 << 20);
    let outcomes: Vec<_> =
        executor.map(crash_with_data, vec![data; 10]).collect();
    assert!(outcomes.iter().all(|outcome| broken(
        outcome.as_ref().map(|_| ()).map_err(Clone::clone)
    )));
}
