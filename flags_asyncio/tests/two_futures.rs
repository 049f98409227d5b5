//! `two_futures`, the example of the guide's page "Two kinds of Future":
//! what each of `concurrent_futures::Future`, `std::future::Future` and
//! `tokio::task::JoinHandle` does when awaited, waited on or dropped, and
//! what a blocking `result()` does to the other tasks of a single-threaded
//! runtime. Each test runs the example binary (it needs no server) and
//! reads the line that states one behaviour.

use flags_testkit::client::Scratch;
use flags_testkit::examples::run_example;

/// This package, whose example this is.
const PACKAGE: &str = env!("CARGO_PKG_NAME");

/// The line of the example's output that starts with `prefix`.
fn line(prefix: &str) -> String {
    let cwd = Scratch::new();
    let stdout = run_example(PACKAGE, "two_futures", cwd.path(), &[], &[]);
    let found = stdout.lines().find(|line| line.starts_with(prefix));
    let line = found.unwrap_or_else(|| panic!("no {prefix:?} in\n{stdout}"));
    line.to_owned()
}

/// A pool's task runs even when its future is dropped at once.
#[test]
fn a_dropped_pool_future_still_runs_its_task() {
    let line = line("concurrent_futures::Future: dropped");
    assert_eq!(
        line,
        "concurrent_futures::Future: dropped at once, its task ran"
    );
}

/// An async block does nothing until it is awaited, then runs.
#[test]
fn an_async_block_runs_only_once_awaited() {
    assert!(line("std::future::Future: not polled").ends_with("false"));
    assert_eq!(
        line("std::future::Future: awaited"),
        "std::future::Future: awaited, it ran and gave 7"
    );
}

/// An async block dropped before any poll never runs.
#[test]
fn a_dropped_async_block_never_runs() {
    assert!(
        line("std::future::Future: dropped").ends_with("has it run? false")
    );
}

/// A spawned task runs even when its `JoinHandle` is dropped at once.
#[test]
fn a_dropped_join_handle_still_runs_its_task() {
    let line = line("tokio::task::JoinHandle: dropped");
    assert_eq!(line, "tokio::task::JoinHandle: dropped at once, its task ran");
}

/// Awaiting a pool's future lets the runtime run the other task meanwhile.
#[test]
fn awaiting_a_pool_future_lets_other_tasks_run() {
    assert!(line("awaited: ").ends_with("from the other task? true"));
}

/// A blocking `result()` holds the runtime's only thread: the other task
/// runs only after it returns, when the pool's task has given up.
#[test]
fn a_blocking_result_stalls_the_other_tasks() {
    assert!(line("blocked: did").ends_with("from the other task? false"));
    assert!(line("blocked: when").ends_with("was anyone listening? false"));
}
