//! Exercise 4: one `as_completed` over a thread pool's and a process
//! pool's futures. The flag server holds one flag until everything else
//! has been reported, so only an answer that reports in completion order,
//! across both pools, gets there.

mod support;

use concurrent_futures::{ProcessPoolExecutor, ThreadPoolExecutor};
use exercises::ex04_two_pools::{Done, check_and_download};
use support::{HeldServer, Scratch, assert_saved_exactly, codes};

// This test binary is also the process pool's worker program.
procspawn::enable_test_support!();

/// Every flag and every number is reported once, as it completes: the one
/// flag held back comes last, the numbers were checked in other processes.
#[test]
fn outcomes_come_as_they_complete_from_both_pools() {
    let threads = ThreadPoolExecutor::new(3).unwrap();
    let processes = ProcessPoolExecutor::new(2).unwrap();
    // Held: BR, the first code, so an answer that waits for the futures
    // in the order it submitted them waits for BR first.
    let server = HeldServer::start(&["BR"]);
    let dir = Scratch::new();
    let settings = support::settings(server.base_url(), 3, dir.path());
    let (cc_list, numbers) = (codes(&["BR", "CN", "FR"]), [2u64, 9, 11, 12]);
    let total = cc_list.len() + numbers.len();
    let mut reported = Vec::new();
    check_and_download(
        &threads,
        &processes,
        &cc_list,
        &numbers,
        &settings,
        |done| {
            reported.push(done);
            if reported.len() == total - 1 {
                server.release();
            }
        },
    );
    assert_eq!(reported.len(), total, "one report per task: {reported:?}");
    assert_eq!(
        reported.last(),
        Some(&Done::Flag { cc: "BR".into(), saved: true }),
        "BR was held until everything else had been reported, so it must \
         come last: wait on all the futures at once with as_completed, \
         not one after another ({reported:?})"
    );
    let mut primes: Vec<_> = reported
        .iter()
        .filter_map(|done| match done {
            Done::Prime { n, prime, pid } => Some((*n, *prime, *pid)),
            _ => None,
        })
        .collect();
    primes.sort();
    let answers: Vec<_> = primes.iter().map(|&(n, p, _)| (n, p)).collect();
    assert_eq!(answers, [(2, true), (9, false), (11, true), (12, false)]);
    assert!(
        primes.iter().all(|&(_, _, pid)| pid != std::process::id()),
        "a number was checked in this process: submit the checks to the \
         process pool"
    );
    assert_saved_exactly(dir.path(), &["BR", "CN", "FR"]);
}
