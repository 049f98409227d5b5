//! Open files: making room for `-m` connections before the run starts.
//!
//! Not in the book: Python raises no limit for `flags2_threadpool.py` or
//! `flags2_asyncio.py` either, and on a machine whose soft limit is 256 (as
//! macOS sets it) `-m 1000 -e` ends in hundreds of "Too many open files".
//! Every socket and every file being saved takes one file descriptor, and
//! the kernel refuses the next one past `RLIMIT_NOFILE`. So before the
//! first request, [`fit_concurrency`]:
//!
//! 1. raises the soft limit to what the run needs, up to the hard limit
//!    (any process may do that; only root may raise the hard limit);
//! 2. if even the hard limit is too low, lowers the concurrency to what
//!    fits, and `main` says so in one line on stderr ([`lowered_notice`]),
//!    rather than letting downloads fail with EMFILE;
//! 3. on Linux, grows the process's table of descriptors to the size the
//!    run needs while the process still has one thread
//!    ([`reserve_descriptors`]).
//!
//! On macOS the soft limit cannot go past `kern.maxfilesperproc` (10240 by
//! default; `OPEN_MAX` for older programs) even when the hard limit says
//! "unlimited"; the `rlimit` crate's `increase_nofile_limit` caps the
//! request there, so the limit it returns is the real one. Windows has no
//! `RLIMIT_NOFILE`: sockets and files are kernel handles, limited only by
//! memory, so there is nothing to raise or fit, and the concurrency stays
//! as asked.

/// File descriptors one request in flight may hold at once: its socket,
/// and the temporary file its flag is saved through (see `save.rs`). A
/// finished request's connection stays open in the client's pool while
/// the flag is written, so both count; a request never holds more.
pub const FDS_PER_REQUEST: u64 = 2;

/// Descriptors kept free for what is not a request: the async runtime's
/// event queue and waker, name lookups (the C resolver opens `/etc/hosts`,
/// `/etc/resolv.conf` and a socket or two while it works, and reqwest
/// runs several lookups at once while connections open), the directory
/// probe, and room for a library that opens a file we did not count. The
/// descriptors already open when the run starts (stdio, any the parent
/// left us) are counted on top of it. The Ctrl-C handler, installed after
/// the count, holds none: the `ctrlc` crate's thread waits on a semaphore.
pub const SPARE_FDS: u64 = 32;

/// The concurrency a run can use under the open-file limit, and that
/// limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fit {
    /// Requests that may be in flight: the one asked for, or fewer if the
    /// limit cannot hold them.
    pub concur_req: usize,
    /// The soft open-file limit after raising it; `None` where there is no
    /// such limit (Windows) or it could not be read.
    pub limit: Option<u64>,
}

// ANCHOR: fit_concurrency
/// Raises this process's soft open-file limit to what `concur_req`
/// requests need (up to the hard limit), makes room for that many
/// descriptors ([`reserve_descriptors`]), and returns how many requests
/// fit under it. Call it once, before the first request and before any
/// other thread starts, so before the Ctrl-C handler is installed.
pub fn fit_concurrency(concur_req: usize) -> Fit {
    #[cfg(unix)]
    {
        let in_use = open_fds();
        let needed = fds_needed(concur_req, in_use);
        match rlimit::increase_nofile_limit(needed) {
            Ok(limit) => {
                reserve_descriptors(needed.min(limit));
                Fit {
                    concur_req: requests_that_fit(concur_req, in_use, limit),
                    limit: Some(limit),
                }
            }
            // The limit could not even be read: go on as asked, and let
            // each download that hits it be counted as an error.
            Err(error) => {
                tracing::warn!("cannot raise the open-file limit: {error}");
                Fit { concur_req, limit: None }
            }
        }
    }
    // No RLIMIT_NOFILE on Windows (see the module doc): nothing to fit.
    #[cfg(not(unix))]
    {
        Fit { concur_req, limit: None }
    }
}
// ANCHOR_END: fit_concurrency

/// The one line `main` prints on stderr when the limit lowered `-m`, e.g.
/// `-m 1000 lowered to 240: open-file limit 256`; `None` when it did not.
pub fn lowered_notice(
    max_req: usize,
    asked: usize,
    fit: &Fit,
) -> Option<String> {
    let limit = fit.limit?;
    (fit.concur_req < asked).then(|| {
        format!(
            "-m {max_req} lowered to {}: open-file limit {limit}",
            fit.concur_req
        )
    })
}

/// [`fit_concurrency`] for the `actual_req` requests `main` worked out
/// from `-m max_req`: the requests that fit, after printing
/// [`lowered_notice`] on stderr if they are fewer.
pub fn make_room(max_req: usize, actual_req: usize) -> usize {
    let fit = fit_concurrency(actual_req);
    if let Some(notice) = lowered_notice(max_req, actual_req, &fit) {
        eprintln!("{notice}");
    }
    fit.concur_req
}

/// Descriptors a run of `concur_req` requests needs in all, when `in_use`
/// are open already.
// Called on Unix only; Windows has nothing to fit (see the module doc).
#[cfg_attr(not(unix), allow(dead_code))]
fn fds_needed(concur_req: usize, in_use: u64) -> u64 {
    let requests = u64::try_from(concur_req).unwrap_or(u64::MAX);
    requests.saturating_mul(FDS_PER_REQUEST).saturating_add(in_use + SPARE_FDS)
}

