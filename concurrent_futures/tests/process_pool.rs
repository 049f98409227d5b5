//! `ProcessPoolExecutor`, as CPython's
//! `Lib/test/test_concurrent_futures/test_process_pool.py` checks it (each
//! test names the one it mirrors, or says how it differs): real processes,
//! reused, replaced after `max_tasks_per_child`, broken when one dies, and
//! ended on demand.

// The helpers the tests share unwrap as the tests do; clippy's
// allow-unwrap-in-tests only sees `#[test]` functions.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashSet;
use std::io::Write;
use std::net::{Ipv4Addr, TcpListener};

use concurrent_futures::{
    Executor, FutureError, MapOptions, ProcessPoolExecutor, ShutdownOptions,
};
use support::{Gate, exit, gated, limited, mul, pid, pow, running_then_queued};

procspawn::enable_test_support!();

fn broken(outcome: Result<impl std::fmt::Debug, FutureError>) -> bool {
    matches!(outcome, Err(FutureError::BrokenProcessPool(_)))
}

fn raise_123(_: ()) -> u32 {
    panic!("123");
}

/// Mirrors `test_killed_child`: when a worker is killed from outside, its
/// task fails with `BrokenProcessPool`, and so does `submit` afterwards.
#[cfg(unix)]
#[test]
fn test_killed_child() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let mut gate = Gate::new();
    let future = gate.submit(&executor);
    gate.wait_started();
    let worker = executor.worker_pids()[0];
    let killed = std::process::Command::new("kill")
        .args(["-9", &worker.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(broken(future.result()));
    assert!(broken(executor.submit(pow, (2, 8)).map(|_| ())));
}

/// Mirrors `test_map_chunksize`: any chunk size gives the plain `map`'s
/// results.
#[test]
fn test_map_chunksize() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let args = || (0..40u64).zip(0..40u32);
    let expected: Vec<u64> = args().map(pow).collect();
    for chunksize in [6, 50, 40] {
        let options = MapOptions::default().chunksize(chunksize);
        let results: Vec<u64> = executor
            .map_with(pow, args(), options)
            .map(Result::unwrap)
            .collect();
        assert_eq!(results, expected, "chunksize {chunksize}");
    }
}

/// Differs from `test_traceback`, which checks that the worker's traceback
/// (the line that raised) is chained to the exception as its `__cause__`:
/// a Rust panic carries no traceback to send back. What is checked is what
/// does come back: the panic, with its message, as that task's error; and
/// the pool stays usable.
#[test]
fn test_traceback() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let error = executor.submit(raise_123, ()).unwrap().into_result();
    assert_eq!(error, Err(FutureError::Panicked("123".to_owned())));
    assert_eq!(executor.submit(mul, (6, 7)).unwrap().into_result(), Ok(42));
}

/// Differs from `test_traceback_when_child_process_terminates_abruptly`,
/// whose message also names the exit code ("terminated abruptly with exit
/// code 99"): the pool learns that a worker died from its closed channel,
/// not from its exit status, so the message says only that it terminated
/// abruptly, and that is what is checked.
#[test]
fn test_traceback_when_child_process_terminates_abruptly() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let error = executor.submit(exit, 99).unwrap().into_result().unwrap_err();
    assert!(error.to_string().contains("terminated abruptly"), "{error}");
}

/// Mirrors `test_saturation`: with many tasks blocked, exactly
/// `max_workers` processes run them.
#[test]
fn test_saturation() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let futures: Vec<_> =
        (0..30).map(|_| executor.submit(gated, port).unwrap()).collect();
    let mut running: Vec<_> =
        (0..2).map(|_| listener.accept().unwrap().0).collect();
    assert_eq!(executor.worker_pids().len(), 2);
    // Let them go one by one, each replaced by the next queued task.
    for _ in 2..30 {
        running.remove(0).write_all(b"go").unwrap();
        running.push(listener.accept().unwrap().0);
    }
    drop(running);
    assert!(futures.iter().all(|f| f.result().is_ok()));
    assert_eq!(executor.worker_pids().len(), 2);
}

