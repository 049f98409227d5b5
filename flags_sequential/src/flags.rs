//! The chapter's first program, `flags.py`, as a library module, because the
//! next ones import from it: `flags_threadpool.py` takes `save_flag`,
//! `get_flag` and `main` from `flags.py`, and `flags_asyncio.py` takes
//! `BASE_URL`, `save_flag` and `main`. The examples `flags`,
//! `flags_threadpool`, `flags_threadpool_futures`, `flags_processpool`
//! and `flags_asyncio` do the same with this module.
//!
//! No error handling beyond the book's: the first failed flag ends the run
//! (in Python, an uncaught exception; here, an `Err` that `main` prints in
//! one line). The `flags2` clients are where failures are counted instead.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use flags_common::{FlagError, MAX_FLAG_BYTES};

/// The 20 most populous countries, as in the book.
pub use flags_common::POP20_CC;

/// Where the images are saved, relative to the current directory.
pub const DEST_DIR: &str = "downloaded";

/// The environment variable that points the examples at a server; without
/// it they use LOCAL, `http://localhost:8000/flags`.
pub const BASE_URL_VAR: &str = "FLAGS_BASE_URL";

/// The server the examples download from: `$FLAGS_BASE_URL` or LOCAL.
pub fn base_url() -> String {
    std::env::var(BASE_URL_VAR)
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|_| "http://localhost:8000/flags".to_owned())
}

// ANCHOR: save_flag
/// Saves the image bytes to `filename` in [`DEST_DIR`] (atomically: a
/// failed run never leaves half an image behind).
pub fn save_flag(img: &[u8], filename: &str) -> Result<(), FlagError> {
    flags_common::save_flag(img, Path::new(DEST_DIR), filename)
}
// ANCHOR_END: save_flag

// ANCHOR: get_flag
/// Downloads one flag and returns the image bytes, as `flags.py`'s
/// `get_flag` does with `httpx.get` (a timeout, redirects followed) and
/// `raise_for_status()`: ureq follows redirects and, by default, turns a
/// status outside 2xx into an `Err`. The body is capped, so a broken
/// server cannot fill memory.
pub fn get_flag(cc: &str) -> Result<Vec<u8>, ureq::Error> {
    let url = flags_common::flag_url(&base_url(), cc);
    let mut resp = ureq::get(&url)
        .config()
        .timeout_global(Some(Duration::from_secs_f64(6.1)))
        .build()
        .call()?;
    resp.body_mut().with_config().limit(MAX_FLAG_BYTES).read_to_vec()
}
// ANCHOR_END: get_flag

// ANCHOR: download_one
/// Downloads and saves one flag, prints its code, and returns the code:
/// `download_one` of `flags_threadpool.py`. It lives here, beside the
/// pieces it uses, because three examples run it (`flags_threadpool`,
/// `flags_threadpool_futures` and `flags_processpool`), as the book's
/// later programs import it from `flags_threadpool.py`.
///
/// The code comes in as an owned `String` and a failure goes out as a
/// message, because the process-pool example sends the code to another
/// process and the outcome back: a `String` can make that trip, a
/// `ureq::Error` cannot.
pub fn download_one(cc: String) -> Result<String, String> {
    let image = get_flag(&cc).map_err(|error| format!("flag {cc}: {error}"))?;
    save_flag(&image, &format!("{cc}.gif")).map_err(|e| e.to_string())?;
    print!("{cc} ");
    // As `flush=True`: the code shows the moment this flag is done, even
    // when the print comes from a worker thread or process.
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    Ok(cc)
}
// ANCHOR_END: download_one

// ANCHOR: download_many
/// Downloads every flag, one after the other, printing each code as it
/// is saved. Returns how many were downloaded.
pub fn download_many(cc_list: &[&str]) -> anyhow::Result<usize> {
    for cc in sorted(cc_list) {
        let image = get_flag(&cc).with_context(|| format!("flag {cc}"))?;
        save_flag(&image, &format!("{cc}.gif"))?;
        print!("{cc} ");
        // Show each code as soon as it is done, as `flush=True` does.
        std::io::stdout().flush()?;
    }
    Ok(cc_list.len())
}
// ANCHOR_END: download_many

/// The book's `sorted(cc_list)`, as owned codes, which a task on another
/// thread or in another process can take with it.
pub fn sorted(cc_list: &[&str]) -> Vec<String> {
    let mut sorted: Vec<String> =
        cc_list.iter().map(|&cc| cc.to_owned()).collect();
    sorted.sort();
    sorted
}

/// The book's `list(res)` over the results of `executor.map(download_one,
/// ...)`: every code, or the first failure, as the first exception raised
/// out of `list(res)` ends the book's run. Each item is the future's
/// outcome (`Err` if the task panicked or its worker died) holding
/// `download_one`'s own `Result`.
pub fn list<E>(
    res: impl Iterator<Item = Result<Result<String, String>, E>>,
) -> anyhow::Result<Vec<String>>
where
    E: std::error::Error + Send + Sync + 'static,
{
    res.map(|outcome| outcome?.map_err(anyhow::Error::msg)).collect()
}

// ANCHOR: main
/// Runs `downloader` on the 20 codes and prints how long it took. Every
/// example passes its own `download_many`, as the book's `main(downloader)`.
/// Piped into `| head`, it ends quietly, as the flags2 clients do.
pub fn main(downloader: fn(&[&str]) -> anyhow::Result<usize>) -> ExitCode {
    // `| head` ends the example quietly, as it does the clients.
    flags_common::restore_sigpipe();
    if let Err(error) = std::fs::create_dir_all(DEST_DIR) {
        eprintln!("cannot create {DEST_DIR}: {error}");
        return ExitCode::FAILURE;
    }
    let t0 = Instant::now();
    match downloader(&POP20_CC) {
        Ok(count) => {
            let elapsed = t0.elapsed().as_secs_f64();
            println!("\n{count} downloads in {elapsed:.2}s");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!();
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: main
