//! The outcome of one download, and the tally of many.
//!
//! Mirrors `DownloadStatus` and `Counter[DownloadStatus]` from
//! `flags2_common.py`. The book learns *why* a flag failed from the type of
//! the exception httpx raised; here `get_flag` returns a [`FlagError`], and
//! its `Display` is the text the verbose mode prints after `CC error: `.

use std::fmt;
use std::ops::{Index, IndexMut};
use std::path::PathBuf;

/// What happened to one country code: `Enum('DownloadStatus', 'OK
/// NOT_FOUND ERROR')` in the book.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DownloadStatus {
    /// The image was downloaded and saved.
    Ok,
    /// The server answered 404: no flag for this code.
    NotFound,
    /// Anything else: an HTTP error, a timeout, a broken connection...
    Error,
}

/// How many codes ended in each [`DownloadStatus`]; `collections.Counter`
/// in the book, and indexed the same way: `counter[status] += 1`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    ok: usize,
    not_found: usize,
    error: usize,
}

impl Counter {
    /// Every code counted so far, whatever its status.
    pub fn total(&self) -> usize {
        self.ok + self.not_found + self.error
    }
}

impl Index<DownloadStatus> for Counter {
    type Output = usize;

    fn index(&self, status: DownloadStatus) -> &usize {
        match status {
            DownloadStatus::Ok => &self.ok,
            DownloadStatus::NotFound => &self.not_found,
            DownloadStatus::Error => &self.error,
        }
    }
}

impl IndexMut<DownloadStatus> for Counter {
    fn index_mut(&mut self, status: DownloadStatus) -> &mut usize {
        match status {
            DownloadStatus::Ok => &mut self.ok,
            DownloadStatus::NotFound => &mut self.not_found,
            DownloadStatus::Error => &mut self.error,
        }
    }
}

/// Why one flag could not be downloaded and saved.
///
/// A typed error because `download_one` branches on it (a 404 is
/// `NOT_FOUND`, everything else is `ERROR`); the `Display` text is what the
/// user reads in verbose mode, so each variant names its cause.
#[derive(Debug, thiserror::Error)]
pub enum FlagError {
    /// The server answered with a status outside 2xx; build it with
    /// [`FlagError::http`], which fills in the reason phrase.
    #[error("HTTP error {status} - {reason}")]
    Http { status: u16, reason: &'static str, url: String },
    /// The request never got a complete answer: refused, reset, timed out,
    /// a truncated or malformed response, too many redirects...
    #[error("{0}")]
    Transport(String),
    /// The whole request, body included, took longer than `--timeout`.
    #[error("timed out")]
    Timeout,
    /// The body was larger than [`crate::MAX_FLAG_BYTES`]; we stopped
    /// reading instead of growing memory.
    #[error("response too large: more than {limit} bytes")]
    TooLarge { limit: u64 },
    /// The image arrived but could not be written to the destination.
    #[error("cannot save {}: {source}", path.display())]
    Save { path: PathBuf, source: std::io::Error },
}

impl FlagError {
    /// The error for an answer with `status` outside 2xx, from `url`.
    pub fn http(status: u16, url: String) -> FlagError {
        FlagError::Http { status, reason: reason_phrase(status), url }
    }
}

/// The book's `except` clauses around `download_one` in `download_many`:
/// the status a download returned, or `ERROR` for a failure, whose
/// message is printed as `CC error: ...` under `-v`.
pub fn status_of<E: fmt::Display>(
    cc: &str,
    result: Result<DownloadStatus, E>,
    verbose: bool,
) -> DownloadStatus {
    result.unwrap_or_else(|error| {
        if verbose {
            println!("{cc} error: {error}");
        }
        DownloadStatus::Error
    })
}

/// `raise_for_status()` for a response with `status` from `url`: `Ok` for
/// 2xx, else the [`FlagError::Http`] to return. Logs the status first,
/// for `RUST_LOG=debug`.
pub fn raise_for_status(url: &str, status: u16) -> Result<(), FlagError> {
    tracing::debug!(url, status, "response");
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(FlagError::http(status, url.to_owned()))
    }
}

/// The reason phrase printed after a status, as the book prints httpx's
/// `reason_phrase`. Neither ureq nor reqwest hands over the phrase the
/// server sent, so this is the standard one for the code, except for 418:
/// Python's `http.HTTPStatus`, hence the book's `slow_server.py` and our
/// ERROR server, says "I'm a Teapot" where the HTTP registry says
/// "I'm a teapot", and the chapter's output shows Python's.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        418 => "I'm a Teapot",
        _ => http::StatusCode::from_u16(status)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("Unknown Status"),
    }
}

impl fmt::Display for DownloadStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DownloadStatus::Ok => "OK",
            DownloadStatus::NotFound => "NOT_FOUND",
            DownloadStatus::Error => "ERROR",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A download's own status is kept; a failure of any kind is ERROR.
    #[test]
    fn status_of_counts_a_failure_as_an_error() {
        let ok: Result<_, FlagError> = Ok(DownloadStatus::NotFound);
        assert_eq!(status_of("ZZ", ok, false), DownloadStatus::NotFound);
        let failed = Err(FlagError::Timeout);
        assert_eq!(status_of("BR", failed, false), DownloadStatus::Error);
        let panicked: Result<DownloadStatus, _> = Err("a panic".to_owned());
        assert_eq!(status_of("CN", panicked, false), DownloadStatus::Error);
    }

    /// Every 2xx status passes `raise_for_status`, as in httpx.
    #[test]
    fn success_statuses_are_not_raised() {
        for status in [200, 203, 299] {
            assert!(raise_for_status("http://x/br/br.gif", status).is_ok());
        }
    }

    /// A status outside 2xx is an `Http` error naming the status, the
    /// reason phrase and the URL, the way the book prints it.
    #[test]
    fn other_statuses_are_http_errors() {
        let error = raise_for_status("http://x/zz/zz.gif", 404).unwrap_err();
        assert_eq!(error.to_string(), "HTTP error 404 - Not Found");
        assert!(matches!(error, FlagError::Http { status: 404, ref url, .. }
                if url == "http://x/zz/zz.gif"));
        assert!(raise_for_status("http://x", 304).is_err());
        assert!(raise_for_status("http://x", 418).is_err());
    }

    /// `counter[status] += 1` counts each status on its own, as Python's
    /// Counter does.
    #[test]
    fn counter_counts_each_status_separately() {
        let mut counter = Counter::default();
        counter[DownloadStatus::Ok] += 1;
        counter[DownloadStatus::Ok] += 1;
        counter[DownloadStatus::Error] += 1;
        assert_eq!(counter[DownloadStatus::Ok], 2);
        assert_eq!(counter[DownloadStatus::NotFound], 0);
        assert_eq!(counter[DownloadStatus::Error], 1);
        assert_eq!(counter.total(), 3);
    }

    /// HTTP errors read as the book prints them.
    #[test]
    fn http_error_displays_like_the_book() {
        let url = "http://localhost:8002/flags/cd/cd.gif";
        let teapot = FlagError::http(418, url.into());
        assert_eq!(teapot.to_string(), "HTTP error 418 - I'm a Teapot");
        let busy = FlagError::http(503, url.into());
        assert_eq!(busy.to_string(), "HTTP error 503 - Service Unavailable");
        let odd = FlagError::http(599, url.into());
        assert_eq!(odd.to_string(), "HTTP error 599 - Unknown Status");
    }
}
