//! End-to-end tests of `flags_sequential` against the workspace's own
//! test server: the runs of `flags2_sequential.py` that the chapter shows,
//! checked line by line, file by file, and request by request.
//!
//! Each test starts its own `flags_server::TestServer` on port 0 (so tests
//! run in parallel without sharing counters) and runs the real binary
//! with `-s <that server's URL>`; the label is then `CUSTOM`, and all the
//! other lines are the book's.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use flags_server::{Config, Kind, TestServer, corpus};
use support::{Run, file_names, final_counts, mask_elapsed, run_in};

/// A test's server, and an empty directory to run the client in.
struct Fixture {
    server: TestServer,
    kind: Kind,
    cwd: tempfile::TempDir,
}

impl Fixture {
    /// LOCAL, DELAY or ERROR with `config`.
    fn with(kind: Kind, config: Config) -> Fixture {
        Fixture {
            server: TestServer::start(config).expect("the test server starts"),
            kind,
            cwd: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// LOCAL, which answers at once.
    fn local() -> Fixture {
        Fixture::with(Kind::Local, Config::fast())
    }

    fn base_url(&self) -> String {
        self.server.base_url(self.kind)
    }

    /// Runs `flags_sequential -s <base URL> ARGS...` in the test's
    /// directory.
    fn run(&self, args: &[&str]) -> Run {
        let base_url = self.base_url();
        let mut all_args = vec!["-s", base_url.as_str()];
        all_args.extend_from_slice(args);
        run_in(self.cwd.path(), &all_args)
    }

    /// Where the client saves flags by default: `./downloaded`.
    fn dest(&self) -> PathBuf {
        self.cwd.path().join("downloaded")
    }

    fn stats(&self) -> flags_server::Stats {
        self.server.stats(self.kind)
    }

    /// The paths the server was asked for, in order.
    fn requested_paths(&self) -> Vec<String> {
        self.stats().records.into_iter().map(|r| r.path).collect()
    }
}

/// The report the book prints, with `CUSTOM site: <base_url>` first and
/// the elapsed time masked as `mask_elapsed` does.
fn report(base_url: &str, middle: &str) -> String {
    format!("CUSTOM site: {base_url}\n{middle}Elapsed time: X.XXs\n")
}

/// `{cc}.gif` for each code.
fn gif_names<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    codes.into_iter().map(|cc| format!("{cc}.gif")).collect()
}

/// Checks that `dest` holds exactly the flags of `codes`, each the very
/// bytes the server's corpus served, and nothing else (no temporary file).
fn assert_saved_exactly(dest: &Path, codes: &[&str]) {
    let mut expected = gif_names(codes.iter().copied());
    expected.sort();
    assert_eq!(file_names(dest), expected);
    for cc in codes {
        let saved = std::fs::read(dest.join(format!("{cc}.gif")))
            .expect("the saved flag can be read");
        let served = corpus::flag_gif(cc).expect("a flag in the corpus");
        assert!(saved == served, "{cc}.gif differs from the served image");
    }
}

/// The codes of the book's `country_codes.txt`, as `-a` asks for them.
fn all_codes() -> Vec<&'static str> {
    corpus::codes().collect()
}

