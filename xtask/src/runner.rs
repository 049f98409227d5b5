//! Running one program the way `compare` and its peers all do: announced
//! on stderr, in a fresh directory, after a `sync`, measured from a reset
//! of the server's statistics to their snapshot, with the instants of spawn
//! and exit put on the server's clock.

use std::process::{Command, Stdio};

use anyhow::{Context, Result};

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
    // The files the previous run saved are still being written back to
    // disk; without this, that work lands on whichever program runs next.
    sync();
    server.reset();
    // The server's clock on ours: its uptime, read between two readings of
    // the monotonic clock, puts its zero at `zero_ns` (to a few µs).
    let before = measure::monotonic_ns();
    let uptime = server.stats().map(|stats| stats.uptime);
    let after = measure::monotonic_ns();
    let measured = measure::run(cmd)?;
    let stats = server.stats();
    let zero_ns = match uptime {
        Some(uptime) => (before / 2 + after / 2) as f64 - uptime * 1e9,
        None => measured.spawned_ns as f64,
    };
    let wall_ns = measured.reaped_ns.saturating_sub(measured.spawned_ns);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let report = measured.read(&program, check_exit, parse)?;
    Ok(Run {
        report,
        wall: wall_ns as f64 / 1e9,
        max_rss_kib: measured.max_rss_kib,
        peak_in_flight: stats.as_ref().map(|stats| stats.peak_in_flight),
        launched: (measured.spawned_ns as f64 - zero_ns) / 1e9,
        records: stats.map(|stats| stats.records).unwrap_or_default(),
    })
}

/// Flushes every file system's dirty pages to disk, and waits for it.
fn sync() {
    #[cfg(unix)]
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe {
        libc::sync();
    }
}

/// Whether a command runs and exits 0 (output discarded).
pub fn answers(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// A fresh, empty directory for one run's downloads, removed on drop.
pub fn fresh_dir() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("xtask-compare-")
        .tempdir()
        .context("cannot create a temporary directory")
}
