//! Waiting for a child process and reading its peak memory, which
//! `std::process` does not report: the one copy of the `wait4` call that
//! the clients' tests (a bound on memory under a huge body) and
//! `cargo xtask compare` (the "peak RSS" column) both need.
//!
//! `ru_maxrss` from `wait4` is the kernel's own high-water mark of the
//! child's resident set, kept until the child is reaped; sampling
//! `/proc/<pid>/status` instead would miss a peak between two samples, and
//! the file is gone by the time the child has exited.

use std::io;
use std::process::{Child, ExitStatus};

/// Waits for `child` and returns its exit status and its peak resident
/// memory in KiB (`None` where the platform does not say). `wait4` is
/// BSD's as much as Linux's, so macOS has it too.
#[cfg(any(target_os = "linux", target_os = "macos"))]
pub fn wait_with_max_rss(
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
        // reaps only in `wait`/`try_wait`, which are not called on it), and
        // both pointers are to live locals of the right types.
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
        max_rss.map(|bytes| bytes / 1024)
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
pub fn wait_with_max_rss(
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
pub fn wait_with_max_rss(
    child: &mut Child,
) -> io::Result<(ExitStatus, Option<u64>)> {
    Ok((child.wait()?, None))
}

// Only Linux is sure to give a peak; `sh` is a Unix command.
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::process::Command;

    use super::*;

    /// The status is the child's own, and on Linux a peak memory is read.
    #[test]
    #[cfg(target_os = "linux")]
    fn reads_the_exit_status_and_a_peak() {
        let mut child =
            Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap();
        let (status, kib) = wait_with_max_rss(&mut child).unwrap();
        assert_eq!(status.code(), Some(3));
        assert!(kib.is_some_and(|kib| kib > 0), "{kib:?}");
    }
}