/// One code: "1 flag", the code itself, one connection.
#[test]
fn one_code_report_matches_the_book() {
    let fx = Fixture::local();
    let run = fx.run(&["BR"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(
        mask_elapsed(&run.stdout),
        report(
            &fx.base_url(),
            "Searching for 1 flag: BR\n\
             1 connection will be used.\n\
             --------------------\n  \
             1 flag downloaded.\n"
        )
    );
    assert_saved_exactly(&fx.dest(), &["BR"]);
}

/// Two codes are listed; a code without a flag adds a "not found" line.
#[test]
fn two_codes_report_matches_the_book() {
    let fx = Fixture::local();
    let run = fx.run(&["ZZ", "br"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(
        mask_elapsed(&run.stdout),
        report(
            &fx.base_url(),
            "Searching for 2 flags: BR, ZZ\n\
             1 connection will be used.\n\
             --------------------\n  \
             1 flag downloaded.\n  \
             1 not found.\n"
        )
    );
    assert_saved_exactly(&fx.dest(), &["BR"]);
}

/// Ten codes are still listed one by one.
#[test]
fn ten_codes_report_lists_every_code() {
    let fx = Fixture::local();
    let run = fx.run(&["-a", "-l", "10"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(
        mask_elapsed(&run.stdout),
        report(
            &fx.base_url(),
            "Searching for 10 flags: AD, AE, AF, AG, AL, AM, AO, AR, AT, AU\n\
             1 connection will be used.\n\
             --------------------\n \
             10 flags downloaded.\n"
        )
    );
}

/// From eleven codes on, the report shows the first and the last.
#[test]
fn eleven_codes_report_shows_a_range() {
    let fx = Fixture::local();
    let run = fx.run(&["-a", "-l", "11"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(
        mask_elapsed(&run.stdout),
        report(
            &fx.base_url(),
            "Searching for 11 flags: from AD to AZ\n\
             1 connection will be used.\n\
             --------------------\n \
             11 flags downloaded.\n"
        )
    );
}

/// No codes means the 20 most populous countries, as the book's first run.
#[test]
fn no_codes_downloads_the_20_most_populous() {
    let fx = Fixture::local();
    let run = fx.run(&[]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(
        mask_elapsed(&run.stdout),
        report(
            &fx.base_url(),
            "Searching for 20 flags: from BD to VN\n\
             1 connection will be used.\n\
             --------------------\n \
             20 flags downloaded.\n"
        )
    );
    assert_saved_exactly(&fx.dest(), &flags_common::POP20_CC);
}

/// `-a` saves the 194 flags byte for byte as served, and nothing else.
///
/// "Nothing else" includes temporary files: a leftover `.BR.gif.*.part`
/// would show in the listing.
#[test]
fn all_downloads_194_flags_byte_for_byte() {
    let fx = Fixture::local();
    let run = fx.run(&["-a"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(
        mask_elapsed(&run.stdout),
        report(
            &fx.base_url(),
            "Searching for 194 flags: from AD to ZW\n\
             1 connection will be used.\n\
             --------------------\n\
             194 flags downloaded.\n"
        )
    );
    assert_saved_exactly(&fx.dest(), &all_codes());
}

/// `-e` asks for 676 codes: 194 downloaded, 482 not found, 194 files.
#[test]
fn every_finds_194_flags_and_482_not_found() {
    let fx = Fixture::local();
    let run = fx.run(&["-e"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(
        mask_elapsed(&run.stdout),
        report(
            &fx.base_url(),
            "Searching for 676 flags: from AA to ZZ\n\
             1 connection will be used.\n\
             --------------------\n\
             194 flags downloaded.\n\
             482 not found.\n"
        )
    );
    assert_saved_exactly(&fx.dest(), &all_codes());
    assert_eq!(fx.stats().by_status.get(&404), Some(&482));
}

/// `-v` prints one line per code: `OK`, or `not found:` and the URL.
#[test]
fn verbose_prints_one_line_per_code() {
    let fx = Fixture::local();
    let run = fx.run(&["-v", "BR", "ZZ"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    let base_url = fx.base_url();
    assert_eq!(
        mask_elapsed(&run.stdout),
        report(
            &base_url,
            &format!(
                "Searching for 2 flags: BR, ZZ\n\
                 1 connection will be used.\n\
                 BR OK\n\
                 ZZ not found: {base_url}/zz/zz.gif\n\
                 --------------------\n  \
                 1 flag downloaded.\n  \
                 1 not found.\n"
            )
        )
    );
    // Without a terminal there is no progress bar either: stderr is quiet.
    assert_eq!(run.stderr, "");
}

/// One letter stands for its 26 codes, requested in order, in lower case.
#[test]
fn one_letter_requests_its_26_codes() {
    let fx = Fixture::local();
    let run = fx.run(&["b"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert!(
        run.stdout.contains("Searching for 26 flags: from BA to BZ\n"),
        "{}",
        run.stdout
    );
    let expected: Vec<String> =
        ('a'..='z').map(|c| format!("/flags/b{c}/b{c}.gif")).collect();
    assert_eq!(fx.requested_paths(), expected);
    let with_flags: Vec<&str> =
        all_codes().into_iter().filter(|cc| cc.starts_with('B')).collect();
    assert_eq!(
        final_counts(&run.stdout),
        [with_flags.len(), 26 - with_flags.len(), 0]
    );
    assert_saved_exactly(&fx.dest(), &with_flags);
}

/// `-l` keeps the first codes after sorting; only those are requested.
#[test]
fn limit_keeps_the_first_sorted_codes() {
    let fx = Fixture::local();
    let run = fx.run(&["-l", "3", "ZW", "b"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert!(
        run.stdout.contains("Searching for 3 flags: BA, BB, BC\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fx.requested_paths(),
        ["/flags/ba/ba.gif", "/flags/bb/bb.gif", "/flags/bc/bc.gif"]
    );
}

/// Whatever `-m` says, all requests go one at a time on one connection.
///
/// "1 connection will be used" is literally true, and stays true after a
/// 404 or a 418 as after a 200.
#[test]
fn sequential_uses_one_connection_whatever_m_says() {
    let fx = Fixture::with(Kind::Error, Config::fast());
    let run = fx.run(&["-m", "5", "A"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert!(run.stdout.contains("\n1 connection will be used.\n"));
    let stats = fx.stats();
    assert_eq!(stats.requests, 26);
    for status in [200, 404, 418] {
        assert!(stats.by_status.contains_key(&status), "{status} was seen");
    }
    assert_eq!(stats.peak_in_flight, 1);
    let first = stats.records[0].connection;
    assert!(stats.records.iter().all(|r| r.connection == first));
}

/// Against ERROR, every code is counted once, as the server answered it.
///
/// With a fixed seed and millisecond delays, some codes get 418; the
/// three counts add up to the codes asked and match the server's.
#[test]
fn error_server_counts_add_up_to_the_codes_asked() {
    let fx = Fixture::with(Kind::Error, Config::fast());
    // A, B and C: 78 codes, some with flags and some without.
    let run = fx.run(&["-v", "A", "B", "C"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    let [ok, not_found, errors] = final_counts(&run.stdout);
    assert_eq!(ok + not_found + errors, 78, "{}", run.stdout);
    assert!(errors > 0, "seed 42 and rate 0.25 give some 418s");
    let stats = fx.stats();
    let answered = |status| {
        usize::try_from(stats.by_status.get(&status).copied().unwrap_or(0))
            .expect("a small count")
    };
    assert_eq!(ok, answered(200));
    assert_eq!(not_found, answered(404));
    assert_eq!(errors, answered(418));
    let teapots = run
        .stdout
        .lines()
        .filter(|line| line.ends_with(" error: HTTP error 418 - I'm a Teapot"))
        .count();
    assert_eq!(teapots, errors);
    // A flag is saved for each OK line, and for nothing else.
    let saved: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_suffix(" OK"))
        .collect();
    assert_eq!(saved.len(), ok);
    assert_saved_exactly(&fx.dest(), &saved);
}

/// A `--timeout` shorter than DELAY's delay gives errors that say so.
#[test]
fn timeout_shorter_than_the_delay_is_an_error_that_says_so() {
    let config = Config {
        min_delay: Duration::from_secs(2),
        max_delay: Duration::from_secs(2),
        // The requests the client gave up on need not finish on shutdown.
        shutdown_grace: Duration::from_millis(10),
        ..Config::fast()
    };
    let fx = Fixture::with(Kind::Delay, config);
    let run = fx.run(&["-v", "--timeout", "0.1", "BR", "JP"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(final_counts(&run.stdout), [0, 0, 2]);
    for cc in ["BR", "JP"] {
        let line = run
            .stdout
            .lines()
            .find(|line| line.starts_with(&format!("{cc} error: ")))
            .expect("a -v error line for each code");
        assert!(line.contains("timed out"), "{line:?}");
    }
    assert_saved_exactly(&fx.dest(), &[]);
}

/// A `--dest` that is a file: exit 1, one-line reason, no request.
#[test]
fn dest_that_is_a_file_exits_1_before_any_request() {
    let fx = Fixture::local();
    std::fs::write(fx.cwd.path().join("in-the-way"), b"").expect("a file");
    let run = fx.run(&["--dest", "in-the-way", "BR"]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
    assert!(run.stderr.contains("in-the-way"), "{:?}", run.stderr);
    assert_eq!(fx.stats().requests, 0);
}

/// A `--dest` under a file: exit 1, one-line reason, no request.
#[test]
fn dest_under_a_file_exits_1_before_any_request() {
    let fx = Fixture::local();
    std::fs::write(fx.cwd.path().join("in-the-way"), b"").expect("a file");
    let run = fx.run(&["--dest", "in-the-way/flags", "BR"]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
    assert!(run.stderr.contains("in-the-way/flags"), "{:?}", run.stderr);
    assert_eq!(fx.stats().requests, 0);
}

/// `--dest` puts the flags where it says, creating the directories.
#[test]
fn dest_is_created_and_used() {
    let fx = Fixture::local();
    let run = fx.run(&["--dest", "out/flags", "BR", "JP"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_saved_exactly(&fx.cwd.path().join("out/flags"), &["BR", "JP"]);
    assert_eq!(file_names(fx.cwd.path()), ["out"]);
}
