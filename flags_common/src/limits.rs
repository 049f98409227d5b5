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
//!    rather than letting downloads fail with EMFILE.
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
/// descriptors already open when the run starts (stdio, the Ctrl-C
/// handler's pipe, any the parent left us) are counted on top of it.
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

/// Raises this process's soft open-file limit to what `concur_req`
/// requests need (up to the hard limit), and returns how many requests fit
/// under it. Call it once, after the Ctrl-C handler is installed and before
/// the first request, so that the descriptors already open are counted.
pub fn fit_concurrency(concur_req: usize) -> Fit {
    #[cfg(unix)]
    {
        let in_use = open_fds();
        let needed = fds_needed(concur_req, in_use);
        match rlimit::increase_nofile_limit(needed) {
            Ok(limit) => Fit {
                concur_req: requests_that_fit(concur_req, in_use, limit),
                limit: Some(limit),
            },
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
