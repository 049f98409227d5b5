//! Exercise 7: Ctrl-C, played by the test: it sets the interrupt flag
//! once the first downloads are in flight (the server holds them), then
//! lets them finish.

mod support;

use exercises::ex07_ctrl_c::download_many;
use flags_common::DownloadStatus::Ok;
use support::{HeldServer, Scratch, assert_saved_exactly};

/// After Ctrl-C, no download starts; the 3 in flight finish and are the
/// only ones counted and saved.
#[test]
fn ctrl_c_starts_nothing_more_and_counts_what_finished() {
    let server = HeldServer::start(&flags_common::POP20_CC);
    let dir = Scratch::new();
    let settings = support::settings(server.base_url(), 3, dir.path());
    let interrupt = settings.interrupt.clone();
    let counter = std::thread::scope(|scope| {
        let run = scope.spawn(|| download_many(&support::pop20(), &settings));
        let in_flight = server.wait_in_flight(3, || run.is_finished());
        // Ctrl-C, then the answers of the 3 in flight.
        interrupt.set();
        server.release();
        let counter = run.join().expect("download_many panicked");
        assert!(
            in_flight,
            "3 downloads were never in flight at once: submit every code \
             to a pool of concur_req threads"
        );
        counter
    });
    let requested = server.requests();
    assert_eq!(
        requested.len(),
        3,
        "downloads started after Ctrl-C: {requested:?}; look at the flag \
         before each download starts, in the task itself"
    );
    assert_eq!(
        counter[Ok], 3,
        "the 3 downloads in flight at Ctrl-C finished and must be counted"
    );
    let requested: Vec<&str> = requested.iter().map(String::as_str).collect();
    assert_saved_exactly(dir.path(), &requested);
}

/// Without Ctrl-C, every flag is downloaded and counted.
#[test]
fn without_ctrl_c_every_flag_is_counted() {
    let server = HeldServer::start(&[]);
    let dir = Scratch::new();
    let settings = support::settings(server.base_url(), 3, dir.path());
    let counter = download_many(&support::pop20(), &settings);
    assert_eq!(counter[Ok], 20);
    assert_saved_exactly(dir.path(), &flags_common::POP20_CC);
}
