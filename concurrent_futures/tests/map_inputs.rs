//! `map` never loses an input: whatever happens while it runs (the pool
//! refuses new tasks, the timeout passes), it yields exactly one outcome
//! per input, on the thread pool and on the process pool, chunked or not.
//! CPython's generator ends at the first refusal or timeout instead; here
//! every input is accounted for, and the caller stops reading when it
//! likes.

// The shared tests are generic functions that `on_both_pools!` wraps in
// `#[test]`s; clippy's allow-unwrap-in-tests does not see through that.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use concurrent_futures::{
    Executor, FutureError, MapOptions, ProcessPoolExecutor, ShutdownOptions,
};
use support::{Gate, Pool, gated_or_quick, mul};

procspawn::enable_test_support!();

/// Ten inputs of `mul`, each `(i, 1)`.
fn inputs() -> impl Iterator<Item = (u64, u64)> {
    (0..10).map(|i| (i, 1))
}

/// Whether `outcome` is one of the errors of an input that did not run
/// because the pool was shut down under the map.
fn refused(outcome: &Result<u64, FutureError>) -> bool {
    matches!(outcome, Err(FutureError::Shutdown | FutureError::Cancelled))
}

/// With `buffersize`, a pool shut down after the first result refuses
/// the inputs not yet submitted, and each of them yields its refusal: ten
/// inputs, ten outcomes, those submitted before the shutdown run.
fn map_refused_after_shutdown_yields_one_error_per_input<P: Pool>() {
    let executor = P::with_workers(1);
    let options = MapOptions::default().buffersize(2);
    let mut results = executor.map_with(mul, inputs(), options);
    assert_eq!(results.next(), Some(Ok(0)));
    executor.shutdown(ShutdownOptions::default());
    let rest: Vec<_> = results.collect();
    assert_eq!(rest.len(), 9, "{rest:?}");
    // The two in the buffer at the shutdown ran; every later one was
    // refused, each on its own.
    assert_eq!(rest[..2], [Ok(1), Ok(2)]);
    assert!(rest[2..].iter().all(refused), "{rest:?}");
}

/// Once the timeout has passed, every input still yields an outcome: the
/// one awaited and the later ones not done are `Timeout`, with or
/// without `buffersize` (then the inputs not yet submitted are not
/// submitted, and are `Timeout` too).
fn map_timed_out_yields_one_outcome_per_input<P: Pool>() {
    let executor = P::with_workers(1);
    for options in [MapOptions::default(), MapOptions::default().buffersize(2)]
    {
        // Dropped before the pool: its task, if it ever started, returns.
        let gate = Gate::new();
        let ports = std::iter::once(gate.port()).chain([0; 5]);
        let options = options.timeout(Duration::ZERO);
        let results: Vec<_> =
            executor.map_with(gated_or_quick, ports, options).collect();
        assert_eq!(results.len(), 6, "{options:?}: {results:?}");
        assert_eq!(results[0], Err(FutureError::Timeout(Duration::ZERO)));
        assert!(
            results.iter().all(|outcome| matches!(
                outcome,
                Ok(0) | Err(FutureError::Timeout(_))
            )),
            "{results:?}"
        );
    }
}

on_both_pools!(
    map_refused_after_shutdown_yields_one_error_per_input,
    map_timed_out_yields_one_outcome_per_input,
);

/// A chunked process `map` whose later chunks are refused yields one
/// refusal per input, not one per chunk.
#[test]
fn chunked_map_refused_yields_one_error_per_input() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let options = MapOptions::default().chunksize(3).buffersize(1);
    let mut results = executor.map_with(mul, inputs(), options);
    assert_eq!(results.next(), Some(Ok(0)));
    // Reading the first chunk submitted the second.
    executor.shutdown(ShutdownOptions::default());
    let rest: Vec<_> = results.collect();
    assert_eq!(rest.len(), 9, "{rest:?}");
    assert_eq!(rest[..5], [Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)]);
    assert!(rest[5..].iter().all(refused), "{rest:?}");
}

/// A chunked process `map` whose first chunk times out yields a
/// `Timeout` for each input of that chunk, and one outcome for every
/// other input.
#[test]
fn chunked_map_timed_out_yields_one_outcome_per_input() {
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let gate = Gate::new();
    let ports = std::iter::once(gate.port()).chain([0; 9]);
    let options = MapOptions::default().chunksize(4).timeout(Duration::ZERO);
    let results: Vec<_> =
        executor.map_with(gated_or_quick, ports, options).collect();
    assert_eq!(results.len(), 10, "{results:?}");
    let timeout = Err(FutureError::Timeout(Duration::ZERO));
    assert!(results[..4].iter().all(|outcome| *outcome == timeout));
    assert!(
        results
            .iter()
            .all(|outcome| matches!(outcome, Ok(0)) || *outcome == timeout),
        "{results:?}"
    );
    drop(gate);
}
