//! Exercise 3: a minimal thread pool: a queue, a `Condvar`, N workers, and
//! handles whose `result()` blocks.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use exercises::ex03_thread_pool::ThreadPool;
use support::{GUARD, Gate};

/// Each handle's `result()` is what its own task returned.
#[test]
fn result_is_what_the_task_returned() {
    let pool = ThreadPool::new(3);
    let handles: Vec<_> =
        (0..10u64).map(|i| pool.submit(move || i * i)).collect();
    let results: Vec<u64> = handles.into_iter().map(|h| h.result()).collect();
    assert_eq!(results, (0..10u64).map(|i| i * i).collect::<Vec<_>>());
}

/// A pool of 4 runs 4 tasks at once, on 4 threads, never more.
#[test]
fn a_pool_of_4_runs_4_tasks_at_once_on_4_threads() {
    let pool = ThreadPool::new(4);
    let gate = Arc::new(Gate::new(4));
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let gate = Arc::clone(&gate);
            pool.submit(move || {
                gate.enter();
                gate.leave();
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.result());
    assert!(
        gate.reached(),
        "4 tasks never ran at once (at most {}): each worker must take the \
         next job as soon as it is free",
        gate.peak()
    );
    assert_eq!(gate.peak(), 4, "more tasks ran at once than workers");
    assert_eq!(
        gate.threads(),
        4,
        "the tasks ran on {} threads: start the workers once, in `new`, \
         and let them loop over the queue",
        gate.threads()
    );
}

/// `result()` waits for a task that is still running, and returns as
/// soon as it ends.
#[test]
fn result_waits_for_a_running_task() {
    let pool = ThreadPool::new(1);
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let handle = pool.submit(move || {
        let _ = go_rx.recv();
        "done"
    });
    let (result_tx, result_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = result_tx.send(handle.result());
    });
    go_tx.send(()).unwrap();
    assert_eq!(
        result_rx.recv_timeout(GUARD),
        Ok("done"),
        "result() did not return after its task ended: store the value, \
         then notify the Condvar that result() waits on"
    );
}

/// Dropping the pool runs every task still queued, then ends the workers.
#[test]
fn dropping_the_pool_runs_what_is_queued() {
    let ran = Arc::new(AtomicUsize::new(0));
    let pool = ThreadPool::new(1);
    for _ in 0..5 {
        let ran = Arc::clone(&ran);
        pool.submit(move || ran.fetch_add(1, Ordering::SeqCst));
    }
    drop(pool);
    assert_eq!(
        ran.load(Ordering::SeqCst),
        5,
        "some queued tasks never ran: a worker ends only when the pool is \
         closed AND the queue is empty"
    );
}
