//! `cargo xtask serve [OPTIONS]`: the three test servers in the
//! foreground, the book's two terminals (`python3 -m http.server` and
//! `slow_server.py`) in one command.
//!
//! The options are `flags_server`'s own, flattened from its library, so
//! `cargo xtask serve --help` and `cargo run -p flags_server -- --help`
//! cannot drift apart.

use anyhow::Result;

/// Serves LOCAL (8000), DELAY (8001) and ERROR (8002) until Ctrl-C.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub server: flags_server::cli::ServerArgs,
}

/// Runs the servers until Ctrl-C or SIGTERM.
pub fn run(args: &Args) -> Result<()> {
    flags_server::cli::init_tracing();
    flags_server::cli::serve(&args.server)
}
