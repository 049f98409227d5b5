//! The `flags_server` binary as a user runs it: start-up lines, options,
//! a port already in use, and a clean stop on Ctrl-C or SIGTERM.

// Helpers of tests may unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, ChildStdout, Command, Stdio};

use support::get;

const BIN: &str = env!("CARGO_BIN_EXE_flags_server");

/// Starts the binary and reads its start-up lines, up to the one that says
/// it is ready. Returns the child and those lines.
fn start(args: &[&str]) -> (Child, Vec<String>, BufReader<ChildStdout>) {
    let mut command = Command::new(BIN);
    command.args(args).stderr(Stdio::piped());
    start_command(command)
}

/// [`start`] for a command set up by the caller (its stderr, its
/// environment); the command is consumed, so the caller keeps no copy of
/// the child's stdio.
fn start_command(
    mut command: Command,
) -> (Child, Vec<String>, BufReader<ChildStdout>) {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    drop(command);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "exited: {lines:?}");
        if line.starts_with("Statistics") {
            break;
        }
        lines.push(line.trim_end().to_owned());
    }
    (child, lines, stdout)
}

/// The address in a start-up line such as
/// `DELAY http://127.0.0.1:40123/flags  (...)`.
fn addr_of(lines: &[String], label: &str) -> SocketAddr {
    let line = lines.iter().find(|l| l.starts_with(label)).unwrap();
    let url = line.split_whitespace().nth(1).unwrap();
    let host_port =
        url.trim_start_matches("http://").trim_end_matches("/flags");
    host_port.replace("localhost", "127.0.0.1").parse().unwrap()
}

/// Sends SIG`name` with `kill(1)`. Unix only: Windows has no signals to
/// send another process, and the server stops there on Ctrl-C at its own
/// console, which a test cannot press.
#[cfg(unix)]
fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

const FREE_PORTS: [&str; 6] =
    ["--local-port", "0", "--delay-port", "0", "--error-port", "0"];

/// SIGTERM and Ctrl-C (SIGINT) stop the server with exit code 0, after the
/// request in flight has been answered.
#[cfg(unix)]
#[test]
fn signals_stop_gracefully() {
    for name in ["TERM", "INT"] {
        let mut args = vec!["--bind", "127.0.0.1", "--min-delay", "0.3"];
        args.extend(["--max-delay", "0.3"]);
        args.extend(FREE_PORTS);
        let (mut child, lines, _stdout) = start(&args);
        let delay = addr_of(&lines, "DELAY");
        let request =
            std::thread::spawn(move || get(delay, "/flags/br/br.gif"));
        // Wait until the server has the request in hand.
        loop {
            let stats: flags_server::Stats =
                serde_json::from_slice(&get(delay, "/stats").body).unwrap();
            if stats.in_flight == 1 {
                break;
            }
            std::thread::yield_now();
        }
        signal(&child, name);
        assert_eq!(request.join().unwrap().status, 200, "SIG{name}");
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "SIG{name}");
    }
}

/// By default the three servers listen on localhost (127.0.0.1 and, where
/// the machine has IPv6, ::1) and print their URLs.
#[test]
fn prints_the_three_urls() {
    let (child, lines, _stdout) = start(&FREE_PORTS);
    let labels: Vec<&str> =
        lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(labels, ["LOCAL", "DELAY", "ERROR"]);
    assert!(lines.iter().all(|l| l.contains("http://localhost:")), "{lines:?}");
    assert!(lines[0].contains("127.0.0.1"));
    assert_eq!(get(addr_of(&lines, "LOCAL"), "/flags/br/br.gif").status, 200);
    stop(child);
}

/// `--only` starts only the servers named.
#[test]
fn only_starts_some() {
    let mut args = vec!["--bind", "127.0.0.1", "--only", "local,error"];
    args.extend(FREE_PORTS);
    let (child, lines, _stdout) = start(&args);
    let labels: Vec<&str> =
        lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(labels, ["LOCAL", "ERROR"]);
    stop(child);
}

/// A port already in use is a one-line error naming the port, exit 1.
#[test]
fn port_in_use_is_an_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let args =
        ["--bind", "127.0.0.1", "--only", "local", "--local-port", &port];
    let output = Command::new(BIN).args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&format!("port {port}")), "{stderr}");
}

