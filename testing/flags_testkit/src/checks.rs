//! The download behaviours every client must show, whatever its
//! concurrency model: the runs of `flags2_sequential.py`,
//! `flags2_threadpool.py` and `flags2_asyncio.py` the chapter shows,
//! checked by their report, the files saved, and what the server saw.
//!
//! Each check starts its own [`TestServer`](crate::TestServer) on port 0
//! (millisecond delays, seed 42), runs the real binary with `-s <that
//! server's URL>` in an empty directory, and panics with the run's
//! transcript when the client falls short. The clients' test files call
//! them, one `#[test]` each, so what a behaviour means is written here
//! once; only the two numbers of [`Client`] differ (the table of
//! `docs/contract.md`, "The clients").

use std::time::Duration;

use flags_common::report::{final_report, initial_report};
use flags_common::{Counter, DownloadStatus};
use flags_server::{Config, Kind, corpus};

use crate::client::{Fixture, Run, assert_saved_exactly};

/// A client under test: its binary, and its two numbers from the table
/// of `docs/contract.md`, the ones its `main.rs` hands to
/// `flags_common::main` as the book's
/// `main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)`.
#[derive(Clone, Copy, Debug)]
pub struct Client {
    /// The binary: `env!("CARGO_BIN_EXE_<name>")` in a test.
    pub bin: &'static str,
    /// `-m` when none is given.
    pub default_concur_req: usize,
    /// The most connections the client ever uses, whatever `-m` says.
    pub max_concur_req: usize,
}

impl Client {
    /// The client `bin`, with `-m default_concur_req` when none is given
    /// and never more than `max_concur_req` connections.
    pub const fn new(
        bin: &'static str,
        default_concur_req: usize,
        max_concur_req: usize,
    ) -> Client {
        Client { bin, default_concur_req, max_concur_req }
    }

    /// The line that ends the initial report when `codes` codes are asked
    /// for with `-m m` (`None`: no `-m`). The concurrency used is the
    /// smallest of `-m`, the client's maximum and the number of codes.
    pub fn connections_line(&self, m: Option<usize>, codes: usize) -> String {
        let m = m.unwrap_or(self.default_concur_req);
        let actual_req = m.min(self.max_concur_req).min(codes);
        // The last line of the clients' own initial report, whose other
        // lines (site, codes) are not wanted here.
        let mut out = Vec::new();
        initial_report(&mut out, &[], actual_req, "", "")
            .expect("writing to a Vec cannot fail");
        let text = String::from_utf8(out).expect("the report is UTF-8");
        text.lines().last().unwrap_or_default().to_owned()
    }

    /// Whether the client takes one code at a time, so that it finishes
    /// them in the (sorted) order it was given.
    fn one_at_a_time(&self) -> bool {
        self.max_concur_req == 1
    }
}

