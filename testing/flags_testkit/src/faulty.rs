//! A misbehaving HTTP server, and the checks that run a client against it:
//! the fault tests, written once for the three clients.
//!
//! The book's programs are only ever shown a well-behaved server. A real
//! network also truncates bodies, resets connections, stalls, loops on
//! redirects and sends answers without end. [`FaultyServer`] does each of
//! those on purpose, one fault per country code, so that one run of a
//! client can mix good codes with a bad one and show that the bad one is
//! counted as an error *and* the good ones are not disturbed.
//!
//! It is not built on hyper like the LOCAL, DELAY and ERROR servers: a
//! correct HTTP library cannot be told to send a wrong `Content-Length` or
//! a broken chunk. It is a raw [`TcpListener`] that reads a request head
//! and writes hand-made bytes.
//!
//! The fault codes are `X?`: ISO 3166 keeps codes starting with X for
//! private use, so no real flag is ever one of them.
//!
//! | code | [`Fault`] | what the server does |
//! |---|---|---|
//! | XT | `TruncatedBody` | `Content-Length` above the body, then a close |
//! | XR | `ResetMidBody` | half the body, then a TCP reset |
//! | XS | `StallAfterHeaders` | headers, then silence for [`STALL`] |
//! | XD | `DripForever` | a byte every [`DRIP_PAUSE`], for 40 s |
//! | XL | `RedirectLoop` | `302` back to the same URL, forever |
//! | XG | `RedirectToGood` | `302` to a good flag |
//! | XE | `EndlessBody` | a body with no length, until the client hangs up |
//! | XH | `HugeBody` | a body of [`HUGE_BODY`] bytes, announced as such |
//! | XN | `NotHttp` | a line that is not HTTP at all |
//! | XC | `BrokenChunks` | a chunked body whose chunk size is not a number |
//! | XZ | `CloseBeforeAnswer` | reads the request, closes without a word |
//! | XI | `Status500` | `500 Internal Server Error` |
//! | XU | `Status503` | `503 Service Unavailable` |
//! | XP | `Status418` | `418 I'm a Teapot`, as the book's ERROR server |
//! | XK | `TrickledBody` | a good flag, a few bytes at a time |
//!
//! Every other `/flags/<cc>/<cc>.gif` is the built-in flag (keep-alive,
//! like a good server), or 404 if the code has none.
//!
//! The module is the table above: [`Fault`], the [`Outcome`] every client
//! must show for it, and the constants the faults are sized by. Its two
//! halves are [`server`], the [`FaultyServer`] itself, and [`checks`]:
//! [`expect_error`], [`expect_saved`], [`expect_interrupt_report`] and
//! [`expect_bad_dest_refused`] run a client binary (through
//! [`client`](crate::client)) and assert what a fault asks of every
//! client. The test files of the three clients call them, one `#[test]`
//! per fault, so the meaning of a fault lives here only.

pub mod checks;
pub mod server;

use std::time::Duration;

pub use checks::{
    GOOD_CODES, LONG_TIMEOUT, SHORT_TIMEOUT, expect_bad_dest_refused,
    expect_error, expect_interrupt_report, expect_saved,
};
pub use server::FaultyServer;

/// How long `StallAfterHeaders` stays silent: far longer than any timeout
/// the tests give a client, yet finite, so a client whose timeout does not
/// cover the body ends with a wrong message instead of hanging the suite.
pub const STALL: Duration = Duration::from_secs(30);

/// The pause between two bytes of `DripForever`: each read of the client
/// gets a byte well within any per-read timeout, so only a timeout on the
/// whole request can end it.
pub const DRIP_PAUSE: Duration = Duration::from_millis(10);

/// How many bytes `DripForever` announces: at one per [`DRIP_PAUSE`] that
/// is 40 seconds, longer than any timeout in the tests.
pub const DRIP_BYTES: usize = 4_000;

/// The size `HugeBody` announces and sends: 64 MiB, six times the clients'
/// cap of 10 MiB (`flags_common::MAX_FLAG_BYTES`).
pub const HUGE_BODY: usize = 64 * 1024 * 1024;

/// Where `EndlessBody` gives up if the client never does. A correct client
/// hangs up after its cap; this bound only keeps a broken one from taking
/// the test machine's memory with it.
pub const ENDLESS_LIMIT: usize = 256 * 1024 * 1024;

/// The corpus code `RedirectToGood` redirects to and `TrickledBody` sends:
/// the file saved for the fault code must hold exactly this flag.
pub const GOOD_TARGET: &str = "BR";