/// Mirrors `test_idle_process_reuse_one`: tasks submitted one after
/// another, each waited for, all run in the first process.
#[test]
fn test_idle_process_reuse_one() {
    let executor = ProcessPoolExecutor::new(4).unwrap();
    for args in [(21, 2), (6, 7), (3, 14)] {
        assert_eq!(executor.submit(mul, args).unwrap().into_result(), Ok(42));
    }
    assert_eq!(executor.worker_pids().len(), 1);
}

/// Mirrors `test_idle_process_reuse_multiple`: processes start only for
/// tasks that find none idle.
#[test]
fn test_idle_process_reuse_multiple() {
    let executor = ProcessPoolExecutor::new(4).unwrap();
    executor.submit(mul, (12, 7)).unwrap().result().unwrap();
    executor.submit(mul, (33, 25)).unwrap();
    executor.submit(mul, (25, 26)).unwrap().result().unwrap();
    executor.submit(mul, (18, 29)).unwrap();
    executor.submit(mul, (1, 2)).unwrap().result().unwrap();
    executor.submit(mul, (0, 9)).unwrap();
    assert!(executor.worker_pids().len() <= 3);
    executor.shutdown(ShutdownOptions::default());
}

/// Mirrors `test_max_tasks_per_child`: a worker runs three tasks, then a
/// new one takes its place.
#[test]
fn test_max_tasks_per_child() {
    let executor = limited(1, 3);
    let pids: Vec<u32> = (0..4)
        .map(|_| executor.submit(pid, ()).unwrap().into_result().unwrap())
        .collect();
    assert_eq!(pids[0], pids[1]);
    assert_eq!(pids[0], pids[2]);
    assert_ne!(pids[0], pids[3]);
    assert_eq!(executor.worker_pids().len(), 1);
}

/// Mirrors `test_max_tasks_per_child_pending_tasks_gh115634`: with more
/// tasks queued than the workers may run, replacements take the backlog.
#[test]
fn test_max_tasks_per_child_pending_tasks_gh115634() {
    for (workers, max_tasks, tasks) in [(1, 2, 6), (2, 2, 8)] {
        let executor = limited(workers, max_tasks);
        let futures: Vec<_> =
            (0..tasks).map(|i| executor.submit(mul, (i, 2)).unwrap()).collect();
        let results: Vec<u64> =
            futures.iter().map(|f| *f.result().unwrap()).collect();
        assert_eq!(results, (0..tasks).map(|i| i * 2).collect::<Vec<_>>());
        executor.shutdown(ShutdownOptions::default().cancel_futures(true));
    }
}

/// Differs from `test_shutdown_no_wait_max_tasks_gh119592` in one of its
/// two halves. The half ported: a worker that reaches its limit after
/// `shutdown(wait=False)` is still replaced, so the queued tasks run. The
/// other half lets the executor be garbage-collected and expects the queued
/// futures to fail ("garbage collected"); a Rust executor is dropped, not
/// collected, and dropping waits for the queued tasks, so they run.
#[test]
fn test_shutdown_no_wait_max_tasks_gh119592() {
    let executor = limited(1, 1);
    let (mut gate, first, rest) =
        running_then_queued(&executor, (1..3).map(|i| (i, 1)));
    executor.shutdown(ShutdownOptions::default().wait(false));
    gate.open();
    assert!(first.result().is_ok());
    let results: Vec<u64> = rest.iter().map(|f| *f.result().unwrap()).collect();
    assert_eq!(results, [1, 2]);
}

