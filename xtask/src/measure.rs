//! Runs one program and measures it from the outside: its output, its wall
//! time (start-up included) and its peak memory, what a script timing
//! itself with `time.perf_counter()`, as the book's do, cannot see.
//!
//! [`measured_run`] is how `compare` and its peers all run one: announced
//! on stderr, in a fresh directory, after a `sync`, from a reset of the
//! server's statistics to their snapshot. Spawn and exit are read on the
//! monotonic clock every process shares ([`monotonic_ns`]), so that the
//! trampoline's instants and the server's records line up.

use std::ffi::OsString;
use std::io::{self, Read};
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::thread;

use anyhow::{Context, Result, bail};
use flags_testkit::rusage::wait_with_max_rss;

use crate::model::{Observed, Run};
use crate::parse::Report;

/// What one run of a program left behind.
#[derive(Debug)]
pub struct Measured {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// Just before the spawn and just after the reap, on [`monotonic_ns`]:
    /// the wall time is from one to the other.
    pub spawned_ns: u64,
    pub reaped_ns: u64,
    /// The program's peak resident memory in KiB, where the OS tells us.
    pub max_rss_kib: Option<u64>,
}

impl Measured {
    /// The program's stdout read with `parse`, `what` naming it in the
    /// error if it cannot be read, or (with `check_exit`) if it failed.
    pub fn read<T>(
        &self,
        what: &str,
        check_exit: bool,
        parse: impl Fn(&str) -> Result<T>,
    ) -> Result<T> {
        if check_exit && !self.status.success() {
            let stderr = self.stderr.trim_end();
            bail!("{what} exited with {}:\n{stderr}", self.status);
        }
        parse(&self.stdout).with_context(|| {
            format!("cannot read the report of {what}:\n{}", self.stdout)
        })
    }
}

/// The progress line: which model is running now.
pub fn progress(model: &str, n: u32, runs: u32) {
    let which = (runs > 1).then(|| format!(" (run {n} of {runs})"));
    eprintln!("compare: running {model}{}", which.unwrap_or_default());
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
    let before = monotonic_ns();
    let uptime = server.stats().map(|stats| stats.uptime);
    let after = monotonic_ns();
    let measured = run(cmd)?;
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
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    cmd.status().is_ok_and(|status| status.success())
}

/// A fresh, empty directory for one run's downloads, removed on drop.
pub fn fresh_dir() -> Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new().prefix("xtask-compare-").tempdir();
    dir.context("cannot create a temporary directory")
}

/// The hidden first argument that turns xtask into [`trampoline`].
pub const TRAMPOLINE: &str = "__measure";

/// The start of the line the trampoline adds at the end of stderr.
const MARKER: &str = "__xtask_measure__";

/// Runs `cmd` to the end with stdin closed and both outputs captured, which
/// also keeps the clients' progress bars off the terminal.
///
/// On Linux through a fresh copy of xtask, the [`trampoline`]: `exec` keeps
/// the parent's `ru_maxrss` high-water mark, so a client spawned straight
/// from this process, which holds the test server and its flag corpus,
/// would report at least our memory instead of its own. The trampoline is
/// small when it spawns: what it reports is the client's peak, or its own
/// few MiB if the client never grew past that.
pub fn run(cmd: &mut Command) -> io::Result<Measured> {
    if !cfg!(target_os = "linux") {
        return run_direct(cmd);
    }
    let mut via = Command::new(std::env::current_exe()?);
    via.arg(TRAMPOLINE).arg(cmd.get_program()).args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        via.current_dir(dir);
    }
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => via.env(key, value),
            None => via.env_remove(key),
        };
    }
    let mut measured = run_direct(&mut via)?;
    if !measured.status.success() {
        // The trampoline itself failed, e.g. the program is missing.
        return Ok(measured);
    }
    let Some((stderr, marker)) = measured.stderr.rsplit_once(MARKER) else {
        return Err(io::Error::other("the trampoline reported nothing"));
    };
    let fields = marker.split_whitespace().filter_map(|f| f.parse().ok());
    let fields: Vec<u64> = fields.collect();
    let [raw_status, kib, spawned_ns, reaped_ns] = fields[..] else {
        return Err(io::Error::other("the trampoline's report is garbled"));
    };
    measured.status = exit_status_from_raw(raw_status);
    measured.max_rss_kib = Some(kib);
    measured.spawned_ns = spawned_ns;
    measured.reaped_ns = reaped_ns;
    measured.stderr = stderr.to_owned();
    Ok(measured)
}

