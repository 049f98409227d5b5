//! Colours at a terminal: `RUST_LOG` events on stderr are coloured when
//! stderr is a person's terminal, and not when `NO_COLOR` is set
//! (no-color.org). `flags_common::main` decides it, so one client's binary
//! pins it for all three.

#![cfg(unix)]

use std::process::{Command, Stdio};

use flags_server::testing::client::Scratch;
use flags_server::{Config, Kind, TestServer};

// The pseudo-terminal helper of `flags_server`'s own tests, shared by
// path: Cargo cannot share a `tests/` module between packages otherwise.
#[path = "../../flags_server/tests/support/pty.rs"]
mod pty;

const BIN: &str = env!("CARGO_BIN_EXE_flags_sequential");

/// Downloads BR with debug events on, a terminal as stderr and `NO_COLOR`
/// as given, and returns what the client wrote to that terminal.
fn log_at_a_terminal(no_color: Option<&str>) -> String {
    let server = TestServer::start(Config::fast()).expect("the server starts");
    let dest = Scratch::new();
    let pty = pty::Pty::open();
    let mut command = Command::new(BIN);
    command
        .args(["-v", "-s", &server.base_url(Kind::Local), "BR"])
        .arg("--dest")
        .arg(dest.path())
        .stdout(Stdio::null())
        .stderr(pty.stdio())
        .env("RUST_LOG", "flags_sequential=debug")
        .env_remove("NO_COLOR");
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    let status = command.status().expect("the client runs");
    drop(command);
    assert!(status.success());
    String::from_utf8_lossy(&pty.output()).into_owned()
}

/// At a terminal, the debug events are coloured (escape sequences).
#[test]
fn logs_are_coloured_at_a_terminal() {
    let log = log_at_a_terminal(None);
    assert!(log.contains("GET"), "{log:?}");
    assert!(log.contains('\x1b'), "{log:?}");
}

/// `NO_COLOR=1` takes the colours away, even at a terminal.
#[test]
fn no_color_turns_colours_off_at_a_terminal() {
    let log = log_at_a_terminal(Some("1"));
    assert!(log.contains("GET"), "{log:?}");
    assert!(!log.contains('\x1b'), "{log:?}");
}
