//! The states of a future and their rules, as CPython's
//! `Lib/test/test_concurrent_futures/test_future.py` checks them (each
//! test names the one it mirrors): on futures made by hand, as CPython's
//! are, and on futures of a real thread pool.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use concurrent_futures::{Future, FutureError, ThreadPoolExecutor};
use support::{
    cancelled_and_notified_future, cancelled_future, exception_future,
    gated_closure as gated, pending_future, running_future, successful_future,
};

/// A callback that sends what it saw of the future: its result.
fn recording(
    seen: &Arc<Mutex<Vec<Result<u64, FutureError>>>>,
) -> impl FnOnce(&Future<u64>) + Send + 'static {
    let seen = Arc::clone(seen);
    move |future| {
        seen.lock().expect("not poisoned").push(future.result().copied())
    }
}

/// Mirrors `test_done_callback_with_result`: the callback sees the value.
#[test]
fn test_done_callback_with_result() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (future, promise) = pending_future();
    future.add_done_callback(recording(&seen));
    promise.set_result(5);
    assert_eq!(*seen.lock().unwrap(), [Ok(5)]);
}

/// Mirrors `test_done_callback_with_exception`: the callback sees the
/// error.
#[test]
fn test_done_callback_with_exception() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (future, promise) = pending_future();
    future.add_done_callback(recording(&seen));
    promise.set_exception(FutureError::Panicked("test".to_owned()));
    assert_eq!(
        *seen.lock().unwrap(),
        [Err(FutureError::Panicked("test".to_owned()))]
    );
}

/// Mirrors `test_done_callback_with_cancel`: `cancel()` calls it, and the
/// future it sees is cancelled.
#[test]
fn test_done_callback_with_cancel() {
    let (tx, rx) = mpsc::channel();
    let (future, _promise) = pending_future::<u64>();
    future.add_done_callback(move |f| tx.send(f.cancelled()).unwrap());
    assert!(future.cancel());
    assert_eq!(rx.try_recv(), Ok(true));
}

/// Mirrors `test_done_callback_raises`: a callback that panics does not
/// stop the others, and the panic is reported on stderr, as CPython logs
/// it.
#[test]
fn test_done_callback_raises() {
    let raising_was_called = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let (future, promise) = pending_future::<u64>();
    let raising = Arc::clone(&raising_was_called);
    future.add_done_callback(move |_| {
        raising.store(true, Ordering::SeqCst);
        panic!("doh!");
    });
    future.add_done_callback(move |_| tx.send(true).unwrap());
    promise.set_result(5);
    assert!(raising_was_called.load(Ordering::SeqCst));
    assert_eq!(rx.try_recv(), Ok(true));
    assert_eq!(future.result(), Ok(&5));
    if !in_child() {
        let stderr = stderr_of("test_done_callback_raises");
        assert!(stderr.contains(": doh!"), "{stderr}");
    }
}

/// Mirrors `test_done_callback_already_successful`: added to a finished
/// future, it is called at once.
#[test]
fn test_done_callback_already_successful() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let future = successful_future();
    future.add_done_callback(recording(&seen));
    assert_eq!(*seen.lock().unwrap(), [Ok(42)]);
}

/// Mirrors `test_done_callback_already_failed`: at once, with the error.
#[test]
fn test_done_callback_already_failed() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let future = exception_future();
    future.add_done_callback(recording(&seen));
    assert_eq!(
        *seen.lock().unwrap(),
        [Err(FutureError::Panicked("OSError".to_owned()))]
    );
}

/// Mirrors `test_done_callback_already_cancelled`: at once, cancelled.
#[test]
fn test_done_callback_already_cancelled() {
    let (tx, rx) = mpsc::channel();
    let (future, _promise) = cancelled_future::<u64>();
    future.add_done_callback(move |f| tx.send(f.cancelled()).unwrap());
    assert_eq!(rx.try_recv(), Ok(true));
}

/// Mirrors `test_done_callback_raises_already_succeeded`: a callback added
/// to a done future runs at once; its panic is reported on stderr, not
/// propagated to the caller.
#[test]
fn test_done_callback_raises_already_succeeded() {
    let future = successful_future();
    future.add_done_callback(|_| panic!("doh!"));
    assert_eq!(future.result(), Ok(&42));
    if !in_child() {
        let stderr = stderr_of("test_done_callback_raises_already_succeeded");
        assert!(stderr.contains("exception calling callback for"), "{stderr}");
        assert!(stderr.contains("doh!"), "{stderr}");
    }
}

/// Set in the copy of this test binary that `stderr_of` starts.
const CHILD: &str = "CONCURRENT_FUTURES_STDERR_CHILD";

/// Whether this is that copy, which must not start another; or a run
/// under Miri, which cannot start processes.
fn in_child() -> bool {
    cfg!(miri) || std::env::var_os(CHILD).is_some()
}

