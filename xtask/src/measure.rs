//! Runs one program and measures it from the outside: its output, its wall
//! time, and its peak memory. The book times runs with `time.perf_counter()`
//! inside the script; here the same figure comes from the client's own
//! `Elapsed time:` line, and this module adds what a script cannot see of
//! itself: the process's start-up and its maximum resident set size.
//!
//! Used by `compare` (the flag clients, curl, the book's Python scripts) and
//! by `compare primes`.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// What one run of a program left behind.
#[derive(Debug)]
pub struct Measured {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// From just before the program was spawned to the moment it was
    /// reaped.
    pub wall: Duration,
    /// The program's peak resident memory in KiB, where the OS tells us.
    pub max_rss_kib: Option<u64>,
}

/// The hidden first argument that turns xtask into [`trampoline`].
pub const TRAMPOLINE: &str = "__measure";

/// The line the trampoline adds at the end of stderr: the program's raw
/// wait status, its peak memory in KiB, and its wall time in nanoseconds.
const MARKER: &str = "__xtask_measure__";

/// Runs `cmd` to the end with stdin closed and both outputs captured.
///
/// Capturing stderr also keeps the clients' progress bars off the user's
/// terminal (they draw only when stderr is one), so the only thing on the
/// screen while `compare` works is its own progress line.
///
/// On Linux the program is started through a fresh copy of xtask (see
/// [`trampoline`]) rather than directly, because of how the kernel counts
/// `ru_maxrss`: a new process starts as a copy of its parent, and `exec`
/// keeps the parent's high-water mark in the new program's maximum. A
/// client spawned straight from this process, which holds the test server
/// and its flag corpus, would report at least this process's memory
/// instead of its own. The trampoline is small when it spawns, so what it
/// reports is the client's own peak (or the trampoline's few MiB, if the
/// client never grew past that).
pub fn run(cmd: &mut Command) -> io::Result<Measured> {
    if cfg!(target_os = "linux") {
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
        let fields: Vec<u64> = marker
            .split_whitespace()
            .filter_map(|field| field.parse().ok())
            .collect();
        let [raw_status, kib, nanos] = fields[..] else {
            return Err(io::Error::other("the trampoline's report is garbled"));
        };
        measured.status = exit_status_from_raw(raw_status);
        measured.max_rss_kib = Some(kib);
        measured.wall = Duration::from_nanos(nanos);
        measured.stderr = stderr.to_owned();
        Ok(measured)
    } else {
        run_direct(cmd)
    }
}

/// The body of `xtask __measure PROGRAM ARGS...`, called first thing in
/// `main`, before xtask has grown: runs PROGRAM with the same stdin,
/// stdout and stderr, waits for it with `wait4`, and appends one line to
/// stderr with its wait status, peak memory and wall time. Returns the
/// trampoline's own exit code: 0 when it could report, 1 when not.
pub fn trampoline(mut args: impl Iterator<Item = std::ffi::OsString>) -> i32 {
    let Some(program) = args.next() else {
        eprintln!("xtask {TRAMPOLINE}: no program to run");
        return 1;
    };
    let t0 = Instant::now();
    let outcome = Command::new(&program)
        .args(args)
        .spawn()
        .and_then(|mut child| wait_with_max_rss(&mut child));
    let wall = t0.elapsed();
    match outcome {
        Ok((status, kib)) => {
            eprintln!(
                "\n{MARKER} {} {} {}",
                raw_status(status),
                kib.unwrap_or(0),
                wall.as_nanos()
            );
            0
        }
        Err(error) => {
            eprintln!("cannot run {}: {error}", program.to_string_lossy());
            1
        }
    }
}

/// The smallest peak memory [`run`] can report: what `true`, a program
/// that does nothing, shows through the trampoline. A figure near it
/// means "this much or less".
pub fn rss_floor_kib() -> Option<u64> {
    run(&mut Command::new("true")).ok()?.max_rss_kib
}

