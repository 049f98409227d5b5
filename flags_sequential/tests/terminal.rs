//! What a person at a terminal sees on stderr: `RUST_LOG` events are
//! coloured, but not when `NO_COLOR` is set (no-color.org), and the
//! progress bar ends its line, as tqdm's does. `flags_common` decides both,
//! so one client's binary pins them for all three.

#![cfg(unix)]

use std::process::{Command, Stdio};

use flags_server::{Config, Kind, TestServer};
use flags_testkit::client::Scratch;
use flags_testkit::pty::{self, assert_colours};

const BIN: &str = env!("CARGO_BIN_EXE_flags_sequential");

/// Downloads BR and CN with `args`, a terminal as stderr and the
/// environment `env`, and returns what the client wrote to that terminal.
fn stderr_at_a_terminal(args: &[&str], env: &[(&str, &str)]) -> String {
    let server = TestServer::start(Config::fast()).expect("the server starts");
    let dest = Scratch::new();
    let pty = pty::Pty::open();
    let mut command = Command::new(BIN);
    command
        .args(args)
        .args(["-s", &server.base_url(Kind::Local), "BR", "CN"])
        .arg("--dest")
        .arg(dest.path())
        .stdout(Stdio::null())
        .stderr(pty.stdio())
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .envs(env.iter().copied());
    let status = command.status().expect("the client runs");
    drop(command);
    assert!(status.success());
    String::from_utf8_lossy(&pty.output()).into_owned()
}

/// The debug events of a `-v` run (no bar) at a terminal, with `NO_COLOR`
/// set to `no_color` if given.
fn log_at_a_terminal(no_color: Option<&str>) -> String {
    let mut env = vec![("RUST_LOG", "flags_sequential=debug")];
    env.extend(no_color.map(|value| ("NO_COLOR", value)));
    stderr_at_a_terminal(&["-v"], &env)
}

/// At a terminal, the debug events are coloured (escape sequences).
#[test]
fn logs_are_coloured_at_a_terminal() {
    let log = log_at_a_terminal(None);
    assert_colours(&log, "GET", true);
}

/// `NO_COLOR=1` takes the colours away, even at a terminal.
#[test]
fn no_color_turns_colours_off_at_a_terminal() {
    let log = log_at_a_terminal(Some("1"));
    assert_colours(&log, "GET", false);
}

/// The progress bar, drawn at a terminal, ends with a newline once done,
/// so what follows it starts a line of its own.
#[test]
fn progress_bar_ends_its_line() {
    let stderr = stderr_at_a_terminal(&[], &[]);
    assert!(stderr.contains("| 2/2 ["), "{stderr:?}");
    // The terminal turns `\n` into `\r\n`; indicatif may pad the bar
    // with spaces up to the terminal's width.
    let last_draw = stderr.strip_suffix("\r\n").expect("a final newline");
    assert!(last_draw.trim_end().ends_with(']'), "{stderr:?}");
}