/// `xtask __measure PROGRAM ARGS...`, first thing in `main`, before xtask
/// has grown: runs PROGRAM on the same stdio, waits for it with `wait4`,
/// and appends to stderr [`MARKER`], the wait status, the peak memory in
/// KiB, and the instants of spawn and reap. Fails only if it cannot.
pub fn trampoline(mut args: impl Iterator<Item = OsString>) -> ExitCode {
    let Some(program) = args.next() else {
        eprintln!("xtask {TRAMPOLINE}: no program to run");
        return ExitCode::FAILURE;
    };
    let spawned_ns = monotonic_ns();
    let child = Command::new(&program).args(args).spawn();
    let outcome = child.and_then(|mut child| wait_with_max_rss(&mut child));
    let reaped_ns = monotonic_ns();
    match outcome {
        Ok((status, kib)) => {
            eprintln!(
                "\n{MARKER} {} {} {spawned_ns} {reaped_ns}",
                raw_status(status),
                kib.unwrap_or(0),
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot run {}: {error}", program.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}

/// The note on the smallest peak memory [`run`] can report, what `true`
/// shows: a figure near it means "this much or less".
pub fn rss_floor_note() -> Option<String> {
    let kib = run(&mut Command::new("true")).ok()?.max_rss_kib?;
    let mib = kib as f64 / 1024.0;
    Some(format!(
        "peak RSS cannot read below {mib:.1} MiB here, what the small \
         process that starts each program weighs itself"
    ))
}

/// Runs `cmd` itself, capturing both outputs, and reads its `wait4`.
fn run_direct(cmd: &mut Command) -> io::Result<Measured> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let spawned_ns = monotonic_ns();
    let mut child = cmd.spawn()?;
    // stderr is drained on its own thread while this one reads stdout: a
    // child that fills one pipe while we block on the other would hang.
    let stderr = child.stderr.take();
    let stderr = thread::spawn(move || read_all(stderr).unwrap_or_default());
    let stdout = read_all(child.stdout.take())?;
    let (status, max_rss_kib) = wait_with_max_rss(&mut child)?;
    let reaped_ns = monotonic_ns();
    let stderr = stderr.join().unwrap_or_default();
    Ok(Measured { status, stdout, stderr, spawned_ns, reaped_ns, max_rss_kib })
}

fn read_all(pipe: Option<impl Read>) -> io::Result<String> {
    let mut text = String::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_string(&mut text)?;
    }
    Ok(text)
}

/// Now, in nanoseconds of `CLOCK_MONOTONIC` (what `Instant` reads too),
/// one clock for every process of the machine.
#[cfg(unix)]
pub fn monotonic_ns() -> u64 {
    // SAFETY: `timespec` is a plain C struct of integers, for which all
    // zeroes is a valid value.
    let mut now: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: CLOCK_MONOTONIC exists on every Unix Rust supports, and the
    // pointer is to a live local of the right type.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    let secs = u64::try_from(now.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(now.tv_nsec).unwrap_or(0);
    secs * 1_000_000_000 + nanos
}

/// Elsewhere no trampoline runs, so a clock of this process is enough.
#[cfg(not(unix))]
pub fn monotonic_ns() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let nanos = EPOCH.get_or_init(Instant::now).elapsed().as_nanos();
    u64::try_from(nanos).unwrap_or(u64::MAX)
}

#[cfg(unix)]
fn raw_status(status: ExitStatus) -> u64 {
    use std::os::unix::process::ExitStatusExt;
    u64::from(status.into_raw().cast_unsigned())
}

#[cfg(unix)]
fn exit_status_from_raw(raw: u64) -> ExitStatus {
    use std::os::unix::process::ExitStatusExt;
    ExitStatus::from_raw(u32::try_from(raw).unwrap_or(u32::MAX).cast_signed())
}

#[cfg(not(unix))]
fn raw_status(status: ExitStatus) -> u64 {
    status.code().map_or(u64::MAX, |code| u64::from(code.cast_unsigned()))
}

#[cfg(not(unix))]
fn exit_status_from_raw(_raw: u64) -> ExitStatus {
    unreachable!("the trampoline runs on Linux only")
}
