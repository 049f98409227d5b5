//! The work itself, the top half of `proc_pool.py`: the 20 numbers of
//! `PRIME_FIXTURE`, trial division in `is_prime`, and `check`, which times
//! one call. Nothing here knows about processes or threads; every executor
//! runs this same `check`.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The chapter's numbers with the right answer for each: large enough that
/// trial division takes a noticeable time, mixed so some rows are instant
/// (even numbers, small factors) and some are the slowest possible (primes).
pub const PRIME_FIXTURE: [(u64, bool); 20] = [
    (2, true),
    (142702110479723, true),
    (299593572317531, true),
    (3333333333333301, true),
    (3333333333333333, false),
    (3333335652092209, false),
    (4444444444444423, true),
    (4444444444444444, false),
    (4444444488888889, false),
    (5555553133149889, false),
    (5555555555555503, true),
    (5555555555555555, false),
    (6666666666666666, false),
    (6666666666666719, true),
    (6666667141414921, false),
    (7777777536340681, false),
    (7777777777777753, true),
    (7777777777777777, false),
    (9999999999999917, true),
    (9999999999999999, false),
];

/// `NUMBERS = [n for n, _ in PRIME_FIXTURE]`, computed at compile time.
pub const NUMBERS: [u64; PRIME_FIXTURE.len()] = {
    let mut numbers = [0; PRIME_FIXTURE.len()];
    let mut i = 0;
    while i < numbers.len() {
        numbers[i] = PRIME_FIXTURE[i].0;
        i += 1;
    }
    numbers
};

// ANCHOR: is_prime
/// Trial division, exactly as the chapter does it, so the work (and so the
/// time) is comparable: 2 and even numbers first, then every odd divisor up
/// to the integer square root. The largest fixture primes need about
/// 50 million divisions each.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let root = n.isqrt();
    (3..=root).step_by(2).all(|i| !n.is_multiple_of(i))
}
// ANCHOR_END: is_prime

/// One row of the report. It crosses the process boundary, so it is
/// serializable; `Duration` rather than the book's float seconds, because
/// that is what `Instant` measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrimeResult {
    pub n: u64,
    pub prime: bool,
    pub elapsed: Duration,
}

// ANCHOR: check
/// Checks `n` and measures how long that took, in whichever process or
/// thread runs it, so the elapsed time excludes queueing and transport.
pub fn check(n: u64) -> PrimeResult {
    let t0 = Instant::now();
    let prime = is_prime(n);
    PrimeResult { n, prime, elapsed: t0.elapsed() }
}
// ANCHOR_END: check

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_prime` gives the chapter's answer for the fixture numbers that
    /// are quick to check: below 10^15, or with a factor of at most 7.
    #[test]
    fn is_prime_agrees_with_the_quick_part_of_the_fixture() {
        let quick = |n: u64| {
            n < 1_000_000_000_000_000
                || [2, 3, 5, 7].iter().any(|&p| n.is_multiple_of(p))
        };
        let mut checked = 0;
        for (n, expected) in
            PRIME_FIXTURE.into_iter().filter(|&(n, _)| quick(n))
        {
            assert_eq!(is_prime(n), expected, "{n}");
            checked += 1;
        }
        assert_eq!(checked, 9);
    }

    /// `is_prime` gives the chapter's answer for all 20 fixture numbers.
    /// Release only: the big primes take seconds each in a debug build.
    #[test]
    #[cfg_attr(
        debug_assertions,
        ignore = "slow in debug; cargo test --release"
    )]
    fn is_prime_agrees_with_the_whole_fixture() {
        for (n, expected) in PRIME_FIXTURE {
            assert_eq!(is_prime(n), expected, "{n}");
        }
    }

    /// `NUMBERS` lists the fixture's numbers in the fixture's order.
    #[test]
    fn numbers_are_the_fixture_numbers() {
        let from_fixture: Vec<u64> =
            PRIME_FIXTURE.iter().map(|&(n, _)| n).collect();
        assert_eq!(NUMBERS.to_vec(), from_fixture);
    }

    /// `is_prime` agrees with a sieve of Eratosthenes for every n < 100 000.
    #[test]
    fn is_prime_agrees_with_a_sieve_below_100_000() {
        const LIMIT: usize = 100_000;
        let mut sieve = vec![true; LIMIT];
        sieve[0] = false;
        sieve[1] = false;
        for i in 2..LIMIT {
            if sieve[i] {
                for multiple in (i * i..LIMIT).step_by(i) {
                    sieve[multiple] = false;
                }
            }
        }
        for (n, &expected) in sieve.iter().enumerate() {
            assert_eq!(is_prime(n as u64), expected, "{n}");
        }
    }

    /// `check` reports the number it was given and the right answer.
    #[test]
    fn check_reports_the_number_and_the_answer() {
        let result = check(142702110479723);
        assert_eq!(result.n, 142702110479723);
        assert!(result.prime);
        assert!(!check(4444444444444444).prime);
    }
}