/// The final report the clients print for these counts, from the line of
/// dashes to the last count, without the elapsed time: written by
/// `flags_common`'s own `final_report`, so the checks expect what the
/// clients print, and `flags_common`'s tests pin it to the book.
pub fn counts_lines(ok: usize, not_found: usize, errors: usize) -> String {
    let mut counter = Counter::default();
    counter[DownloadStatus::Ok] = ok;
    counter[DownloadStatus::NotFound] = not_found;
    counter[DownloadStatus::Error] = errors;
    let mut out = Vec::new();
    final_report(&mut out, &counter, Duration::ZERO)
        .expect("writing to a Vec cannot fail");
    let text = String::from_utf8(out).expect("the report is UTF-8");
    text.lines()
        .filter(|line| !line.starts_with("Elapsed time: "))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// `-e` asks for all 676 codes with the default `-m`: the book's report
/// line for line, the 194 flags saved byte for byte, and the other 482
/// answered 404 and counted as not found.
pub fn every_finds_194_flags_and_482_not_found(client: &Client) {
    let fx = Fixture::local(client.bin);
    let connections = client.connections_line(None, 676);
    fx.expect_report(
        &["-e"],
        &format!(
            "Searching for 676 flags: from AA to ZZ\n\
             {connections}\n\
             {}",
            counts_lines(194, 482, 0)
        ),
    );
    let all: Vec<&str> = corpus::codes().collect();
    assert_saved_exactly(&fx.dest(), &all);
    assert_eq!(fx.answered(404), 482);
}

/// `-v` prints one line per code instead of the progress bar: `CC OK`, or
/// `CC not found: <url>`, between the initial and the final report. A
/// client that works one code at a time prints them in the order asked;
/// the others, as each finishes. Without a terminal there is no bar
/// either, so stderr stays empty.
pub fn verbose_prints_one_line_per_code(client: &Client) {
    let fx = Fixture::local(client.bin);
    let run = fx.run_ok(&["-v", "BR", "ZZ", "JP"]);
    let base_url = fx.base_url();
    let per_code =
        ["BR OK", "JP OK", &format!("ZZ not found: {base_url}/zz/zz.gif")]
            .join("\n");
    let expected = fx.report(&format!(
        "Searching for 3 flags: BR, JP, ZZ\n\
         {}\n\
         {per_code}\n\
         {}",
        client.connections_line(None, 3),
        counts_lines(2, 1, 0)
    ));
    let masked = run.masked();
    if client.one_at_a_time() {
        assert_eq!(masked, expected);
    } else {
        // Workers finish in any order: the three `-v` lines may come in
        // any order, but in their place (after the site, search and
        // connections lines), and the rest of the report as it is.
        let mut lines: Vec<&str> = masked.lines().collect();
        if let Some(block) = lines.get_mut(3..6) {
            block.sort_unstable();
        }
        assert_eq!(lines.join("\n") + "\n", expected, "{masked}");
    }
    assert_eq!(run.counts(), [2, 1, 0]);
    assert_eq!(run.stderr, "");
}

/// Against ERROR (seed 42, rate 0.25, millisecond delays) some codes fail
/// with 418: every code is counted once, the three counts add up to the
/// codes asked and agree with what the server answered, each 418 has its
/// `-v` line with the book's message, and a flag is saved for each OK
/// line and for nothing else.
pub fn error_server_counts_add_up_to_the_codes_asked(client: &Client) {
    let fx = Fixture::with(client.bin, Kind::Error, Config::fast());
    // A, B and C: 78 codes, some with flags and some without.
    let run = fx.run_ok(&["-v", "-m", "10", "A", "B", "C"]);
    let transcript = run.transcript();
    let [ok, not_found, errors] = run.counts();
    assert_eq!(ok + not_found + errors, 78, "{transcript}");
    // The Nth request's draw depends only on the seed and N, so the same
    // requests get the same number of 418s, whatever their order.
    assert!(errors > 0, "seed 42 and rate 0.25 give some 418s");
    assert_eq!(ok, fx.answered(200));
    assert_eq!(not_found, fx.answered(404));
    assert_eq!(errors, fx.answered(418));
    let lines = run.verbose_lines();
    let teapots = lines
        .iter()
        .filter(|line| &line[2..] == " error: HTTP error 418 - I'm a Teapot")
        .count();
    assert_eq!(teapots, errors, "{transcript}");
    let saved: Vec<&str> =
        lines.iter().filter_map(|line| line.strip_suffix(" OK")).collect();
    assert_eq!(saved.len(), ok);
    assert_saved_exactly(&fx.dest(), &saved);
}

/// `-m 7` puts at most 7 requests in flight, and with delays long enough
/// to overlap and more codes than workers, exactly 7. (For a concurrent
/// client: one whose maximum is 7 or more.)
pub fn peak_in_flight_is_exactly_m(client: &Client) {
    let args = ["-m", "7", "-e", "-l", "70"];
    let run = expect_peak(client, (20, 40), &args, 7, 70);
    assert_eq!(run.counts().iter().sum::<usize>(), 70);
}

/// With more codes than workers, the codes that wait take over the
/// connections of those that finished, rather than each opening its own:
/// `-m 5` over the 26 codes of `A` uses a handful of connections, never
/// 26. (For a concurrent client.)
pub fn waiting_codes_reuse_the_connections_of_finished_ones(client: &Client) {
    let fx = Fixture::with(client.bin, Kind::Delay, Config::fast());
    let run = fx.run_ok(&["-m", "5", "A"]);
    let stats = fx.stats();
    assert_eq!(stats.requests, 26, "{}", run.transcript());
    let mut connections: Vec<u64> =
        stats.records.iter().map(|record| record.connection).collect();
    connections.sort_unstable();
    connections.dedup();
    // Five at first; a few more if a finished download's connection was
    // still on its way back to the pool when the next code looked for one.
    assert!(
        (5..=10).contains(&connections.len()),
        "{} connections for 26 requests\n{}",
        connections.len(),
        run.transcript()
    );
}

/// `-m 1000 -e` gives every one of the 676 codes its own worker (676 is
/// fewer than 1000): every request is in flight at once, none fails, and
/// the counts are right. (For a client whose maximum is 1000.)
///
/// Where the open-file limit cannot hold 676 connections and their saves
/// (a hard limit of 1024, say), the client lowers `-m` to what fits and
/// says so on stderr; then exactly that many are in flight.
pub fn m_1000_puts_all_676_codes_in_flight(client: &Client) {
    // Delays long enough that all 676 requests arrive before the first
    // answer, even on a busy machine, and a timeout far beyond them.
    let args = ["-m", "1000", "-e", "--timeout", "20"];
    let fx = Fixture::delay(client.bin, 2500, 3000);
    let run = fx.run_ok(&args);
    let m = lowered_to(&run.stderr).unwrap_or(1000);
    assert_peak(client, &fx, &run, m, 676);
    assert_eq!(run.counts(), [194, 482, 0], "{}", run.transcript());
}

/// Under a hard open-file limit of 256 (what a macOS user can raise the
/// soft limit to, at most, by default), `-m 1000 -e` is lowered to what
/// fits, with one line on stderr saying so, and the connections line
/// shows the lowered number. No download fails with "Too many open
/// files": every flag is saved, byte for byte. (For a client whose
/// maximum is 1000; Unix, where the limit exists.)
#[cfg(unix)]
pub fn low_open_file_limit_lowers_m(client: &Client) {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};

    let fx = Fixture::delay(client.bin, 20, 40);
    let base_url = fx.base_url();
    let mut command = Command::new(client.bin);
    command
        .args(["-s", &base_url, "-m", "1000", "-e", "--timeout", "20"])
        .current_dir(fx.cwd())
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    // SAFETY: the closure runs in the child between fork and exec, where
    // only async-signal-safe calls are allowed: it makes one system call,
    // setrlimit, and allocates nothing. Lowering a hard limit needs no
    // privilege.
    unsafe {
        command
            .pre_exec(|| rlimit::setrlimit(rlimit::Resource::NOFILE, 256, 256));
    }
    let output = command.output().expect("the client runs");
    let run = Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        max_rss_kib: None,
    };
    let transcript = run.transcript();
    assert_eq!(run.code(), Some(0), "{transcript}");
    let m = lowered_to(&run.stderr).expect("the notice on stderr");
    assert!((1..128).contains(&m), "{transcript}");
    assert_eq!(
        run.stderr,
        format!("-m 1000 lowered to {m}: open-file limit 256\n"),
        "one line, nothing else"
    );
    let connections = client.connections_line(Some(m), 676);
    assert!(run.stdout.contains(&format!("\n{connections}\n")), "{transcript}");
    let stats = fx.stats();
    assert!(stats.peak_in_flight <= m as u64, "{transcript}");
    assert_eq!(run.counts(), [194, 482, 0], "{transcript}");
    let all: Vec<&str> = corpus::codes().collect();
    assert_saved_exactly(&fx.dest(), &all);
}

