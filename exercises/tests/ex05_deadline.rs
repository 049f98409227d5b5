//! Exercise 5: `wait` with `FIRST_COMPLETED` and a deadline. The server
//! holds the slow flags until the test lets them go, after
//! `download_many` has returned: only an answer that gives up at the
//! deadline returns at all before then.

mod support;

use std::time::Duration;

use concurrent_futures::ThreadPoolExecutor;
use exercises::ex05_deadline::download_many;
use flags_common::DownloadStatus::{NotFound, Ok};
use support::{HeldServer, Scratch, codes};

/// Far longer than the fast flags take, far shorter than the guard.
const DEADLINE: Duration = Duration::from_secs(2);

/// The fast flags are counted and saved, the slow ones are given up on at
/// the deadline and named, while the server still holds them.
#[test]
fn the_slow_flags_are_given_up_at_the_deadline() {
    let executor = ThreadPoolExecutor::new(6).unwrap();
    let server = HeldServer::start(&["CN", "IN"]);
    let dir = Scratch::new();
    let settings = support::settings(server.base_url(), 6, dir.path());
    let cc_list = codes(&["BR", "CN", "FR", "IN", "JP", "ZZ"]);
    let outcome = download_many(&executor, &cc_list, &settings, DEADLINE);
    let still_held = server.held_now();
    // What was saved by the time download_many returned.
    let saved = flags_testkit::client::file_names(dir.path());
    server.release();
    assert_eq!(
        still_held, 2,
        "download_many returned only after the slow flags were answered: \
         the deadline was not honoured; wait with a timeout, the time left \
         until the deadline"
    );
    assert_eq!(outcome.slow, ["CN", "IN"], "the codes given up on");
    assert_eq!(
        (outcome.counter[Ok], outcome.counter[NotFound]),
        (3, 1),
        "the flags that ended before the deadline must be counted"
    );
    assert_eq!(saved, ["BR.gif", "FR.gif", "JP.gif"]);
}

/// With no slow flag, every flag is counted and none is given up on.
#[test]
fn with_no_slow_flag_every_flag_is_counted() {
    let executor = ThreadPoolExecutor::new(4).unwrap();
    let server = HeldServer::start(&[]);
    let dir = Scratch::new();
    let settings = support::settings(server.base_url(), 4, dir.path());
    let outcome =
        download_many(&executor, &support::pop20(), &settings, DEADLINE);
    assert!(outcome.slow.is_empty(), "given up on: {:?}", outcome.slow);
    assert_eq!(outcome.counter[Ok], 20);
}
