//! Exercise 6: the asyncio supervisor with `buffer_unordered` in place of
//! the semaphore and the `JoinSet`, against DELAY.

mod support;

use exercises::ex06_buffer_unordered::download_many;
use flags_common::DownloadStatus::{NotFound, Ok};
use flags_server::Kind;
use support::{Scratch, assert_saved_exactly, codes, delay_server, peak};

/// Every one of the book's 20 flags is counted OK and saved as served.
#[test]
fn every_flag_is_counted_and_saved() {
    let (server, dir) = (delay_server(), Scratch::new());
    let settings =
        support::settings(server.base_url(Kind::Delay), 5, dir.path());
    let counter = download_many(&support::pop20(), &settings);
    assert_eq!(counter[Ok], 20, "every flag should be counted OK");
    assert_saved_exactly(dir.path(), &flags_common::POP20_CC);
}

/// A code without a flag is counted as not found, and saved nowhere.
#[test]
fn a_code_without_a_flag_is_not_found() {
    let (server, dir) = (delay_server(), Scratch::new());
    let settings =
        support::settings(server.base_url(Kind::Delay), 2, dir.path());
    let counter = download_many(&codes(&["BR", "QX", "ZZ"]), &settings);
    assert_eq!((counter[Ok], counter[NotFound]), (1, 2));
    assert_saved_exactly(dir.path(), &["BR"]);
}

/// With `concur_req` 5, the server sees exactly 5 requests at once, as
/// with the semaphore.
#[test]
fn exactly_concur_req_downloads_are_in_flight() {
    let (server, dir) = (delay_server(), Scratch::new());
    let settings =
        support::settings(server.base_url(Kind::Delay), 5, dir.path());
    download_many(&support::pop20(), &settings);
    let peak = peak(&server);
    assert!(
        peak > 1,
        "the server saw one request at a time: each download was awaited \
         before the next began; let buffer_unordered drive them"
    );
    assert_eq!(
        peak, 5,
        "the server saw {peak} requests at once, not concur_req (5): \
         buffer_unordered(concur_req) is the limit"
    );
}
