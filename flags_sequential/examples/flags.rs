//! `flags.py`: the 20 most populous countries' flags, one after the other.
//!
//! ```text
//! cargo run -p flags_server &
//! cargo run -p flags_sequential --example flags
//! FLAGS_BASE_URL=http://localhost:8001/flags cargo run -p flags_sequential --example flags
//! ```
//!
//! Everything is in `flags_sequential::flags`, because the next examples
//! import from it, as the book's do from `flags.py`.

use std::process::ExitCode;

use flags_sequential::flags::{download_many, main as run};

// ANCHOR: main
fn main() -> ExitCode {
    run(download_many)
}
// ANCHOR_END: main
