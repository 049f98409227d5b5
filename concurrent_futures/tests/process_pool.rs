//! `ProcessPoolExecutor`, as CPython's
//! `Lib/test/test_concurrent_futures/test_process_pool.py` checks it (each
//! test names the one it mirrors), with tasks that have nothing to do with
//! primes: real processes, reused, and a broken pool when one dies.

use concurrent_futures::{
    Executor, FutureError, ProcessPoolExecutor, as_completed,
};

// The workers of these pools are this test binary started again; this
// makes it run tasks instead of the tests.
procspawn::enable_test_support!();

fn shout(word: String) -> String {
    word.to_uppercase()
}

fn worker_pid(_: u32) -> u32 {
    std::process::id()
}

/// Ends its worker process abruptly, as CPython's tests use `os._exit`.
fn die(_: ()) -> u32 {
    std::process::abort()
}

fn explode(n: u32) -> u32 {
    if n == 1 {
        panic!("boom");
    }
    n
}

/// Mirrors `test_submit` (executor.py): a task runs in another process.
#[test]
fn submit_runs_the_task_in_another_process() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let pid = executor.submit(worker_pid, 0).unwrap().into_result().unwrap();
    assert_ne!(pid, std::process::id());
}

/// Mirrors `test_map` (executor.py): any serializable task, results in
/// submission order.
#[test]
fn map_yields_results_in_submission_order() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let words = ["br", "cn", "id", "in", "us"].map(String::from);
    let shouted: Vec<String> =
        executor.map(shout, words).map(Result::unwrap).collect();
    assert_eq!(shouted, ["BR", "CN", "ID", "IN", "US"]);
}

/// Mirrors `test_idle_process_reuse_multiple` and `test_saturation`: the
/// processes start once and are reused; never more than `max_workers`.
#[test]
fn workers_are_reused_across_tasks() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let mut pids: Vec<u32> =
        executor.map(worker_pid, 0..20).map(Result::unwrap).collect();
    pids.sort_unstable();
    pids.dedup();
    assert!(!pids.contains(&std::process::id()));
    assert!(pids.len() <= 2, "{pids:?}");
}

/// Mirrors `test_killed_child` and `test_broken_process_pool_traceback`:
/// when a worker dies, its task's future and every pending one fail with
/// `BrokenProcessPool`, and so does a task submitted afterwards. Nothing
/// hangs.
#[test]
fn a_dead_worker_breaks_the_pool() {
    // One worker, so the two tasks after `die` are still pending when it
    // dies.
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let dying = executor.submit(die, ()).unwrap();
    let pending = [
        executor.submit(worker_pid, 1).unwrap(),
        executor.submit(worker_pid, 2).unwrap(),
    ];
    let error = dying.into_result().unwrap_err();
    assert!(matches!(error, FutureError::BrokenProcessPool(_)), "{error}");
    assert!(error.to_string().starts_with("BrokenProcessPool: "), "{error}");
    for future in as_completed(&pending) {
        let error = future.result().unwrap_err();
        assert!(matches!(error, FutureError::BrokenProcessPool(_)), "{error}");
    }
    let later = executor.submit(worker_pid, 3).unwrap().into_result();
    assert!(matches!(later, Err(FutureError::BrokenProcessPool(_))));
}

/// A panic ends a pooled worker process (procspawn does not catch it
/// there), so it breaks the pool too, as a dead worker does.
#[test]
fn a_panicking_task_breaks_the_pool() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let results: Vec<_> = executor.map(explode, [0, 1, 2]).collect();
    assert_eq!(results[0], Ok(0));
    assert!(matches!(results[1], Err(FutureError::BrokenProcessPool(_))));
    assert!(matches!(results[2], Err(FutureError::BrokenProcessPool(_))));
}

/// Mirrors `test_max_workers_negative` (executor.py): 0 is refused.
#[test]
fn zero_workers_is_an_error() {
    let error = ProcessPoolExecutor::new(0).unwrap_err();
    assert_eq!(error.to_string(), "max_workers must be greater than 0");
}

/// Mirrors `test_context_manager_shutdown`: dropping the executor waits
/// for the queued tasks, whose results stay readable.
#[test]
fn drop_waits_for_the_queued_tasks() {
    let executor = ProcessPoolExecutor::new(2).unwrap();
    let futures: Vec<_> = (0..6)
        .map(|n| executor.submit(shout, n.to_string()).unwrap())
        .collect();
    drop(executor);
    assert!(futures.iter().all(|f| f.done()));
    assert_eq!(futures[5].result(), Ok(&"5".to_owned()));
}