/// One way of answering badly, chosen by the country code of the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    TruncatedBody,
    ResetMidBody,
    StallAfterHeaders,
    DripForever,
    RedirectLoop,
    RedirectToGood,
    EndlessBody,
    HugeBody,
    NotHttp,
    BrokenChunks,
    CloseBeforeAnswer,
    Status500,
    Status503,
    Status418,
    TrickledBody,
}

/// The words that say "the connection went away before the answer was
/// complete", as the HTTP libraries word it.
pub const CONNECTION_LOST: &[&str] = &[
    "disconnected",
    "closed",
    "reset",
    "eof",
    "end of file",
    "incomplete",
    "truncated",
];

/// What a client must make of a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Counted as ERROR; the `-v` line `CC error: ...` names the cause with
    /// at least one of these words (in any case).
    Error(&'static [&'static str]),
    /// Counted as ERROR; the `-v` line is exactly `CC error: ` and this.
    HttpError(&'static str),
    /// Counted as OK and saved: byte for byte the flag of [`GOOD_TARGET`].
    Saved,
}

impl Fault {
    /// Every fault, in the order of the table above.
    pub const ALL: [Fault; 15] = [
        Fault::TruncatedBody,
        Fault::ResetMidBody,
        Fault::StallAfterHeaders,
        Fault::DripForever,
        Fault::RedirectLoop,
        Fault::RedirectToGood,
        Fault::EndlessBody,
        Fault::HugeBody,
        Fault::NotHttp,
        Fault::BrokenChunks,
        Fault::CloseBeforeAnswer,
        Fault::Status500,
        Fault::Status503,
        Fault::Status418,
        Fault::TrickledBody,
    ];

    /// The country code that asks the server for this fault.
    pub fn code(self) -> &'static str {
        match self {
            Fault::TruncatedBody => "XT",
            Fault::ResetMidBody => "XR",
            Fault::StallAfterHeaders => "XS",
            Fault::DripForever => "XD",
            Fault::RedirectLoop => "XL",
            Fault::RedirectToGood => "XG",
            Fault::EndlessBody => "XE",
            Fault::HugeBody => "XH",
            Fault::NotHttp => "XN",
            Fault::BrokenChunks => "XC",
            Fault::CloseBeforeAnswer => "XZ",
            Fault::Status500 => "XI",
            Fault::Status503 => "XU",
            Fault::Status418 => "XP",
            Fault::TrickledBody => "XK",
        }
    }

    /// The fault a code asks for, in any case; `None` for a good code.
    pub fn from_code(cc: &str) -> Option<Fault> {
        Fault::ALL
            .into_iter()
            .find(|fault| fault.code().eq_ignore_ascii_case(cc))
    }

    /// What every client must report for this fault. The words are the
    /// cause a user needs to read, whichever HTTP library found it.
    pub fn outcome(self) -> Outcome {
        match self {
            // ureq reports a reset in the body as "Peer disconnected" (it
            // folds ECONNRESET into end-of-file), so a reset is accepted
            // under any of the words that say the connection went away.
            Fault::TruncatedBody
            | Fault::ResetMidBody
            | Fault::CloseBeforeAnswer => Outcome::Error(CONNECTION_LOST),
            Fault::StallAfterHeaders | Fault::DripForever => {
                Outcome::Error(&["timed out"])
            }
            Fault::RedirectLoop => Outcome::Error(&["redirect"]),
            Fault::EndlessBody | Fault::HugeBody => {
                Outcome::Error(&["too large"])
            }
            Fault::NotHttp => Outcome::Error(&[
                "not http",
                "invalid http",
                "invalid status",
                "malformed",
                "parse",
            ]),
            Fault::BrokenChunks => Outcome::Error(&["chunk"]),
            Fault::Status500 => {
                Outcome::HttpError("HTTP error 500 - Internal Server Error")
            }
            Fault::Status503 => {
                Outcome::HttpError("HTTP error 503 - Service Unavailable")
            }
            Fault::Status418 => {
                Outcome::HttpError("HTTP error 418 - I'm a Teapot")
            }
            Fault::RedirectToGood | Fault::TrickledBody => Outcome::Saved,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each fault has its own `X?` code, and the code leads back to it.
    #[test]
    fn every_fault_has_its_own_private_use_code() {
        for fault in Fault::ALL {
            assert!(fault.code().starts_with('X'), "{fault:?}");
            assert_eq!(
                flags_server::corpus::flag_gif(fault.code()),
                None,
                "{fault:?}"
            );
            assert_eq!(Fault::from_code(fault.code()), Some(fault));
            let lower = fault.code().to_ascii_lowercase();
            assert_eq!(Fault::from_code(&lower), Some(fault));
        }
        assert_eq!(Fault::from_code("BR"), None);
    }
}
