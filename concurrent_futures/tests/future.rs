//! The states of a future and their rules, as CPython's
//! `Lib/test/test_concurrent_futures/test_future.py` checks them (each
//! test names the one it mirrors), on futures of a real thread pool.

mod support;

use concurrent_futures::{FutureError, ThreadPoolExecutor};
use support::gated_closure as gated;

/// Mirrors `test_done`, `test_running` and `test_cancelled`: pending, then
/// running, then finished, each state answering the three questions.
#[test]
fn states_go_pending_running_finished() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let first = gated(&executor, 1);
    let second = gated(&executor, 2);
    first.wait_started();
    // The only worker is busy with the first task.
    let f = &second.future;
    assert_eq!((f.done(), f.running(), f.cancelled()), (false, false, false));
    first.open();
    second.wait_started();
    assert_eq!((f.done(), f.running(), f.cancelled()), (false, true, false));
    second.open();
    assert_eq!(f.result(), Ok(&2));
    assert_eq!((f.done(), f.running(), f.cancelled()), (true, false, false));
}

/// Mirrors `test_repr`: the book's `<Future at 0x... state=...>`.
#[test]
fn repr_shows_the_state_as_python_does() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let running = gated(&executor, 1);
    let pending = gated(&executor, 2);
    let cancelled = gated(&executor, 3);
    running.wait_started();
    assert!(cancelled.future.cancel());
    let repr = |f: &dyn std::fmt::Display| f.to_string();
    for (future, state) in [
        (&running.future, "state=running>"),
        (&pending.future, "state=pending>"),
        (&cancelled.future, "state=cancelled>"),
    ] {
        let text = repr(future);
        assert!(text.starts_with("<Future at 0x"), "{text}");
        assert!(text.ends_with(&format!(" {state}")), "{text}");
    }
    running.open();
    pending.open();
    running.future.result().unwrap();
    assert!(repr(&running.future).ends_with(" state=finished returned u32>"));
    let text = executor.submit(|| "BR".to_owned()).unwrap();
    text.result().unwrap();
    assert!(repr(&text).ends_with(" state=finished returned String>"));
    let raised = executor.submit(|| -> u32 { panic!("boom") }).unwrap();
    assert!(raised.result().is_err());
    assert!(repr(&raised).ends_with(" state=finished raised panic>"));
    // `{:?}` is the same text, as Python's `repr` is what `print` shows.
    assert_eq!(format!("{raised:?}"), raised.to_string());
}

/// Mirrors `test_cancel`: a pending future can be cancelled (and says so
/// again), a running or finished one cannot, and a cancelled task never
/// runs.
#[test]
fn only_a_pending_future_can_be_cancelled() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let running = gated(&executor, 1);
    let pending = gated(&executor, 2);
    running.wait_started();
    assert!(pending.future.cancel());
    assert!(pending.future.cancel(), "cancelling twice is still true");
    assert!(pending.future.cancelled() && pending.future.done());
    assert!(!running.future.cancel());
    running.open();
    assert_eq!(running.future.result(), Ok(&1));
    assert!(!running.future.cancel(), "a finished future stays finished");
    drop(executor);
    // The worker took the cancelled task off the queue and did not run it.
    assert!(pending.started.try_recv().is_err());
}

/// Mirrors `test_result_with_cancel`: `result()` of a cancelled future is
/// `CancelledError`.
#[test]
fn result_of_a_cancelled_future_is_cancelled_error() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let running = gated(&executor, 1);
    let pending = gated(&executor, 2);
    pending.future.cancel();
    assert_eq!(pending.future.result(), Err(FutureError::Cancelled));
    running.open();
}

/// Mirrors `test_result_with_success`: `result()` waits for a task another
/// thread lets finish, and can be asked again.
#[test]
fn result_waits_for_the_task_and_can_be_asked_again() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let task = gated(&executor, 42);
    let release = task.release.clone();
    let opener = std::thread::spawn(move || release.send(()));
    assert_eq!(task.future.result(), Ok(&42));
    assert_eq!(task.future.result(), Ok(&42));
    opener.join().unwrap().unwrap();
}

/// Mirrors `test_exception_with_success` (and `test_traceback`): a panic in
/// the task is what `result()` gives back, with its message, as Python
/// re-raises the task's exception.
#[test]
fn a_panic_in_the_task_is_the_futures_error() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let future = executor.submit(|| -> u32 { panic!("test") }).unwrap();
    let expected = FutureError::Panicked("test".to_owned());
    assert_eq!(future.result(), Err(expected.clone()));
    assert_eq!(future.into_result(), Err(expected));
}

/// A task's own `Err` is a value like any other: the future finished, and
/// `result()` lends the `Result` the task returned.
#[test]
fn a_task_returning_err_finishes_normally() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let future = executor.submit(|| "12x".parse::<u32>()).unwrap();
    assert!(matches!(future.result(), Ok(Err(_))));
}

/// Futures are equal, and hash, by identity: two tasks with the same value
/// are two keys of a `to_do_map`.
#[test]
fn futures_are_compared_by_identity() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let a = executor.submit(|| 1).unwrap();
    let b = executor.submit(|| 1).unwrap();
    assert_ne!(a, b);
    assert_eq!(a, a);
    let to_do_map = std::collections::HashMap::from([(a, "BR"), (b, "CN")]);
    assert_eq!(to_do_map.len(), 2);
}