/// The `m` of the notice `-m 1000 lowered to m: open-file limit N` that a
/// client prints on stderr when the open-file limit lowered its `-m`.
fn lowered_to(stderr: &str) -> Option<usize> {
    stderr.lines().find_map(|line| {
        let rest = line.strip_prefix("-m ")?.split_once(" lowered to ")?.1;
        rest.split_once(':')?.0.parse().ok()
    })
}

/// Runs `args` (which say `-m m` and ask for `codes` codes) against DELAY
/// with delays of `delay_ms` (min, max), and checks the concurrency with
/// [`assert_peak`].
fn expect_peak(
    client: &Client,
    delay_ms: (u64, u64),
    args: &[&str],
    m: usize,
    codes: usize,
) -> Run {
    let fx = Fixture::delay(client.bin, delay_ms.0, delay_ms.1);
    let run = fx.run_ok(args);
    assert_peak(client, &fx, &run, m, codes);
    run
}

/// Checks the concurrency of a run of `-m m` for `codes` codes: the report
/// announces min(m, codes) connections, the server got `codes` requests,
/// and at its peak exactly that many were in flight at once.
fn assert_peak(
    client: &Client,
    fx: &Fixture,
    run: &Run,
    m: usize,
    codes: usize,
) {
    let peak = m.min(codes);
    assert!(client.max_concur_req >= peak, "{client:?} cannot use {peak}");
    let connections = client.connections_line(Some(m), codes);
    let transcript = run.transcript();
    assert!(run.stdout.contains(&format!("\n{connections}\n")), "{transcript}");
    let stats = fx.stats();
    assert_eq!(stats.requests, u64::try_from(codes).expect("a small count"));
    assert_eq!(stats.peak_in_flight, u64::try_from(peak).expect("small"));
}