/// Runs `cmd` itself, capturing both outputs, and reads its `wait4`.
fn run_direct(cmd: &mut Command) -> io::Result<Measured> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let t0 = Instant::now();
    let mut child = cmd.spawn()?;
    // stderr is drained on its own thread while this one reads stdout: a
    // child that fills one pipe while we block on the other would hang.
    let mut stderr_pipe = child.stderr.take();
    let stderr_reader = thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = stderr_pipe.as_mut() {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    });
    let mut stdout = String::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_string(&mut stdout)?;
    }
    let (status, max_rss_kib) = wait_with_max_rss(&mut child)?;
    let wall = t0.elapsed();
    let stderr = stderr_reader.join().unwrap_or_default();
    Ok(Measured { status, stdout, stderr, wall, max_rss_kib })
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

/// Waits for the child and returns its exit status and peak memory.
///
/// `ru_maxrss` from `wait4` is the kernel's own high-water mark of the
/// child's resident set, kept until it is reaped; sampling
/// `/proc/<pid>/status` instead would miss a peak between two samples, and
/// the file is gone by the time the child has exited.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn wait_with_max_rss(
    child: &mut Child,
) -> io::Result<(ExitStatus, Option<u64>)> {
    use std::os::unix::process::ExitStatusExt;

    let pid = libc::pid_t::try_from(child.id())
        .map_err(|_| io::Error::other("child pid out of range"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a plain C struct of integers, for which all
    // zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped (std's `Child`
        // reaps only in `wait`/`try_wait`, which we never call), and both
        // pointers are to live locals of the right types.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
    // `ru_maxrss` is in KiB on Linux, and in bytes on macOS.
    let max_rss = u64::try_from(usage.ru_maxrss).ok();
    let max_rss_kib = if cfg!(target_os = "macos") {
        max_rss.map(|b| b / 1024)
    } else {
        max_rss
    };
    Ok((ExitStatus::from_raw(status), max_rss_kib))
}

/// On Windows, the child's peak working set: `PeakWorkingSetSize` from
/// `GetProcessMemoryInfo`, Windows' own high-water mark of the memory
/// a process held resident, as `ru_maxrss` is on Linux and macOS. The
/// process object keeps it after the process has exited, for as long as a
/// handle to it is open, and `child` holds one until it is dropped. No
/// trampoline is needed here: a Windows process does not start as a copy
/// of its parent, so its peak is its own from the start.
#[cfg(windows)]
fn wait_with_max_rss(
    child: &mut Child,
) -> io::Result<(ExitStatus, Option<u64>)> {
    use std::os::windows::io::AsRawHandle;

    use windows_sys::Win32::System::ProcessStatus::{
        GetProcessMemoryInfo, PROCESS_MEMORY_COUNTERS,
    };

    let status = child.wait()?;
    let size = size_of::<PROCESS_MEMORY_COUNTERS>();
    let size = u32::try_from(size).map_err(io::Error::other)?;
    // SAFETY: a plain C struct of integers, for which all zeroes is valid.
    let mut counters: PROCESS_MEMORY_COUNTERS = unsafe { std::mem::zeroed() };
    counters.cb = size;
    // SAFETY: the handle is the child's own, open while `child` lives, and
    // the pointer is to a live local of the size passed.
    let read = unsafe {
        GetProcessMemoryInfo(child.as_raw_handle(), &mut counters, size)
    };
    // A process always has some memory resident, so a peak of 0 is no
    // reading: wine, for one, answers 0 once the process is gone.
    let peak = counters.PeakWorkingSetSize;
    let max_rss_kib = if read != 0 && peak > 0 {
        u64::try_from(peak / 1024).ok()
    } else {
        None
    };
    Ok((status, max_rss_kib))
}

/// Elsewhere the portable wait, without a memory figure.
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn wait_with_max_rss(
    child: &mut Child,
) -> io::Result<(ExitStatus, Option<u64>)> {
    Ok((child.wait()?, None))
}
