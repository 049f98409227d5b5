//! The crate's parity table (`src/parity.rs`, CPython's test suite method
//! by method) adds up: each file's row of the summary counts that file's
//! table, and the totals and the sentence above them are the sums. So a
//! row that changes status cannot leave the summary behind.

use std::collections::BTreeMap;

/// The statuses a row can have, in the summary's column order.
const STATUSES: [&str; 4] = ["ported", "differs", "not ported", "n/a"];

/// Counts per status, in `STATUSES` order.
type Counts = [usize; 4];

/// The status a row's text starts with ("ported (...)", "differs: ...").
fn status_of(text: &str) -> Option<usize> {
    STATUSES.iter().position(|status| text.starts_with(status))
}

/// The table of each `## file` section: file name to its counts.
fn sections(text: &str) -> BTreeMap<String, Counts> {
    let mut sections = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim_start_matches("//!").trim();
        if let Some(heading) = line.strip_prefix("## ") {
            let file = heading
                .split_whitespace()
                .next()
                .expect("a file name")
                .to_owned();
            sections.insert(file.clone(), [0; 4]);
            current = Some(file);
        } else if let Some(file) = &current
            && let Some(row) = line.strip_prefix("| ")
            && let Some((method, status)) = row.split_once(" | ")
            && method != "method"
            && !method.starts_with("---")
        {
            let status = status_of(status.trim_end_matches(" |"))
                .unwrap_or_else(|| panic!("no status in: {line}"));
            sections.get_mut(file).expect("its heading came first")[status] +=
                1;
        }
    }
    sections
}

/// The summary table: file name to (methods, counts).
fn summary(text: &str) -> BTreeMap<String, (usize, Counts)> {
    text.lines()
        .map(|line| line.trim_start_matches("//!").trim())
        .filter(|line| line.starts_with("| ") && line.contains(".py |"))
        .map(|line| {
            let cells: Vec<&str> =
                line.trim_matches('|').split('|').map(str::trim).collect();
            let numbers: Vec<usize> = cells[1..]
                .iter()
                .map(|n| n.parse().expect("a count"))
                .collect();
            let counts = [numbers[1], numbers[2], numbers[3], numbers[4]];
            (cells[0].to_owned(), (numbers[0], counts))
        })
        .collect()
}

fn parity_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/parity.rs");
    std::fs::read_to_string(path).expect("the crate's own source")
}

/// Each file's line of the summary counts that file's own table (the
/// interpreter pool's, which has no table, is all n/a).
#[test]
fn each_files_summary_counts_its_table() {
    let text = parity_text();
    let tables = sections(&text);
    let summary = summary(&text);
    assert_eq!(summary.len(), 10, "{summary:?}");
    for (file, (methods, counts)) in &summary {
        let table = tables[file];
        if table == [0; 4] {
            assert_eq!(*counts, [0, 0, 0, *methods], "{file}");
        } else {
            assert_eq!(*counts, table, "{file}");
        }
        assert_eq!(counts.iter().sum::<usize>(), *methods, "{file}");
    }
}

/// The total line and the sentence above the table are the sums.
#[test]
fn the_totals_are_the_sums() {
    let text = parity_text();
    let summary = summary(&text);
    let mut sums = [0; 4];
    let mut methods = 0;
    for (n, counts) in summary.values() {
        methods += n;
        for (sum, count) in sums.iter_mut().zip(counts) {
            *sum += count;
        }
    }
    let [ported, differs, not_ported, na] = sums;
    let total = format!(
        "| **total** | **{methods}** | **{ported}** | **{differs}** | \
         **{not_ported}** | **{na}** |"
    );
    assert!(text.contains(&total), "no line {total}");
    let applies = methods - na;
    let sentence = format!(
        "**{methods} methods: {applies} apply to Rust. {ported} are ported \
         and pass; {differs} differ"
    );
    let flat = text.replace("\n//! ", " ");
    assert!(flat.contains(&sentence), "no sentence {sentence}");
    assert!(flat.contains(&format!("{not_ported} are not ported")));
    assert!(flat.contains(&format!("{na} do not apply.**")));
}