/// `--version` prints the package's `name` and the binary's version (the
/// workspace's, so this crate's), and exits 0.
pub fn version_prints_name_and_version(client: &Client, name: &str) {
    let output = std::process::Command::new(client.bin)
        .arg("--version")
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout, format!("{name} {}\n", env!("CARGO_PKG_VERSION")));
}

/// A panic in `download_one` ends the run, as an uncaught exception ends
/// the book's: `bin` is run on the codes BR, CN and ID with the download of
/// CN made to panic (`FLAGS_PANIC_ON=CN`, which only a debug build heeds:
/// see `flags_common::panic_seam`). The run ends with Rust's exit code for
/// a panic, 101, and the panic's message on stderr; the initial report was
/// printed, the final one is not, as the book's traceback replaces it.
pub fn panic_in_download_one_ends_the_run(bin: &'static str) {
    use flags_common::panic_seam::PANIC_ON_VAR;
    let fx = Fixture::local(bin);
    let base_url = fx.base_url();
    let output = std::process::Command::new(bin)
        .args(["-s", &base_url, "BR", "CN", "ID"])
        .current_dir(fx.cwd())
        .env_remove("RUST_LOG")
        .env(PANIC_ON_VAR, "CN")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the client runs");
    let run = Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        max_rss_kib: None,
    };
    assert_eq!(run.code(), Some(101), "{}", run.transcript());
    let message = format!("{PANIC_ON_VAR}=CN: the download of CN panics");
    assert!(run.stderr.contains(&message), "{}", run.transcript());
    assert!(
        run.stdout.contains("Searching for 3 flags: BR, CN, ID\n"),
        "{}",
        run.transcript()
    );
    assert!(!run.stdout.contains("Elapsed time"), "{}", run.transcript());
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEQUENTIAL: Client =
        Client { bin: "", default_concur_req: 1, max_concur_req: 1 };
    const THREADPOOL: Client =
        Client { bin: "", default_concur_req: 30, max_concur_req: 1000 };

    /// The connections line takes the smallest of `-m`, the maximum and
    /// the number of codes, and says "1 connection" for one.
    #[test]
    fn connections_line_is_the_books() {
        let line =
            |client: &Client, m, codes| client.connections_line(m, codes);
        assert_eq!(
            line(&SEQUENTIAL, Some(5), 26),
            "1 connection will be used."
        );
        assert_eq!(
            line(&THREADPOOL, None, 676),
            "30 concurrent connections will be used."
        );
        assert_eq!(
            line(&THREADPOOL, Some(1000), 676),
            "676 concurrent connections will be used."
        );
        assert_eq!(line(&THREADPOOL, None, 1), "1 connection will be used.");
    }

    /// The final counts are the book's lines, with only the non-zero
    /// counts after the first.
    #[test]
    fn counts_lines_are_the_books() {
        assert_eq!(
            counts_lines(194, 482, 0),
            "--------------------\n194 flags downloaded.\n482 not found.\n"
        );
        assert_eq!(
            counts_lines(1, 0, 2),
            "--------------------\n  1 flag downloaded.\n  2 errors.\n"
        );
    }

    /// The checks are not vacuous: a "client" that downloads nothing and
    /// prints nothing fails them.
    #[test]
    #[cfg(unix)]
    #[should_panic(expected = "left == right")]
    fn checks_reject_a_client_that_does_nothing() {
        verbose_prints_one_line_per_code(&Client { bin: "true", ..THREADPOOL });
    }
}
