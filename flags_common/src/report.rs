//! The lines printed before and after the downloads: `initial_report` and
//! `final_report` of `flags2_common.py`, byte for byte.
//!
//! Both write to any `io::Write` so tests can read exactly what a user
//! sees; `main` passes stdout.

use std::io::{self, Write};
use std::time::Duration;

use crate::{Counter, DownloadStatus};

/// Which server, which codes, how many connections.
pub fn initial_report(
    out: &mut impl Write,
    cc_list: &[String],
    actual_req: usize,
    server_label: &str,
    base_url: &str,
) -> io::Result<()> {
    let cc_msg = match cc_list {
        list if list.len() <= 10 => list.join(", "),
        [first, .., last] => format!("from {first} to {last}"),
        _ => unreachable!("lists of 1 or 0 codes are joined"),
    };
    writeln!(out, "{server_label} site: {base_url}")?;
    let plural = if cc_list.len() != 1 { "s" } else { "" };
    writeln!(out, "Searching for {} flag{plural}: {cc_msg}", cc_list.len())?;
    if actual_req == 1 {
        writeln!(out, "1 connection will be used.")
    } else {
        writeln!(out, "{actual_req} concurrent connections will be used.")
    }
}

/// The counts, right-aligned in three columns, and the elapsed time. Lines
/// for "not found" and "errors" appear only when their count is not zero.
pub fn final_report(
    out: &mut impl Write,
    counter: &Counter,
    elapsed: Duration,
) -> io::Result<()> {
    writeln!(out, "{}", "-".repeat(20))?;
    let ok = counter[DownloadStatus::Ok];
    let plural = if ok != 1 { "s" } else { "" };
    writeln!(out, "{ok:3} flag{plural} downloaded.")?;
    let not_found = counter[DownloadStatus::NotFound];
    if not_found > 0 {
        writeln!(out, "{not_found:3} not found.")?;
    }
    let errors = counter[DownloadStatus::Error];
    if errors > 0 {
        let plural = if errors != 1 { "s" } else { "" };
        writeln!(out, "{errors:3} error{plural}.")?;
    }
    writeln!(out, "Elapsed time: {:.2}s", elapsed.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn initial(n: usize, actual_req: usize) -> String {
        let cc_list: Vec<String> =
            crate::cli::all_cc().into_iter().take(n).collect();
        let mut out = Vec::new();
        initial_report(
            &mut out,
            &cc_list,
            actual_req,
            "LOCAL",
            "http://x/flags",
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    fn last(counts: [usize; 3]) -> String {
        let mut counter = Counter::default();
        counter[DownloadStatus::Ok] = counts[0];
        counter[DownloadStatus::NotFound] = counts[1];
        counter[DownloadStatus::Error] = counts[2];
        let mut out = Vec::new();
        final_report(&mut out, &counter, Duration::from_millis(4_196)).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// One code: singular "flag", the code itself, one connection.
    #[test]
    fn initial_report_for_one_code() {
        assert_eq!(
            initial(1, 1),
            "LOCAL site: http://x/flags\n\
             Searching for 1 flag: AD\n\
             1 connection will be used.\n"
        );
    }

    /// Ten codes or fewer are listed one by one.
    #[test]
    fn initial_report_lists_ten_codes() {
        assert!(initial(10, 5).contains(
            "Searching for 10 flags: AD, AE, AF, AG, AL, AM, AO, AR, AT, AU\n\
             5 concurrent connections will be used.\n"
        ));
    }

    /// Eleven codes or more are shown as a range.
    #[test]
    fn initial_report_shows_a_range_from_eleven_codes() {
        assert!(
            initial(11, 2).contains("Searching for 11 flags: from AD to AZ\n")
        );
    }

    /// Only the counts that are not zero get a line, with the book's plurals.
    #[test]
    fn final_report_shows_only_nonzero_counts() {
        assert_eq!(
            last([19, 0, 1]),
            "--------------------\n 19 flags downloaded.\n  1 error.\nElapsed time: 4.20s\n"
        );
        assert_eq!(
            last([1, 482, 0]),
            "--------------------\n  1 flag downloaded.\n482 not found.\nElapsed time: 4.20s\n"
        );
        assert!(
            last([0, 0, 2]).contains("  0 flags downloaded.\n  2 errors.\n")
        );
    }
}
