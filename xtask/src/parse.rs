//! Reads the report a flag client prints, the lines of `initial_report`
//! and `final_report` in `flags2_common.py`:
//!
//! ```text
//! 5 concurrent connections will be used.     (or "1 connection will be used.")
//!  19 flags downloaded.
//!   1 not found.                             (only when > 0)
//!   2 errors.                                (only when > 0)
//! Elapsed time: 0.42s
//! ```
//!
//! The Rust clients print them byte for byte as the book's scripts do
//! (`docs/contract.md`, "Output"), so one parser reads both; curl's
//! statuses and `primes`' total time are read here too.

use anyhow::{Context, Result, bail};

/// The figures of one client's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Counts {
    pub ok: u64,
    pub not_found: u64,
    pub errors: u64,
}

impl Counts {
    /// Every code the run handled, whatever its outcome.
    pub fn total(&self) -> u64 {
        self.ok + self.not_found + self.errors
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Counts { ok, not_found, errors } = self;
        write!(f, "{ok} OK, {not_found} not found, {errors} errors")
    }
}

/// One client's report, as parsed.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Report {
    /// From "N concurrent connections will be used.".
    pub concurrency: u64,
    #[serde(flatten)]
    pub counts: Counts,
    /// From "Elapsed time: 0.42s": the client's own timing of
    /// `download_many`, without process start-up.
    pub elapsed: f64,
}

/// Parses a client's stdout, where only the "not found" and "errors" lines
/// may be missing (when their count is zero).
pub fn parse_report(stdout: &str) -> Result<Report> {
    let mut concurrency = None;
    let mut ok = None;
    let mut counts = Counts::default();
    let mut elapsed = None;
    for line in stdout.lines() {
        let line = line.trim();
        if line == "1 connection will be used." {
            concurrency = Some(1);
        } else if let Some(n) =
            line.strip_suffix(" concurrent connections will be used.")
        {
            concurrency = Some(number(n, line)?);
        } else if let Some(n) = count(line, " flag", " downloaded.") {
            ok = Some(number(n, line)?);
        } else if let Some(n) = line.strip_suffix(" not found.") {
            counts.not_found = number(n, line)?;
        } else if let Some(n) = count(line, " error", ".") {
            counts.errors = number(n, line)?;
        } else if let Some(secs) = seconds(line, "Elapsed time: ") {
            elapsed = Some(secs?);
        }
    }
    let missing = |what: &str| format!("no {what} line in the output");
    counts.ok = ok.with_context(|| missing("\"N flags downloaded.\""))?;
    Ok(Report {
        concurrency: concurrency
            .with_context(|| missing("\"N connections will be used.\""))?,
        counts,
        elapsed: elapsed.with_context(|| missing("\"Elapsed time:\""))?,
    })
}

/// Reads curl's `--write-out '%{http_code}\n'`, one status per transfer,
/// into counts as the clients count (000, no answer, is an error).
pub fn parse_statuses(stdout: &str, expected: usize) -> Result<Counts> {
    let mut counts = Counts::default();
    for line in stdout.lines() {
        let status: u16 = (line.trim().parse())
            .context("curl printed something that is not a status")?;
        match status {
            200..=299 => counts.ok += 1,
            404 => counts.not_found += 1,
            _ => counts.errors += 1,
        }
    }
    if counts.total() != expected as u64 {
        bail!("curl reported {} transfers, not {expected}", counts.total());
    }
    Ok(counts)
}

/// Reads `primes`' last line, "Total time: 0.61s", as `proc_pool.py`
/// prints it.
pub fn parse_total_time(stdout: &str) -> Result<f64> {
    let total = stdout.lines().find_map(|line| seconds(line, "Total time: "));
    total.context("no \"Total time:\" line in the output")?
}

/// The seconds of a line `{prefix}0.42s`, if it is one.
fn seconds(line: &str, prefix: &str) -> Option<Result<f64>> {
    let secs = line.trim().strip_prefix(prefix)?.strip_suffix('s')?;
    Some(secs.parse().with_context(|| format!("bad time in {line:?}")))
}

/// The number before `noun` (singular or plural) and `end`: "2 errors."
/// and "1 error." both give the number.
fn count<'a>(line: &'a str, noun: &str, end: &str) -> Option<&'a str> {
    let rest = line.strip_suffix(end)?;
    let rest = rest.strip_suffix('s').unwrap_or(rest);
    rest.strip_suffix(noun)
}

fn number(text: &str, line: &str) -> Result<u64> {
    text.trim().parse().with_context(|| format!("bad count in {line:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figures of the report in `out`: concurrency, OK, not found,
    /// errors and elapsed seconds.
    fn parsed(out: &str) -> (u64, [u64; 3], f64) {
        let report = parse_report(out).unwrap();
        let Counts { ok, not_found, errors } = report.counts;
        (report.concurrency, [ok, not_found, errors], report.elapsed)
    }

    /// A full report with every line, as the book's DELAY example prints.
    const FULL: &str = "LOCAL site: http://localhost:8000/flags\n\
                        Searching for 20 flags: from BD to VN\n\
                        5 concurrent connections will be used.\n\
                        --------------------\n \
                        17 flags downloaded.\n  \
                        1 not found.\n  \
                        2 errors.\n\
                        Elapsed time: 0.42s\n";

    #[test]
    fn parses_every_line() {
        assert_eq!(parsed(FULL), (5, [17, 1, 2], 0.42));
    }

    /// Singular forms, and absent lines meaning zero.
    #[test]
    fn parses_singulars_and_absent_lines() {
        let out = "1 connection will be used.\n\
                   --------------------\n  \
                   1 flag downloaded.\n  \
                   1 error.\n\
                   Elapsed time: 3.10s\n";
        assert_eq!(parsed(out), (1, [1, 0, 1], 3.1));
    }

    /// Output without the final report is an error, not a zero row.
    #[test]
    fn rejects_a_truncated_report() {
        let out = "1 connection will be used.\n";
        assert!(parse_report(out).is_err());
    }

    /// The last line of `primes` gives the total time.
    #[test]
    fn parses_primes_total_time() {
        let out = "Checking 20 numbers with 2 processes:\nTotal time: 0.61s\n";
        assert_eq!(parse_total_time(out).unwrap(), 0.61);
    }
}
