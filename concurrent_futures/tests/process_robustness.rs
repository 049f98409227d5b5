//! What a process pool survives, as CPython's does: a panic anywhere in a
//! worker's handling of one task (reading its argument, running it,
//! writing its result) fails that task alone; and a forced shutdown
//! leaves nothing running, even when a feeder was starting a worker at
//! that very moment.

#![allow(clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::net::{Ipv4Addr, TcpListener, TcpStream};

use concurrent_futures::{
    Executor, FutureError, MapOptions, ProcessPoolExecutor,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use support::{gated, mul};

procspawn::enable_test_support!();

/// A result whose `Serialize` panics on 13, as a user's impl might.
#[derive(Debug, PartialEq, Deserialize)]
struct Unlucky(u64);

impl Serialize for Unlucky {
    fn serialize<S: Serializer>(
        &self,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        assert_ne!(self.0, 13, "13 cannot be written");
        serializer.serialize_u64(self.0)
    }
}

fn unlucky(n: u64) -> Unlucky {
    Unlucky(n)
}

/// An argument whose `Deserialize` panics on 13.
#[derive(Debug, Serialize)]
struct Fragile(u64);

impl<'de> Deserialize<'de> for Fragile {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let n = u64::deserialize(deserializer)?;
        assert_ne!(n, 13, "13 cannot be read");
        Ok(Fragile(n))
    }
}

fn fragile(Fragile(n): Fragile) -> u64 {
    n
}

fn transport(outcome: &Result<impl std::fmt::Debug, FutureError>) -> bool {
    matches!(outcome, Err(FutureError::Transport(why)) if why.contains("panicked"))
}

/// A result whose `Serialize` panics in the worker fails that task with
/// `Transport`; the worker and the pool go on.
#[test]
fn a_panic_while_serializing_a_result_fails_that_task_only() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let outcome = executor.submit(unlucky, 13).unwrap().into_result();
    assert!(transport(&outcome), "{outcome:?}");
    assert_eq!(
        executor.submit(unlucky, 7).unwrap().into_result(),
        Ok(Unlucky(7))
    );
    let pids = executor.worker_pids();
    assert_eq!(executor.submit(mul, (6, 7)).unwrap().into_result(), Ok(42));
    assert_eq!(executor.worker_pids(), pids, "the same worker serves on");
}

/// In a chunk, only the task whose result cannot be written fails.
#[test]
fn a_panic_while_serializing_fails_only_its_task_of_a_chunk() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let options = MapOptions::default().chunksize(3);
    let results: Vec<_> =
        executor.map_with(unlucky, [12, 13, 14], options).collect();
    assert_eq!(results[0], Ok(Unlucky(12)));
    assert!(transport(&results[1]), "{results:?}");
    assert_eq!(results[2], Ok(Unlucky(14)));
}

/// An argument whose `Deserialize` panics in the worker fails that task
/// with `Transport`; the pool goes on.
#[test]
fn a_panic_while_deserializing_an_argument_fails_that_task_only() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let outcome = executor.submit(fragile, Fragile(13)).unwrap().into_result();
    assert!(transport(&outcome), "{outcome:?}");
    assert_eq!(
        executor.submit(fragile, Fragile(5)).unwrap().into_result(),
        Ok(5)
    );
}

/// How many times the race is run: each starts a pool and a worker
/// process, and with the race open nearly every round loses it.
const ROUNDS: usize = 40;

/// `kill_workers` while a feeder is inside its job, starting the worker
/// for it: the task never runs. The task is held at a gate that this test
/// opens for any task that reaches it after `kill_workers` returned, so a
/// worker that survived the kill would finish it with `Ok`.
#[test]
fn kill_workers_leaves_no_worker_started_by_a_feeder_inside_its_job() {
    for round in 0..ROUNDS {
        let executor = ProcessPoolExecutor::new(1).unwrap();
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let future = executor.submit(gated, port).unwrap();
        // A feeder has taken the task and is about to start a worker.
        while !future.running() {
            std::thread::yield_now();
        }
        executor.kill_workers();
        // Once the future is done, this connection ends the loop below.
        future.add_done_callback(move |_| {
            TcpStream::connect((Ipv4Addr::LOCALHOST, port)).ok();
        });
        loop {
            let (mut stream, _) = listener.accept().unwrap();
            if future.done() {
                break;
            }
            stream.write_all(b"go").ok();
        }
        let outcome = future.result();
        assert!(
            matches!(outcome, Err(FutureError::BrokenProcessPool(_))),
            "round {round}: {outcome:?}"
        );
    }
}