/// What the test `name` writes on stderr, run alone in a copy of this test
/// binary that does not capture its output: CPython's `captured_stderr`.
/// A process, because the test harness keeps a test's own stderr.
fn stderr_of(name: &str) -> String {
    let this = std::env::current_exe().expect("the test binary's path");
    let output = std::process::Command::new(this)
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("the test binary runs again");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Mirrors `test_repr`: the book's `<Future at 0x... state=...>` for each
/// state.
#[test]
fn test_repr() {
    let (pending, _p) = pending_future::<u64>();
    let (running, _r) = running_future::<u64>();
    let (cancelled, _c) = cancelled_future::<u64>();
    let notified = cancelled_and_notified_future::<u64>();
    let failed = exception_future::<u64>();
    let text = Future::finished(Ok("BR".to_owned()));
    for (future, state) in [
        (pending.to_string(), "state=pending>"),
        (running.to_string(), "state=running>"),
        (cancelled.to_string(), "state=cancelled>"),
        (notified.to_string(), "state=cancelled>"),
        (failed.to_string(), "state=finished raised panic>"),
        (successful_future().to_string(), "state=finished returned u64>"),
        (text.to_string(), "state=finished returned String>"),
    ] {
        assert!(future.starts_with("<Future at 0x"), "{future}");
        assert!(future.ends_with(&format!(" {state}")), "{future}");
    }
    // `{:?}` is the same text, as Python's `repr` is what `print` shows.
    assert_eq!(format!("{failed:?}"), failed.to_string());
}

/// Mirrors `test_cancel`: a pending future can be cancelled (and says so
/// again), a running or finished one cannot.
#[test]
fn test_cancel() {
    let (pending, _p) = pending_future::<u64>();
    let (running, _r) = running_future::<u64>();
    let (cancelled, _c) = cancelled_future::<u64>();
    let notified = cancelled_and_notified_future::<u64>();
    let failed = exception_future::<u64>();
    let successful = successful_future();
    assert!(pending.cancel());
    assert_eq!(answers(&pending), (true, false, true), "now cancelled");
    assert!(pending.cancel(), "cancelling twice is still true");
    assert!(!running.cancel());
    assert_eq!(answers(&running), (false, true, false), "still running");
    assert!(cancelled.cancel());
    assert_eq!(answers(&cancelled), (true, false, true), "still cancelled");
    assert!(notified.cancel());
    assert_eq!(answers(&notified), (true, false, true), "still cancelled");
    assert!(!failed.cancel());
    assert_eq!(failed.exception(), Ok(Some(os_error())), "still failed");
    assert!(!successful.cancel());
    assert_eq!(successful.result(), Ok(&42), "still finished");
}

/// The error `exception_future` holds: CPython's `OSError()`.
fn os_error() -> FutureError {
    FutureError::Panicked("OSError".to_owned())
}

/// The three questions in every state: (done, running, cancelled).
fn answers(future: &Future<u64>) -> (bool, bool, bool) {
    (future.done(), future.running(), future.cancelled())
}

/// Mirrors `test_cancelled`: only the two cancelled states say so.
#[test]
fn test_cancelled() {
    let (pending, _p) = pending_future::<u64>();
    let (running, _r) = running_future::<u64>();
    let (cancelled, _c) = cancelled_future::<u64>();
    assert!(!pending.cancelled() && !running.cancelled());
    assert!(cancelled.cancelled());
    assert!(cancelled_and_notified_future::<u64>().cancelled());
    assert!(!exception_future::<u64>().cancelled());
    assert!(!successful_future().cancelled());
}

/// Mirrors `test_done`: everything but pending and running is done.
#[test]
fn test_done() {
    let (pending, _p) = pending_future::<u64>();
    let (running, _r) = running_future::<u64>();
    let (cancelled, _c) = cancelled_future::<u64>();
    assert!(!pending.done() && !running.done());
    assert!(cancelled.done());
    assert!(cancelled_and_notified_future::<u64>().done());
    assert!(exception_future::<u64>().done());
    assert!(successful_future().done());
}

/// Mirrors `test_running`: only a running future is running.
#[test]
fn test_running() {
    let (pending, _p) = pending_future::<u64>();
    let (running, _r) = running_future::<u64>();
    let (cancelled, _c) = cancelled_future::<u64>();
    assert_eq!(answers(&pending), (false, false, false));
    assert_eq!(answers(&running), (false, true, false));
    assert_eq!(answers(&cancelled), (true, false, true));
    assert!(!exception_future::<u64>().running());
    assert!(!successful_future().running());
}

/// Mirrors `test_result_with_timeout`: a future not done in time is a
/// `TimeoutError`; the done ones answer at once; one finished by another
/// thread while `result` waits gives its value.
#[test]
fn test_result_with_timeout() {
    let zero = Duration::ZERO;
    let (pending, _p) = pending_future::<u64>();
    let (running, _r) = running_future::<u64>();
    assert_eq!(pending.result_timeout(zero), Err(FutureError::Timeout(zero)));
    assert_eq!(running.result_timeout(zero), Err(FutureError::Timeout(zero)));
    let (cancelled, _c) = cancelled_future::<u64>();
    assert_eq!(cancelled.result_timeout(zero), Err(FutureError::Cancelled));
    let notified = cancelled_and_notified_future::<u64>();
    assert_eq!(notified.result_timeout(zero), Err(FutureError::Cancelled));
    let failed = exception_future::<u64>();
    assert_eq!(failed.result_timeout(zero), Err(os_error()));
    assert_eq!(successful_future().result_timeout(zero), Ok(&42));
    let (future, promise) = pending_future::<u64>();
    let setter = std::thread::spawn(move || promise.set_result(42));
    assert_eq!(future.result_timeout(Duration::from_secs(60)), Ok(&42));
    setter.join().unwrap();
}

/// Mirrors `test_result_with_success`: `result()` waits for a value
/// another thread sets, and can be asked again.
#[test]
fn test_result_with_success() {
    let (future, promise) = pending_future::<u64>();
    let setter = std::thread::spawn(move || promise.set_result(42));
    assert_eq!(future.result(), Ok(&42));
    assert_eq!(future.result(), Ok(&42));
    setter.join().unwrap();
}

/// Mirrors `test_result_with_cancel`: `result()` of a future cancelled by
/// another thread while it waits is `CancelledError`.
#[test]
fn test_result_with_cancel() {
    let (future, _promise) = pending_future::<u64>();
    std::thread::scope(|scope| {
        scope.spawn(|| future.cancel());
        assert_eq!(future.result(), Err(FutureError::Cancelled));
    });
}

/// Mirrors `test_exception_with_timeout`: `exception()` of a future not
/// done in time is a `TimeoutError`; the done ones answer at once.
#[test]
fn test_exception_with_timeout() {
    let zero = Duration::ZERO;
    let (pending, _p) = pending_future::<u64>();
    assert_eq!(
        pending.exception_timeout(zero),
        Err(FutureError::Timeout(zero))
    );
    let (running, _r) = running_future::<u64>();
    assert_eq!(
        running.exception_timeout(zero),
        Err(FutureError::Timeout(zero))
    );
    let (cancelled, _c) = cancelled_future::<u64>();
    assert_eq!(cancelled.exception_timeout(zero), Err(FutureError::Cancelled));
    let notified = cancelled_and_notified_future::<u64>();
    assert_eq!(notified.exception_timeout(zero), Err(FutureError::Cancelled));
    assert_eq!(
        exception_future::<u64>().exception_timeout(zero),
        Ok(Some(FutureError::Panicked("OSError".to_owned())))
    );
    assert_eq!(successful_future().exception_timeout(zero), Ok(None));
}

/// Mirrors `test_exception_with_success`: `exception()` waits for the
/// error another thread sets.
#[test]
fn test_exception_with_success() {
    let (future, promise) = pending_future::<u64>();
    let setter = std::thread::spawn(move || {
        promise.set_exception(FutureError::Panicked("OSError".to_owned()));
    });
    let error = future.exception().unwrap().unwrap();
    assert_eq!(error, FutureError::Panicked("OSError".to_owned()));
    setter.join().unwrap();
}

/// The states on a real pool: pending, then running, then finished.
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

/// A cancelled task of a real pool never runs, and `result()` is
/// `CancelledError`.
#[test]
fn a_cancelled_task_never_runs() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let running = gated(&executor, 1);
    let pending = gated(&executor, 2);
    running.wait_started();
    assert!(pending.future.cancel());
    assert_eq!(pending.future.result(), Err(FutureError::Cancelled));
    running.open();
    drop(executor);
    // The worker took the cancelled task off the queue and did not run it.
    assert!(pending.started.try_recv().is_err());
}

/// A panic in the task is what `result()` gives back, with its message,
/// as Python re-raises the task's exception.
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

/// `into_result` takes the value out even when a done-callback ran, once
/// the callback has returned.
#[test]
fn into_result_waits_for_the_callbacks() {
    let (future, promise) = pending_future::<String>();
    future.add_done_callback(|f| assert!(f.result().is_ok()));
    let setter = std::thread::spawn(move || promise.set_result("BR".into()));
    assert_eq!(future.into_result(), Ok("BR".to_owned()));
    setter.join().unwrap();
}

/// A future can be awaited, `asyncio.wrap_future`'s counterpart: the
/// outcome comes by value, here on a minimal executor of std's own.
#[test]
fn a_future_can_be_awaited() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let future = executor.submit(|| 6 * 7).unwrap();
    assert_eq!(block_on(async { future.await }), Ok(42));
}

/// Polls `task` on this thread until it is ready, parking in between: the
/// smallest async executor, so the test needs no runtime.
fn block_on<T>(task: impl std::future::Future<Output = T>) -> T {
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut task = std::pin::pin!(task);
    loop {
        if let Poll::Ready(value) = task.as_mut().poll(&mut context) {
            return value;
        }
        std::thread::park();
    }
}
