//! A process pool whose tasks crash, exit, panic, or whose data cannot
//! cross to or from the worker, as CPython's
//! `Lib/test/test_concurrent_futures/test_deadlock.py` checks it (each
//! test names the one it mirrors, or says how it differs): every future
//! gets an outcome, and nothing hangs. Serde errors stand for CPython's
//! pickling errors, and a `Serialize` or `Deserialize` of our own for a
//! `__reduce__` that crashes or exits.

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

/// CPython's `id`: any task that returns.
fn id(x: u32) -> u32 {
    x
}

/// Deserializing it aborts the process that reads it, as CPython's
/// `CrashAtUnpickle` segfaults while unpickled.
#[derive(Debug)]
struct CrashAtRead;

impl Serialize for CrashAtRead {
    fn serialize<S: Serializer>(
        &self,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for CrashAtRead {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        std::process::abort()
    }
}

/// Deserializing it exits the process that reads it: `ExitAtUnpickle`.
#[derive(Debug)]
struct ExitAtRead;

impl Serialize for ExitAtRead {
    fn serialize<S: Serializer>(
        &self,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for ExitAtRead {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        std::process::exit(1)
    }
}

/// Serializing it aborts the process that writes it: `CrashAtPickle`.
#[derive(Debug)]
struct CrashAtWrite;

impl Serialize for CrashAtWrite {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        std::process::abort()
    }
}

impl<'de> Deserialize<'de> for CrashAtWrite {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Ok(CrashAtWrite)
    }
}

/// Serializing it exits the process that writes it: `ExitAtPickle`.
#[derive(Debug)]
struct ExitAtWrite;

impl Serialize for ExitAtWrite {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        std::process::exit(1)
    }
}

impl<'de> Deserialize<'de> for ExitAtWrite {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Ok(ExitAtWrite)
    }
}

fn take_crash_at_read(_: CrashAtRead) -> u32 {
    0
}

fn take_exit_at_read(_: ExitAtRead) -> u32 {
    0
}

fn give_crash_at_write(_: ()) -> CrashAtWrite {
    CrashAtWrite
}

fn give_exit_at_write(_: ()) -> ExitAtWrite {
    ExitAtWrite
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

/// Differs from `test_exit_during_func_exec_on_worker`, where
/// `sys.exit(1)` in a task raises `SystemExit`, which comes back as that
/// task's exception while the pool lives on. Rust's `process::exit` raises
/// nothing: it ends the worker process on the spot, as `os._exit` does in
/// Python, so there is no exception to send back, and the pool breaks.
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

/// Differs from `test_error_at_task_unpickle`, where CPython's worker dies
/// of the error while unpickling its call item and the pool breaks
/// (`BrokenProcessPool`). Here the worker reads the task's bytes itself and
/// sends the deserialization error back as that task's error, and lives
/// on: the bytes came from our own `serde_json`, so a failure to read them
/// says something about the task, not about the worker.
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

/// Differs from `test_error_during_result_unpickle_in_result_handler`,
/// where the error while unpickling a result in CPython's result-handler
/// thread breaks the pool (`BrokenProcessPool`). Here the parent reads each
/// result where the future is set, so a result it cannot read is that
/// task's error, and the pool goes on.
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

/// Mirrors `test_shutdown_deadlock_pickle`: once the pool has run a task,
/// a task whose argument cannot be serialized, submitted just before
/// `shutdown(wait=False)`, gets that error, and nothing hangs.
#[test]
fn test_shutdown_deadlock_pickle() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    assert_eq!(executor.submit(id, 42).unwrap().into_result(), Ok(42));
    let future = executor.submit(take_unsendable, Unsendable).unwrap();
    executor.shutdown(ShutdownOptions::default().wait(false));
    assert!(transport(future.into_result()));
    drop(executor);
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

/// Mirrors `test_crash_at_task_unpickle`: a worker that crashes while it
/// deserializes a task's argument (user code: a `Deserialize` of its own)
/// breaks the pool.
#[test]
fn test_crash_at_task_unpickle() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let future = executor.submit(take_crash_at_read, CrashAtRead).unwrap();
    assert!(broken(future.into_result()));
}

/// Mirrors `test_exit_at_task_unpickle`: a worker that exits while it
/// deserializes a task's argument breaks the pool.
#[test]
fn test_exit_at_task_unpickle() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let future = executor.submit(take_exit_at_read, ExitAtRead).unwrap();
    assert!(broken(future.into_result()));
}

/// Mirrors `test_crash_during_result_pickle_on_worker`: a worker that
/// crashes while it serializes a result breaks the pool.
#[test]
fn test_crash_during_result_pickle_on_worker() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let future = executor.submit(give_crash_at_write, ()).unwrap();
    assert!(broken(future.into_result()));
}

/// Differs from `test_exit_during_result_pickle_on_worker`, where
/// `sys.exit` while pickling a result is that task's `SystemExit`: as in
/// `test_exit_during_func_exec_on_worker` above, `process::exit` ends the
/// worker with nothing to send back, and the pool breaks.
#[test]
fn test_exit_during_result_pickle_on_worker() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let future = executor.submit(give_exit_at_write, ()).unwrap();
    assert!(broken(future.into_result()));
}
