//! The fault checks: each runs a client binary against a fresh
//! [`FaultyServer`] (or, for Ctrl-C, against DELAY) and asserts what the
//! fault asks of every client, with the run's transcript when it falls
//! short.

use std::time::Duration;

use flags_server::{Config, Kind, TestServer, corpus};

use super::{Fault, FaultyServer, HUGE_BODY, Outcome};
use crate::checks::counts_lines;
use crate::client::{self, Run, Running, Scratch, file_names};

/// The real codes every fault run asks for besides the fault's code. In
/// sorted order the `X?` code falls between JP and ZW, so the sequential
/// client meets a good code right after each fault, on what would be the
/// same keep-alive connection.
pub const GOOD_CODES: [&str; 3] = ["BR", "JP", "ZW"];

/// `--timeout` for the faults that are about time (a stall, a drip):
/// short, so each costs half a second.
pub const SHORT_TIMEOUT: &str = "0.5";

/// `--timeout` for every other fault. Those must be recognised for what
/// they are, not cut short by the clock: reading 10 MiB of a huge body in
/// a debug build on a busy 2-core machine can take longer than half a
/// second, and the trickle must *succeed* slowly.
pub const LONG_TIMEOUT: &str = "10";

/// Runs `bin -v` for [`GOOD_CODES`] and `fault`'s code against a fresh
/// faulty server, and checks what every run must show: exit 0, the good
/// codes saved byte for byte, and nothing else in the destination.
/// Returns the run and the server for the fault-specific checks.
fn run_with_fault(bin: &str, fault: Fault) -> (Run, FaultyServer) {
    let server = FaultyServer::start().expect("start the faulty server");
    let scratch = Scratch::new();
    let dest = scratch.path().join("flags");
    let base_url = server.base_url();
    let timeout = match fault {
        Fault::StallAfterHeaders | Fault::DripForever => SHORT_TIMEOUT,
        _ => LONG_TIMEOUT,
    };
    let dest_arg = dest.to_string_lossy();
    let mut args = vec!["-v", "--timeout", timeout, "-s", &base_url];
    args.extend(["--dest", &dest_arg, fault.code()]);
    args.extend(GOOD_CODES);
    let run = client::run(bin, scratch.path(), &args);
    let transcript = run.transcript();

    assert!(run.status.success(), "exit 0 expected\n{transcript}");
    for cc in GOOD_CODES {
        assert!(
            run.lines().contains(&format!("{cc} OK").as_str()),
            "{cc} OK expected\n{transcript}"
        );
        let saved = std::fs::read(dest.join(format!("{cc}.gif")))
            .unwrap_or_else(|e| panic!("{cc}.gif: {e}\n{transcript}"));
        let flag = corpus::flag_gif(cc).expect("a good code has a flag");
        assert!(saved == flag, "{cc}.gif differs from its flag\n{transcript}");
    }
    let mut expected: Vec<String> =
        GOOD_CODES.iter().map(|cc| format!("{cc}.gif")).collect();
    if fault.outcome() == Outcome::Saved {
        expected.push(format!("{}.gif", fault.code()));
        expected.sort();
    }
    assert_eq!(
        file_names(&dest),
        expected,
        "the destination holds exactly the saved flags\n{transcript}"
    );
    (run, server)
}

/// `fault` is counted as one ERROR whose `-v` line names the cause; the
/// good codes of the same run are saved as if nothing happened; no file or
/// temporary file is left for the fault's code. For the endless and huge
/// bodies, the client's peak memory also stays far below the body.
pub fn expect_error(bin: &str, fault: Fault) {
    let (run, server) = run_with_fault(bin, fault);
    let transcript = run.transcript();
    let counts = counts_lines(GOOD_CODES.len(), 0, 1);
    assert!(run.stdout.contains(&counts), "{counts:?} expected\n{transcript}");

    let line = run.verbose_line(fault.code());
    let cause = line
        .strip_prefix("error: ")
        .unwrap_or_else(|| panic!("an error line expected\n{transcript}"));
    match fault.outcome() {
        Outcome::Error(words) => {
            let lower = cause.to_lowercase();
            assert!(
                words.iter().any(|word| lower.contains(word)),
                "the error {cause:?} should name the cause, one of \
                 {words:?}\n{transcript}"
            );
        }
        Outcome::HttpError(expected) => {
            assert_eq!(cause, expected, "\n{transcript}");
        }
        Outcome::Saved => panic!("{fault:?} is not an error"),
    }

    if fault == Fault::RedirectLoop {
        // Bounded: flags_common::MAX_REDIRECTS is 10, so at most the first
        // request and ten redirects (a client may stop sooner on a loop).
        let followed = server.requests_for(fault.code());
        assert!(followed <= 11, "{followed} requests for a redirect loop");
    }
    if matches!(fault, Fault::EndlessBody | Fault::HugeBody) {
        expect_bounded_memory(&run);
    }
}

/// The client kept at most a few times its 10 MiB cap of the body, far
/// below the 64 MiB (or endless) body it was sent. A memory assertion, not
/// a timing one: the peak is read from the kernel after the child exits.
fn expect_bounded_memory(run: &Run) {
    let Some(max_rss_kib) = run.max_rss_kib else { return };
    let bound_kib = (HUGE_BODY / 2 / 1024) as u64;
    assert!(
        max_rss_kib < bound_kib,
        "peak memory {max_rss_kib} KiB, expected under {bound_kib} KiB\n{}",
        run.transcript()
    );
}

