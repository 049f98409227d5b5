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
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
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
