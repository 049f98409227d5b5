//! Running one program the way `compare` and its peers all do: announced
//! on stderr, in a fresh directory, measured from a reset of the server's
//! statistics to their snapshot.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::measure;
use crate::model::{Observed, Run};
use crate::parse::Report;

/// The progress line: which model is running now.
pub fn progress(model: &str, n: u32, runs: u32) {
    if runs > 1 {
        eprintln!("compare: running {model} (run {n} of {runs})");
    } else {
        eprintln!("compare: running {model}");
    }
}

/// Runs one program against `server`, from a reset of its statistics to
/// their snapshot, and reads the program's report with `parse`.
pub fn measured_run(
    cmd: &mut Command,
    server: &dyn Observed,
    parse: impl Fn(&str) -> Result<Report>,
    check_exit: bool,
) -> Result<Run> {
    server.reset();
    let t0 = server.stats().uptime;
    let measured = measure::run(cmd)?;
    let stats = server.stats();
    let program = cmd.get_program().to_string_lossy().into_owned();
    if check_exit && !measured.status.success() {
        bail!(
            "{program} exited with {}:\n{}",
            measured.status,
            measured.stderr.trim_end()
        );
    }
    let report = parse(&measured.stdout).with_context(|| {
        format!("cannot read the report of {program}:\n{}", measured.stdout)
    })?;
    Ok(Run {
        report,
        wall: measured.wall.as_secs_f64(),
        max_rss_kib: measured.max_rss_kib,
        peak_in_flight: stats.peak_in_flight,
        t0,
        records: stats.records,
    })
}

/// A fresh, empty directory for one run's downloads, removed on drop.
pub fn fresh_dir() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("xtask-compare-")
        .tempdir()
        .context("cannot create a temporary directory")
}
