//! What the tests of the thread pool share: a task that says when it has
//! started and then waits to be let go, so a test decides the order in
//! which tasks run and finish without sleeping.

// Each test file uses only some of this.
#![allow(dead_code)]

use std::sync::mpsc::{self, Receiver, Sender};

use concurrent_futures::{Future, ThreadPoolExecutor};

/// A submitted task held at a gate: `started` hears from it once it runs,
/// and it returns `value` when `release` is sent to (or dropped).
pub struct Gated {
    pub future: Future<u32>,
    pub started: Receiver<()>,
    pub release: Sender<()>,
}

impl Gated {
    /// Waits until a worker is running the task.
    pub fn wait_started(&self) {
        self.started.recv().expect("the task starts");
    }

    /// Lets the task return.
    pub fn open(&self) {
        self.release.send(()).expect("the task is waiting");
    }
}

/// Submits a task that returns `value` once released.
pub fn gated(executor: &ThreadPoolExecutor, value: u32) -> Gated {
    let (started_tx, started) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let future = executor.submit(move || {
        started_tx.send(()).ok();
        released.recv().ok();
        value
    });
    Gated { future, started, release }
}