/// Bad option values are usage errors (clap's exit code 2) with a reason.
#[test]
fn bad_options_are_usage_errors() {
    for args in [
        &["--error-rate", "1.5"][..],
        &["--min-delay", "-1"],
        &["--only", "remote"],
        &["--bind", "localhost:80"],
    ] {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    let output = Command::new(BIN)
        .args(["--min-delay", "3", "--max-delay", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

/// Stops a server the test is done with: SIGTERM, then exit code 0 (a
/// graceful stop) on Unix; killed outright on Windows (see [`signal`]).
fn stop(mut child: Child) {
    #[cfg(unix)]
    {
        signal(&child, "TERM");
        assert_eq!(child.wait().unwrap().code(), Some(0));
    }
    #[cfg(not(unix))]
    {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

/// Serves one delayed GET of BR, with `extra` options, and returns the
/// server's stderr.
fn stderr_after_one_delayed_get(extra: &[&str]) -> String {
    let mut args = vec!["--bind", "127.0.0.1", "--only", "delay"];
    args.extend(["--delay-port", "0", "--min-delay", "0.01"]);
    args.extend(["--max-delay", "0.01"]);
    args.extend(extra);
    let mut command = Command::new(BIN);
    // Only `-v` may print requests: no debug events from RUST_LOG.
    command.args(args).stderr(Stdio::piped()).env_remove("RUST_LOG");
    let (mut child, lines, _stdout) = start_command(command);
    let reply = get(addr_of(&lines, "DELAY"), "/flags/br/br.gif");
    assert_eq!(reply.status, 200);
    // The server must end before its stderr can be read to the end: on
    // Unix gracefully, as a user's Ctrl-C would; elsewhere it is killed.
    #[cfg(unix)]
    signal(&child, "TERM");
    #[cfg(not(unix))]
    child.kill().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(
        &mut child.stderr.take().unwrap(),
        &mut stderr,
    )
    .unwrap();
    stop(child);
    stderr
}

/// `-v` prints one line per request, with its delay, as slow_server.py
/// prints one per request.
#[test]
fn verbose_prints_one_line_per_request() {
    let stderr = stderr_after_one_delayed_get(&["-v"]);
    let lines: Vec<&str> =
        stderr.lines().filter(|line| line.contains("DELAY \"")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let bytes = flags_server::corpus::flag_gif("br").unwrap().len();
    let expected = format!(
        r#"DELAY "GET /flags/br/br.gif" 200 delay=0.01s bytes={bytes}"#
    );
    assert!(lines[0].ends_with(&expected), "{stderr}");
    assert!(lines[0].starts_with('['), "{stderr}");
}

/// Without `-v`, requests are not printed.
#[test]
fn requests_are_not_printed_without_verbose() {
    let stderr = stderr_after_one_delayed_get(&[]);
    assert!(!stderr.contains("/flags/br/br.gif"), "{stderr}");
}

/// Runs the server with a terminal as its stderr and `NO_COLOR` as given,
/// stops it, and returns what it logged there (the `stopping` line).
#[cfg(unix)]
fn log_at_a_terminal(no_color: Option<&str>) -> String {
    let pty = flags_testkit::pty::Pty::open();
    let mut command = Command::new(BIN);
    command
        .args(["--bind", "127.0.0.1", "--only", "local", "--local-port", "0"])
        .stderr(pty.stdio())
        .env("RUST_LOG", "info")
        .env_remove("NO_COLOR");
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    let (child, _lines, _stdout) = start_command(command);
    signal(&child, "TERM");
    stop(child);
    String::from_utf8_lossy(&pty.output()).into_owned()
}

/// At a terminal, log lines are coloured (escape sequences).
#[cfg(unix)]
#[test]
fn logs_are_coloured_at_a_terminal() {
    let log = log_at_a_terminal(None);
    flags_testkit::pty::assert_colours(&log, "stopping", true);
}

/// `NO_COLOR=1` takes the colours away, even at a terminal.
#[cfg(unix)]
#[test]
fn no_color_turns_colours_off_at_a_terminal() {
    let log = log_at_a_terminal(Some("1"));
    flags_testkit::pty::assert_colours(&log, "stopping", false);
}

/// `--version` prints the binary's name and version, and exits 0.
#[test]
fn version_prints_name_and_version() {
    let output =
        Command::new(BIN).arg("--version").output().expect("the binary runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout, format!("flags_server {}\n", env!("CARGO_PKG_VERSION")));
}