/// Differs from `test_force_shutdown_during_max_tasks_worker_exit`, which
/// sets the private `_force_shutting_down` flag by hand, lets task 0
/// finish, and checks that the worker leaving at its limit is not
/// replaced: the queued futures fail with `BrokenProcessPool` ("forcefully
/// shut down"). No public call holds a forced shutdown open while a task
/// finishes, so this test kills the worker in the middle of task 0
/// instead: the running future fails, the queued ones are cancelled (as
/// `kill_workers` cancels them, like CPython's `shutdown(cancel_futures=
/// True)` inside it), and none is left waiting.
#[test]
fn test_force_shutdown_during_max_tasks_worker_exit() {
    let executor = limited(1, 1);
    let (_gate, first, rest) =
        running_then_queued(&executor, (1..3).map(|i| (i, 1)));
    executor.kill_workers();
    assert!(broken(first.result()));
    assert!(rest.iter().all(|f| f.cancelled()));
}

/// Mirrors `test_max_tasks_early_shutdown`: with one task per worker,
/// `shutdown()` right after submitting still runs them all.
#[test]
fn test_max_tasks_early_shutdown() {
    let executor = limited(3, 1);
    let futures: Vec<_> =
        (0..6).map(|i| executor.submit(mul, (i, i)).unwrap()).collect();
    executor.shutdown(ShutdownOptions::default());
    for (i, future) in (0..).zip(&futures) {
        assert_eq!(future.result(), Ok(&(i * i)));
    }
}

/// Ends the workers of a pool whose only task is running, held at a gate
/// it would need to finish, with `terminate_workers` or `kill_workers`,
/// and checks that the task failed; the pool, for more checks.
fn end_a_running_task(terminate: bool) -> ProcessPoolExecutor {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let mut gate = Gate::new();
    let future = gate.submit(&executor);
    gate.wait_started();
    if terminate {
        executor.terminate_workers();
    } else {
        executor.kill_workers();
    }
    assert!(broken(future.result()));
    gate.open();
    executor
}

/// Differs from `test_terminate_workers`, which replaces the private
/// `_force_shutdown` with a mock and checks that it is called with
/// `TERMINATE`; a Rust test cannot replace a method, so it checks the
/// effect: `terminate_workers()` ends the running task's worker (its future
/// fails).
#[test]
fn test_terminate_workers() {
    end_a_running_task(true);
}

/// Differs from `test_kill_workers` as `test_terminate_workers` does: the
/// effect of `kill_workers()`, not a mock of the private method.
#[test]
fn test_kill_workers() {
    end_a_running_task(false);
}

/// Differs from `test_force_shutdown_workers`, which also checks, with
/// mocks, that `terminate_workers` calls the worker's `terminate` and
/// `kill_workers` its `kill`: which signal ended the worker is not visible
/// through the pool. What is checked: with either operation, a task that
/// started is ended before it could finish (it never hears the gate), and
/// the pool takes no more tasks.
#[test]
fn test_force_shutdown_workers() {
    for terminate in [true, false] {
        let executor = end_a_running_task(terminate);
        assert_eq!(
            executor.submit(pid, ()).unwrap_err(),
            FutureError::Shutdown
        );
    }
}

/// Mirrors `test_force_shutdown_workers_dead_workers`: ending the workers
/// of a pool already broken by a dead worker does not fail.
#[test]
fn test_force_shutdown_workers_dead_workers() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    assert!(broken(executor.submit(exit, 1).unwrap().into_result()));
    executor.terminate_workers();
    executor.kill_workers();
}

/// Mirrors `test_force_shutdown_workers_stops_pool`: after
/// `terminate_workers()` or `kill_workers()`, `submit` refuses with
/// `RuntimeError`.
#[test]
fn test_force_shutdown_workers_stops_pool() {
    for terminate in [true, false] {
        let executor = ProcessPoolExecutor::new(1).unwrap();
        assert_eq!(executor.submit(mul, (0, 0)).unwrap().into_result(), Ok(0));
        if terminate {
            executor.terminate_workers();
        } else {
            executor.kill_workers();
        }
        assert_eq!(
            executor.submit(mul, (0, 0)).unwrap_err(),
            FutureError::Shutdown
        );
    }
}

