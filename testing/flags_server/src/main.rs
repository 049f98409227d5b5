//! `flags_server`: LOCAL, DELAY and ERROR on ports 8000, 8001 and 8002 of
//! localhost, the offline stand-ins for the book's `python3 -m http.server`
//! and `slow_server.py`.
//!
//! Run it with `cargo run -p flags_server` (`-- --help` for the options);
//! Ctrl-C stops it. Everything happens in `flags_server::cli::serve`.

use std::process::ExitCode;

use clap::Parser;
use flags_server::cli::{Cli, init_tracing, serve};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match serve(&cli.server) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flags_server: {e:#}");
            ExitCode::FAILURE
        }
    }
}
