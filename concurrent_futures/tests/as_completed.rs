//! `as_completed`, as CPython's
//! `Lib/test/test_concurrent_futures/test_as_completed.py` checks it (each
//! test names the one it mirrors), plus the order it promises: each
//! future once, in the order they finish.

mod support;

use std::collections::HashSet;

use concurrent_futures::{Future, ThreadPoolExecutor, as_completed};
use support::gated;

/// Mirrors `test_no_timeout`: every future comes out, those already done
/// (finished or cancelled) as well as those that finish later.
#[test]
fn yields_every_future_done_before_or_after() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let finished = Future::finished(Ok(42));
    let raised = executor.submit(|| -> u32 { panic!("raised") });
    let blocker = gated(&executor, 0);
    let cancelled = executor.submit(|| 1);
    let later = executor.submit(|| 21 * 2);
    blocker.wait_started();
    raised.result().unwrap_err();
    cancelled.cancel();
    blocker.open();
    let all = [&finished, &raised, &blocker.future, &cancelled, &later];
    let yielded: Vec<&Future<u32>> = as_completed(all).collect();
    assert_eq!(yielded.len(), 5);
    let unique: HashSet<*const Future<u32>> =
        yielded.iter().map(|&f| std::ptr::from_ref(f)).collect();
    assert_eq!(unique.len(), 5);
}

/// Mirrors `test_duplicate_futures` (CPython bpo-20367): a future given
/// three times is yielded once.
#[test]
fn a_duplicate_future_is_yielded_once() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let future = executor.submit(|| 2);
    let yielded = as_completed([&future, &future, &future]).count();
    assert_eq!(yielded, 1);
}

/// The futures come out in the order they finish, not the order given:
/// the test lets the tasks finish in the order 2, 0, 1, one at a time,
/// and reads one future after letting each go.
#[test]
fn yields_in_finishing_order() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    let tasks: Vec<_> = (0..3).map(|n| gated(&executor, n)).collect();
    let futures: Vec<&Future<u32>> = tasks.iter().map(|t| &t.future).collect();
    let mut completed = as_completed(futures.iter().copied());
    for n in [2, 0, 1] {
        tasks[n].open();
        let next = completed.next().unwrap();
        assert_eq!(next.result(), Ok(&(n as u32)));
    }
    assert!(completed.next().is_none());
}

/// What `download_many` does: futures as keys of a map, `as_completed`
/// over the keys, and each yielded future used to index the map.
#[test]
fn yields_the_keys_of_a_to_do_map() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    let mut to_do_map = std::collections::HashMap::new();
    for cc in ["BR", "CN", "ID"] {
        to_do_map.insert(executor.submit(move || cc.to_lowercase()), cc);
    }
    let mut seen: Vec<String> = as_completed(to_do_map.keys())
        .map(|future| {
            let cc = to_do_map[future];
            format!("{cc}:{}", future.result().unwrap())
        })
        .collect();
    seen.sort();
    assert_eq!(seen, ["BR:br", "CN:cn", "ID:id"]);
}
