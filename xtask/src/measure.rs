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
    /// From just before `spawn` to the moment the child was reaped.
    pub wall: Duration,
    /// The child's peak resident memory in KiB, where the OS tells us.
    pub max_rss_kib: Option<u64>,
}

/// Runs `cmd` to the end with stdin closed and both outputs captured.
///
/// Capturing stderr also keeps the clients' progress bars off the user's
/// terminal (they draw only when stderr is one), so the only thing on the
/// screen while `compare` works is its own progress line.
pub fn run(cmd: &mut Command) -> io::Result<Measured> {
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

/// Waits for the child and returns its exit status and peak memory.
///
/// `ru_maxrss` from `wait4` is the kernel's own high-water mark of the
/// child's resident set, kept until it is reaped; sampling
/// `/proc/<pid>/status` instead would miss a peak between two samples, and
/// the file is gone by the time the child has exited.
#[cfg(target_os = "linux")]
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
    // On Linux `ru_maxrss` is in KiB.
    let max_rss_kib = u64::try_from(usage.ru_maxrss).ok();
    Ok((ExitStatus::from_raw(status), max_rss_kib))
}

/// Elsewhere the portable wait, without a memory figure.
#[cfg(not(target_os = "linux"))]
fn wait_with_max_rss(
    child: &mut Child,
) -> io::Result<(ExitStatus, Option<u64>)> {
    Ok((child.wait()?, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A child's output, exit status and peak memory all come back.
    #[test]
    #[cfg(target_os = "linux")]
    fn reports_output_status_and_rss() {
        let measured =
            run(Command::new("sh")
                .args(["-c", "echo out; echo err >&2; exit 3"]))
            .unwrap();
        assert_eq!(measured.stdout, "out\n");
        assert_eq!(measured.stderr, "err\n");
        assert_eq!(measured.status.code(), Some(3));
        assert!(measured.max_rss_kib.is_some_and(|kib| kib > 0));
    }
}