/// `fault` is a detour, not an error: the code is counted as OK and saved
/// byte for byte, along with the good codes.
pub fn expect_saved(bin: &str, fault: Fault) {
    assert_eq!(fault.outcome(), Outcome::Saved, "{fault:?} is an error");
    let (run, _server) = run_with_fault(bin, fault);
    let transcript = run.transcript();
    let counts = counts_lines(GOOD_CODES.len() + 1, 0, 0) + "Elapsed time: ";
    assert!(run.stdout.contains(&counts), "{counts:?} expected\n{transcript}");
    assert_eq!(run.verbose_line(fault.code()), "OK", "\n{transcript}");
}

/// A destination that cannot hold files ends the run with exit 1 and a
/// one-line reason on stderr, before the first request and before the
/// first report line. Two kinds are tried: a path that is a regular file,
/// and a path *under* a regular file. (The tests may run as root, for whom
/// a read-only directory is writable, so permissions cannot be used.)
pub fn expect_bad_dest_refused(bin: &str) {
    let server = FaultyServer::start().expect("start the faulty server");
    let scratch = Scratch::new();
    let file = scratch.path().join("not-a-directory");
    std::fs::write(&file, b"keep me").expect("write a file");
    for dest in [file.clone(), file.join("flags")] {
        let dest_arg = dest.to_string_lossy();
        let base_url = server.base_url();
        let args = ["-s", &base_url, "--dest", &dest_arg, "BR"];
        let run = client::run(bin, scratch.path(), &args);
        let transcript = run.transcript();
        assert_eq!(run.status.code(), Some(1), "exit 1 expected\n{transcript}");
        assert_eq!(run.stdout, "", "no report expected\n{transcript}");
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "a one-line reason expected\n{transcript}"
        );
        assert!(
            run.stderr.contains(&*dest_arg),
            "the reason names the destination\n{transcript}"
        );
        assert_eq!(server.connections(), 0, "no request expected");
    }
    let kept = std::fs::read(&file).expect("the file is still there");
    assert_eq!(kept, b"keep me", "the file is left as it was");
}

/// Ctrl-C in the middle of a run against DELAY stops it cleanly: exit 130,
/// the final report counts exactly the codes that printed a `-v` line,
/// every flag reported OK is saved whole, and no other file (no partial
/// or temporary one) is left behind.
///
/// The signal is sent once the client has printed its first `OK` line, so
/// it lands mid-run by construction, with no sleep: from there on the
/// delays (up to 1 s each) leave most of the 194 codes still to do.
pub fn expect_interrupt_report(bin: &str) {
    let config = Config {
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(1000),
        error_rate: 0.0,
        seed: Some(9),
        ..Config::default()
    };
    let server = TestServer::start(config).expect("start DELAY");
    let scratch = Scratch::new();
    let dest = scratch.path().join("flags");
    let dest_arg = dest.to_string_lossy();
    let base_url = server.base_url(Kind::Delay);
    let mut args = vec!["-v", "-a", "--timeout", LONG_TIMEOUT];
    args.extend(["-s", &base_url, "--dest", &dest_arg]);
    let mut client = Running::spawn(bin, scratch.path(), &args);
    while let Some(line) = client.next_line() {
        if line.ends_with(" OK") {
            break;
        }
    }
    client.interrupt();
    let run = client.wait();
    let transcript = run.transcript();

    assert_eq!(run.status.code(), Some(130), "exit 130 expected\n{transcript}");
    let per_code = run.verbose_lines();
    let ok: Vec<&str> = per_code
        .iter()
        .filter(|line| line.ends_with(" OK"))
        .map(|line| &line[..2])
        .collect();
    assert!(
        !ok.is_empty() && per_code.len() < 194,
        "the run should stop in the middle\n{transcript}"
    );
    // The "N flags downloaded." line, the second of the final report.
    let counts = counts_lines(ok.len(), 0, 0);
    let downloaded = counts.lines().nth(1).unwrap_or_default();
    assert!(
        run.lines().contains(&downloaded),
        "{downloaded:?} expected in the final report\n{transcript}"
    );
    assert!(run.stdout.contains("Elapsed time: "), "\n{transcript}");
    let mut expected: Vec<String> =
        ok.iter().map(|cc| format!("{cc}.gif")).collect();
    expected.sort();
    assert_eq!(
        file_names(&dest),
        expected,
        "exactly the flags reported OK, and no temporary file\n{transcript}"
    );
    for cc in &ok {
        let saved = std::fs::read(dest.join(format!("{cc}.gif")));
        let flag = corpus::flag_gif(cc).expect("a code of -a has a flag");
        assert!(saved.ok() == Some(flag.to_vec()), "{cc}.gif is not whole");
    }
}

// The "client" below is `true`, a Unix command.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// The checks are not vacuous: a "client" that downloads nothing and
    /// prints nothing fails them.
    #[test]
    #[should_panic(expected = "OK expected")]
    fn expect_error_rejects_a_client_that_does_nothing() {
        expect_error("true", Fault::TruncatedBody);
    }
}
