//! Exercise 8: a panic in one download is that flag's error. The tests
//! give `download_many` a `download_one` that panics for one code and
//! really downloads the others from DELAY.

mod support;

use exercises::ex08_panic::download_many;
use flags_common::DownloadStatus::{self, Error, NotFound, Ok};
use flags_common::FlagError;
use flags_server::{Kind, TestServer};
use support::{Scratch, assert_saved_exactly, delay_server, peak};

/// The real `download_one`, except for `bad`, which panics.
fn panicking_on(
    server: &TestServer,
    dest: &std::path::Path,
    concur_req: usize,
    bad: &'static str,
) -> impl Fn(&str) -> Result<DownloadStatus, FlagError> + Send + Sync + 'static
{
    let settings =
        support::settings(server.base_url(Kind::Delay), concur_req, dest);
    let agent = flags_sequential::http::agent(settings.timeout, concur_req);
    move |cc| {
        assert!(cc != bad, "a bug in download_one for {cc}");
        flags_sequential::download_one(&agent, cc, &settings)
    }
}

/// The panic is counted as one error; the 19 other flags are saved.
#[test]
fn a_panic_is_that_flags_error() {
    let (server, dir) = (delay_server(), Scratch::new());
    let download_one = panicking_on(&server, dir.path(), 4, "CN");
    let counter = download_many(&support::pop20(), 4, download_one);
    assert_eq!(
        (counter[Ok], counter[NotFound], counter[Error]),
        (19, 0, 1),
        "the panic in CN's download must be counted as CN's error, and \
         every other flag downloaded"
    );
    let others: Vec<&str> =
        flags_common::POP20_CC.into_iter().filter(|&cc| cc != "CN").collect();
    assert_saved_exactly(dir.path(), &others);
    assert_eq!(peak(&server), 4, "concur_req downloads in flight at once");
}

/// With one worker, the worker that met the panic goes on with the rest.
#[test]
fn the_worker_goes_on_after_the_panic() {
    let (server, dir) = (delay_server(), Scratch::new());
    let download_one = panicking_on(&server, dir.path(), 1, "BD");
    let counter = download_many(&support::pop20(), 1, download_one);
    assert_eq!(
        (counter[Ok], counter[Error]),
        (19, 1),
        "after the panic in BD's download, the other flags must still be \
         downloaded and counted"
    );
}
