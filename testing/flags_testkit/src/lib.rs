//! The workspace's test kit: what the end-to-end tests of the three
//! clients (`flags2_sequential.py`, `flags2_threadpool.py` and
//! `flags2_asyncio.py` in the book) and of their example programs share,
//! written once so that a behaviour means the same thing for every client.
//!
//! A crate of its own, listed only under the clients' `[dev-dependencies]`,
//! because Cargo has no other way to share code between the `tests/` of
//! several packages, and so that nothing of it reaches a binary a user
//! runs: the server crate keeps only the server. It depends on
//! `flags_server` for the server the clients download from and on
//! `flags_common` for what the clients print, so the expected report
//! lines and the book's constants are the clients' own, not copies.
//!
//! A client's test file is a list of `#[test]`s, each with a one-line doc
//! naming the behaviour and a call or two into this crate (or, for the
//! behaviours every client shares, one of the macros of [`suites`]):
//!
//! ```no_run
//! use flags_testkit::checks::{self, Client};
//!
//! const CLIENT: Client =
//!     Client::new("target/debug/flags_threadpool", 30, 1000);
//!
//! /// `-m 7` puts exactly 7 requests in flight.
//! fn peak_in_flight_is_exactly_m() {
//!     checks::peak_in_flight_is_exactly_m(&CLIENT);
//! }
//! ```
//!
//! Layout:
//! - [`client`]: running a client binary ([`client::Fixture`] pairs a
//!   [`TestServer`](flags_server::TestServer) with an empty directory),
//!   and reading what it printed ([`client::Run`]) and saved;
//! - [`checks`]: the download behaviours every client must show (the
//!   book's report, counts that add up, peaks of concurrency);
//! - [`faulty`]: the table of faults, with [`faulty::server`], a
//!   deliberately broken server (truncated bodies, resets, stalls, ...),
//!   and [`faulty::checks`], the fault checks run against it;
//! - [`examples`]: finding and running the clients' example binaries,
//!   the chapter's smaller programs, and the checks they share (on Unix,
//!   that each ends quietly on a closed pipe);
//! - [`suites`]: the clients' test files as macros, one `#[test]` per
//!   behaviour per client ([`fault_tests!`], [`download_tests!`],
//!   [`concurrent_tests!`], [`https_tests!`]);
//! - [`tls`]: an HTTPS front for the test server, and the HTTPS checks;
//! - [`pty`] (Unix, feature `pty`, in `harness`): a pseudo-terminal as a
//!   binary's stderr, for the colour tests of the clients and the server;
//! - [`rusage`]: a child's exit status and peak memory from `wait4`, and
//!   [`cargo`]: the finder of a package's binaries and examples, and a
//!   cargo to run from inside cargo, which xtask and its tests use too. They are the whole crate without the default
//!   feature `harness`, which is how xtask takes it: a tool built in
//!   release mode need not compile the rest.

#[cfg(feature = "harness")]
mod background;
pub mod cargo;
#[cfg(feature = "harness")]
pub mod checks;
#[cfg(feature = "harness")]
pub mod client;
#[cfg(feature = "harness")]
pub mod examples;
#[cfg(feature = "harness")]
pub mod faulty;
#[cfg(all(unix, feature = "pty"))]
pub mod pty;
pub mod rusage;
#[cfg(feature = "harness")]
pub mod suites;
#[cfg(feature = "harness")]
pub mod tls;
