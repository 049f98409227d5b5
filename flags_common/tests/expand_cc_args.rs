//! Property tests for `expand_cc_args`, the Rust `expand_cc_args` of
//! `flags2_common.py`: whatever the command line, the codes a client asks
//! for are sorted, unique, limited, and each is two letters A to Z.
//!
//! The unit tests in `src/cli.rs` pin a few examples; these tests let
//! proptest make up thousands of argument lists and check the rules that
//! must hold for all of them.

use std::collections::BTreeSet;

use flags_common::cli::{all_cc, expand_cc_args};
use proptest::prelude::*;

/// The message of the book's `ValueError` for a bad CC argument.
const CC_ERROR: &str = "each CC argument must be A to Z or AA to ZZ.";

/// The 26 letters, as the book's `string.ascii_uppercase`.
const A_Z: std::ops::RangeInclusive<char> = 'A'..='Z';

/// Every possible code, AA to ZZ: what `-e` asks for.
fn every_cc() -> Vec<String> {
    A_Z.flat_map(|a| A_Z.map(move |b| format!("{a}{b}"))).collect()
}

/// A CC argument the book accepts: one or two ASCII letters, in any case.
fn valid_arg() -> impl Strategy<Value = String> {
    "[A-Za-z]{1,2}"
}

/// A CC argument the book rejects. Besides arbitrary text, it tries the
/// near misses a user types (three letters, a digit, an empty string) and
/// letters whose Unicode upper case is ASCII (`ß` is `SS`, `ı` is `I`),
/// which must not sneak in as codes.
fn invalid_arg() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z]{3,6}",
        "[A-Za-z]?[0-9 ._/-][A-Za-z]?",
        Just(String::new()),
        "[ßıﬀſ][a-zA-Z]?",
        "[a-zA-Z]?[ßıﬀſ]",
    ]
    .prop_filter("a valid argument", |arg| !is_valid(arg))
}

/// A limit: small ones cut the list, `usize::MAX` is "no `-l`".
fn limit() -> impl Strategy<Value = usize> {
    prop_oneof![1..=700_usize, Just(usize::MAX)]
}

/// The rule for a valid argument, stated independently of the code under
/// test: one or two ASCII letters.
fn is_valid(arg: &str) -> bool {
    (1..=2).contains(&arg.len()) && arg.bytes().all(|b| b.is_ascii_alphabetic())
}

/// What a list of valid arguments stands for, computed the long way: a
/// letter is its 26 codes, a pair is itself.
fn expected_codes(args: &[String]) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for arg in args.iter().map(|arg| arg.to_ascii_uppercase()) {
        let mut letters = arg.chars();
        match (letters.next(), letters.next()) {
            (Some(a), None) => codes.extend(A_Z.map(|b| format!("{a}{b}"))),
            _ => {
                codes.insert(arg);
            }
        }
    }
    codes
}

proptest! {
    /// The codes are sorted, unique, limited, and two capital letters each.
    #[test]
    fn output_is_sorted_unique_limited_and_two_capital_letters(
        every in any::<bool>(),
        all in any::<bool>(),
        args in prop::collection::vec(valid_arg(), 0..12),
        limit in limit(),
    ) {
        let codes = expand_cc_args(every, all, &args, limit)
            .expect("valid arguments are accepted");
        // Strictly increasing means both sorted and unique.
        prop_assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
        prop_assert!(codes.len() <= limit);
        for cc in &codes {
            prop_assert_eq!(cc.len(), 2, "{:?}", cc);
            prop_assert!(cc.bytes().all(|b| b.is_ascii_uppercase()), "{cc:?}");
        }
    }

    /// `-e` wins over `-a` and over the CC arguments, even invalid ones.
    #[test]
    fn every_beats_all_and_the_cc_arguments(
        all in any::<bool>(),
        args in prop::collection::vec(
            prop_oneof![valid_arg(), invalid_arg()], 0..6),
        limit in limit(),
    ) {
        let codes = expand_cc_args(true, all, &args, limit);
        let expected: Vec<String> =
            every_cc().into_iter().take(limit).collect();
        prop_assert_eq!(codes, Ok(expected));
    }

    /// `-a` (without `-e`) wins over the CC arguments, even invalid ones.
    #[test]
    fn all_beats_the_cc_arguments(
        args in prop::collection::vec(
            prop_oneof![valid_arg(), invalid_arg()], 0..6),
        limit in limit(),
    ) {
        let codes = expand_cc_args(false, true, &args, limit);
        let expected: Vec<String> = all_cc().into_iter().take(limit).collect();
        prop_assert_eq!(codes, Ok(expected));
    }

    /// A letter gives exactly its 26 codes, a pair itself, nothing else.
    #[test]
    fn each_letter_contributes_exactly_its_26_codes(
        args in prop::collection::vec(valid_arg(), 0..12),
    ) {
        let codes = expand_cc_args(false, false, &args, usize::MAX)
            .expect("valid arguments are accepted");
        let expected: Vec<String> =
            expected_codes(&args).into_iter().collect();
        prop_assert_eq!(&codes, &expected);
        for letter in args.iter().filter(|arg| arg.len() == 1) {
            let letter = letter.to_ascii_uppercase();
            let count =
                codes.iter().filter(|cc| cc.starts_with(&letter)).count();
            prop_assert_eq!(count, 26, "letter {}", letter);
        }
    }

    /// The limit cuts the whole sorted list, never an unsorted one.
    #[test]
    fn limit_cuts_the_sorted_list(
        args in prop::collection::vec(valid_arg(), 0..12),
        limit in 1..=60_usize,
    ) {
        let whole = expand_cc_args(false, false, &args, usize::MAX)
            .expect("valid arguments are accepted");
        let cut = expand_cc_args(false, false, &args, limit)
            .expect("valid arguments are accepted");
        prop_assert_eq!(&cut[..], &whole[..whole.len().min(limit)]);
    }

    /// Arguments are case-insensitive: `br`, `Br` and `BR` are one code.
    #[test]
    fn arguments_are_case_insensitive(
        args in prop::collection::vec(valid_arg(), 0..12),
    ) {
        let upper: Vec<String> =
            args.iter().map(|arg| arg.to_ascii_uppercase()).collect();
        let lower: Vec<String> =
            args.iter().map(|arg| arg.to_ascii_lowercase()).collect();
        prop_assert_eq!(
            expand_cc_args(false, false, &upper, usize::MAX),
            expand_cc_args(false, false, &lower, usize::MAX)
        );
    }

    /// One invalid argument anywhere rejects the list with the book's words.
    #[test]
    fn an_invalid_argument_is_rejected(
        mut args in prop::collection::vec(valid_arg(), 0..6),
        bad in invalid_arg(),
        position in any::<prop::sample::Index>(),
        limit in limit(),
    ) {
        let at = position.index(args.len() + 1);
        args.insert(at, bad);
        prop_assert_eq!(
            expand_cc_args(false, false, &args, limit),
            Err(CC_ERROR.to_owned())
        );
    }
}