/// How many of `concur_req` requests fit under `limit` descriptors when
/// `in_use` are open already: all of them, or what is left after the
/// spare ones, but always at least one, so the run can still try.
// Called on Unix only; Windows has nothing to fit (see the module doc).
#[cfg_attr(not(unix), allow(dead_code))]
fn requests_that_fit(concur_req: usize, in_use: u64, limit: u64) -> usize {
    if fds_needed(concur_req, in_use) <= limit {
        return concur_req;
    }
    let free = limit.saturating_sub(in_use + SPARE_FDS);
    let fit = usize::try_from(free / FDS_PER_REQUEST).unwrap_or(usize::MAX);
    fit.clamp(1, concur_req)
}

// ANCHOR: reserve_descriptors
/// Grows this process's table of file descriptors to hold `fds` of them,
/// so that it need not grow while the run opens its connections: in a
/// process with more than one thread, each growth makes every thread that
/// opens a descriptor meanwhile wait. Both concurrent clients have more
/// than one thread by the time they connect, so it is done here, while
/// there is one; `flags_server` does the same as it binds. What it saves,
/// and how the kernel grows the table: docs/tuning.md#descriptor-table.
///
/// The growth is a `fcntl(F_DUPFD_CLOEXEC)` asking for a descriptor
/// numbered `fds - 1` or more, closed at once: the table keeps its size.
/// `F_DUPFD` takes the lowest free number from there, so no descriptor in
/// use is touched (`dup2` would close one). Linux only: elsewhere the
/// table's growth makes no thread wait, and there is nothing to avoid.
#[cfg(target_os = "linux")]
pub fn reserve_descriptors(fds: u64) {
    let Ok(highest) = i32::try_from(fds.saturating_sub(1)) else {
        return;
    };
    // Any open descriptor will do to duplicate; /dev/null exists on every
    // Linux. If this fails, the run only loses the speed-up.
    if let Ok(null) = std::fs::File::open("/dev/null") {
        // The copy is dropped, so closed, at once.
        let _ = rustix::io::fcntl_dupfd_cloexec(&null, highest);
    }
}

/// Elsewhere the table's growth waits for no one: nothing to reserve.
#[cfg(all(unix, not(target_os = "linux")))]
pub fn reserve_descriptors(_fds: u64) {}
// ANCHOR_END: reserve_descriptors

/// How many descriptors this process has open: the entries of `/dev/fd`
/// (on Linux a link to `/proc/self/fd`; macOS has it too), less the one
/// that reading the directory opens. If it cannot be read, the three of
/// stdio.
#[cfg(unix)]
fn open_fds() -> u64 {
    std::fs::read_dir("/dev/fd")
        .map(|entries| entries.count().saturating_sub(1) as u64)
        .unwrap_or(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// When the limit holds every request, the concurrency is unchanged.
    #[test]
    fn enough_room_keeps_the_concurrency() {
        assert_eq!(requests_that_fit(676, 4, 20_000), 676);
        assert_eq!(requests_that_fit(30, 4, 256), 30);
    }

    /// Under a low limit, each request gets two descriptors of what is left
    /// once the open ones and the spare ones are set aside.
    #[test]
    fn low_limit_lowers_to_two_descriptors_per_request() {
        // 256 - (4 open + 32 spare) = 220 free: 110 requests.
        assert_eq!(requests_that_fit(1000, 4, 256), 110);
        assert_eq!(requests_that_fit(676, 4, 1024), 494);
    }

    /// Reserving grows the kernel's table of descriptors (`FDSize` in
    /// /proc/self/status) to the number asked for, and leaves the
    /// descriptor it used for that closed.
    #[cfg(target_os = "linux")]
    #[test]
    fn reserving_grows_the_descriptor_table_and_keeps_nothing_open() {
        // More than the table a test process starts with (cargo's own
        // descriptors can make it 256), as far as the hard limit allows.
        let fds = rlimit::increase_nofile_limit(4096).expect("the limit");
        reserve_descriptors(fds);
        assert!(fd_table_size() >= fds, "FDSize {}", fd_table_size());
        let highest = format!("/proc/self/fd/{}", fds - 1);
        assert!(!std::path::Path::new(&highest).exists());
    }

    /// The `FDSize:` line of /proc/self/status: how many descriptors the
    /// process's table has room for.
    #[cfg(target_os = "linux")]
    fn fd_table_size() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status")
            .expect("/proc/self/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("FDSize:"))
            .and_then(|size| size.trim().parse().ok())
            .expect("an FDSize line")
    }

    /// A limit too low for even one request still leaves one: the run
    /// tries rather than doing nothing.
    #[test]
    fn hopeless_limit_still_leaves_one_request() {
        assert_eq!(requests_that_fit(1000, 30, 20), 1);
    }

    /// The notice names `-m`, the lowered number and the limit, and only
    /// appears when the concurrency was lowered.
    #[test]
    fn notice_only_when_lowered() {
        let fit = Fit { concur_req: 110, limit: Some(256) };
        assert_eq!(
            lowered_notice(1000, 676, &fit).as_deref(),
            Some("-m 1000 lowered to 110: open-file limit 256")
        );
        let kept = Fit { concur_req: 30, limit: Some(256) };
        assert_eq!(lowered_notice(30, 30, &kept), None);
        let no_limit = Fit { concur_req: 5, limit: None };
        assert_eq!(lowered_notice(5, 5, &no_limit), None);
    }
}