/// Mirrors `test_force_shutdown_workers_not_started_yet`: on a pool that
/// has started no worker, `terminate_workers()` and `kill_workers()` do
/// nothing, and start none.
#[test]
fn test_force_shutdown_workers_not_started_yet() {
    for terminate in [true, false] {
        let executor = ProcessPoolExecutor::new(1).unwrap();
        if terminate {
            executor.terminate_workers();
        } else {
            executor.kill_workers();
        }
        assert!(executor.worker_pids().is_empty());
    }
}

/// Mirrors `test_submit` (executor.py): the task runs in another process.
#[test]
fn submit_runs_the_task_in_another_process() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let worker = executor.submit(pid, ()).unwrap().into_result().unwrap();
    assert_ne!(worker, std::process::id());
}

/// The workers are reused across a `map` of many tasks: never more than
/// `max_workers`, none of them this process.
#[test]
fn workers_are_reused_across_tasks() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let pids: HashSet<u32> =
        executor.map(pid, vec![(); 20]).map(Result::unwrap).collect();
    assert!(!pids.contains(&std::process::id()));
    assert!(pids.len() <= 2, "{pids:?}");
}

/// A worker that dies fails its own task and the pending ones, and nothing
/// hangs.
#[test]
fn a_dead_worker_fails_the_pending_tasks() {
    // One worker, so the two tasks after `exit` are still pending when it
    // dies.
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let dying = executor.submit(exit, 3).unwrap();
    let pending =
        [executor.submit(pid, ()).unwrap(), executor.submit(pid, ()).unwrap()];
    let error = dying.into_result().unwrap_err();
    assert!(error.to_string().starts_with("BrokenProcessPool: "), "{error}");
    assert!(error.is_broken_executor());
    for future in &pending {
        assert!(broken(future.result()));
    }
}

/// A panicking task is its own error; the tasks around it are computed.
#[test]
fn a_panicking_task_leaves_the_pool_usable() {
    fn explode(n: u32) -> u32 {
        if n == 1 {
            panic!("boom");
        }
        n
    }
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let results: Vec<_> = executor.map(explode, [0, 1, 2]).collect();
    assert_eq!(
        results,
        [Ok(0), Err(FutureError::Panicked("boom".into())), Ok(2)]
    );
}

/// The default `max_workers` is `process_cpu_count()`, as CPython's.
#[test]
fn default_workers_are_the_cpu_count() {
    let executor = ProcessPoolExecutor::builder().build().unwrap();
    assert_eq!(executor.max_workers(), concurrent_futures::process_cpu_count());
}

/// A worker process lives as long as the pool, not as long as the feeder
/// thread that happened to start it: after `shutdown(wait=False)` the idle
/// feeder ends while a task still runs in a worker it may have started,
/// and the task finishes. (Each round gives that a fair chance: which of
/// two feeders takes the third task is up to the scheduler.)
#[test]
fn a_worker_outlives_the_thread_that_started_it() {
    for _ in 0..30 {
        let executor = ProcessPoolExecutor::new(2).unwrap();
        // Two tasks at once: each feeder thread starts a worker.
        let mut gates = [Gate::new(), Gate::new()];
        let first: Vec<_> = gates.iter().map(|g| g.submit(&executor)).collect();
        gates.iter_mut().for_each(Gate::wait_started);
        gates.iter_mut().for_each(Gate::open);
        first.iter().for_each(|f| assert!(f.result().is_ok()));
        let mut gate = Gate::new();
        let running = gate.submit(&executor);
        gate.wait_started();
        executor.shutdown(ShutdownOptions::default().wait(false));
        gate.open();
        assert_eq!(*running.result().unwrap(), u64::from(gate.port()));
    }
}
