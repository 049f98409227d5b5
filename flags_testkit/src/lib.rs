//! For the workspace's tests: what the end-to-end tests of the three
//! clients (`flags2_sequential.py`, `flags2_threadpool.py` and
//! `flags2_asyncio.py` in the book) and of their example programs share,
//! written once so that a behaviour means the same thing for every client.
//!
//! It lives in `flags_server`, not in a test folder, because the clients'
//! tests already depend on this crate for the server they download from,
//! and Cargo has no other way to share code between the `tests/` of
//! several packages. Nothing here is used by the server itself.
//!
//! A client's test file is a list of `#[test]`s, each with a one-line doc
//! naming the behaviour and a call or two into this module:
//!
//! ```no_run
//! use flags_server::testing::checks::{self, Client};
//!
//! const CLIENT: Client = Client {
//!     bin: "target/debug/flags_threadpool",
//!     default_concur_req: 30,
//!     max_concur_req: 1000,
//! };
//!
//! /// `-m 7` puts exactly 7 requests in flight.
//! fn peak_in_flight_is_exactly_m() {
//!     checks::peak_in_flight_is_exactly_m(&CLIENT);
//! }
//! ```
//!
//! Layout:
//! - [`client`]: running a client binary ([`client::Fixture`] pairs a
//!   [`TestServer`](crate::TestServer) with an empty directory), and
//!   reading what it printed ([`client::Run`]) and saved;
//! - [`checks`]: the download behaviours every client must show (the
//!   book's report, counts that add up, peaks of concurrency);
//! - [`faulty`]: a deliberately broken server (truncated bodies, resets,
//!   stalls, ...) and the fault checks run against it;
//! - [`examples`]: finding and running the clients' example binaries,
//!   the chapter's smaller programs.

pub mod checks;
pub mod client;
pub mod examples;
pub mod faulty;
