//! `flags_threadpool`: download flags on a pool of threads.
//!
//! ```text
//! cargo run -p flags_server &          # the LOCAL, DELAY and ERROR servers
//! cargo run -p flags_threadpool -- -s DELAY -v -m 30 -a
//! ```
//!
//! All the parsing and reporting is `flags_common::main`; this binary only
//! says which `download_many` to run and how many connections it may use.

use std::process::ExitCode;

use flags_threadpool::{DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ, download_many};

fn main() -> ExitCode {
    flags_common::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
