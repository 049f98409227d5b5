//! Tests of the built-in corpus: the stand-in for the book's `flags.zip`
//! (194 GIFs and their `metadata.json`), checked for what the clients and
//! the benchmarks rely on: every flag valid, distinct, of realistic size.

use std::collections::HashSet;

use flags_corpus as corpus;

/// The corpus has exactly the codes of `country_codes.txt`, the list the
/// clients' `-a` option downloads (flags_common owns that file).
#[test]
fn codes_match_country_codes_txt() {
    let file = include_str!("../../../flags_common/country_codes.txt");
    let expected: Vec<&str> = file.split_whitespace().collect();
    let ours: Vec<&str> = corpus::codes().collect();
    assert_eq!(ours, expected);
    assert_eq!(ours.len(), 194);
}

/// Every flag decodes as a GIF, all are distinct, and their sizes look
/// like the real files: 1–40 KB, median near 10 KB.
#[test]
fn every_flag_is_a_distinct_gif_of_realistic_size() {
    corpus::warm_up();
    let mut sizes = Vec::new();
    let mut seen = HashSet::new();
    for cc in corpus::codes() {
        let gif = corpus::flag_gif(cc).unwrap();
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = options.read_info(&gif[..]).unwrap();
        let frame = decoder.read_next_frame().unwrap().unwrap();
        assert!(frame.width >= 60 && frame.height >= 40, "{cc}");
        assert!(seen.insert(gif.clone()), "{cc} is a duplicate");
        sizes.push((gif.len(), cc));
    }
    sizes.sort();
    println!("smallest {:?}, largest {:?}", sizes[0], sizes[193]);
    let (median, _) = sizes[97];
    println!("median {median}");
    assert!(sizes.iter().all(|&(n, _)| (1_000..=40_000).contains(&n)));
    assert!((8_000..=12_000).contains(&median), "median {median}");
}
