//! The chapter's asyncio programs as their example binaries:
//! `flags_asyncio.py`, `flags3_asyncio.py` and
//! `flags2_asyncio_executor.py`, checked by what they print and save,
//! including that a hostile country name in `metadata.json` never makes
//! `flags3_asyncio` write outside its destination, and that each ends
//! quietly when its reader has gone (`| head`).
//!
//! Each run downloads from a `flags_server::TestServer` on port 0, in an
//! empty directory of its own: `flags_asyncio` finds it through
//! `FLAGS_BASE_URL`, the others through `-s URL`, as the flags2 clients do.

use std::path::{Path, PathBuf};

use flags_server::{Config, Kind, TestServer, corpus};
use flags_testkit::client::{Scratch, assert_saved_exactly, file_names};
#[cfg(unix)]
use flags_testkit::examples::{assert_ends_quietly_on_a_closed_pipe, no_args};
use flags_testkit::examples::{
    example, expect_twenty_flags, run_example, start_server,
};

/// This package, whose examples these are.
const PACKAGE: &str = env!("CARGO_PKG_NAME");

// The sanitizer of `flags3_asyncio`, for its unit tests: `cargo test` does
// not run tests inside examples. The tests below run the binary instead.
#[allow(dead_code)]
#[path = "../examples/flags3_asyncio/safe_name.rs"]
mod safe_name;

/// `flags_asyncio` saves the 20 flags and prints each code once.
#[test]
fn flags_asyncio_downloads_the_20_flags() {
    expect_twenty_flags(PACKAGE, "flags_asyncio");
}

/// Runs the flags2-style example `name` as `name -s URL ARGS...` in `cwd`.
fn run_against(
    name: &str,
    base_url: &str,
    cwd: &Path,
    args: &[&str],
) -> String {
    let mut all_args = vec!["-s", base_url];
    all_args.extend_from_slice(args);
    run_example(PACKAGE, name, cwd, &all_args, &[])
}

/// Runs `name ARGS...` against a LOCAL server of its own, in a fresh
/// directory: that directory, and what the example printed.
fn run_on_local(name: &str, args: &[&str]) -> (Scratch, String) {
    let server = start_server();
    let cwd = Scratch::new();
    let base_url = server.base_url(Kind::Local);
    let stdout = run_against(name, &base_url, cwd.path(), args);
    (cwd, stdout)
}

/// `flags3_asyncio` saves each flag as `{country}.gif`, spaces as
/// underscores, and counts a code the server lacks as not found.
#[test]
fn flags3_asyncio_saves_each_flag_under_its_country_name() {
    let (cwd, stdout) =
        run_on_local("flags3_asyncio", &["-v", "BR", "CI", "US", "ZZ"]);
    assert!(stdout.contains("\nBR OK\n"), "{stdout}");
    assert!(stdout.contains("ZZ not found: "), "{stdout}");
    assert!(stdout.contains("  3 flags downloaded.\n"), "{stdout}");
    assert!(stdout.contains("  1 not found.\n"), "{stdout}");

    let dest = cwd.path().join("downloaded");
    let mut expected = Vec::new();
    for cc in ["BR", "CI", "US"] {
        // These three names need no change beyond the book's own.
        let country = corpus::country_name(cc).expect("a corpus country");
        let name = format!("{}.gif", country.replace(' ', "_"));
        let saved = std::fs::read(dest.join(&name)).expect("the flag is saved");
        let served = corpus::flag_gif(cc).expect("a corpus flag");
        assert!(saved == served[..], "{name} differs from the server's");
        expected.push(name);
    }
    expected.sort();
    assert_eq!(file_names(&dest), expected);
}

/// The 15 codes whose name in the book's `metadata.json` is not the common
/// short name, and the file the book's `flags3_asyncio.py` saves for each
/// (`country.replace(' ', '_')`, commas and parentheses kept).
const BOOK_FILE_NAMES: [(&str, &str); 15] = [
    ("BN", "Brunei_Darussalam.gif"),
    ("CD", "Congo_(Kinshasa).gif"),
    ("CG", "Congo_(Brazzaville).gif"),
    ("CV", "Cape_Verde.gif"),
    ("CZ", "Czech_Republic.gif"),
    ("KP", "Korea,_North.gif"),
    ("KR", "Korea,_South.gif"),
    ("MK", "Macedonia.gif"),
    ("MM", "Myanmar.gif"),
    ("RU", "Russian_Federation.gif"),
    ("ST", "Sao_Tome_and_Principe.gif"),
    ("SZ", "Swaziland.gif"),
    ("US", "United_States_of_America.gif"),
    ("VA", "Vatican_City.gif"),
    ("VC", "Grenadines.gif"),
];

/// `flags3_asyncio` saves the 15 codes the book names unusually under the
/// book's file names (`Korea,_North.gif`, `Congo_(Kinshasa).gif`...), each
/// byte for byte as served.
#[test]
fn flags3_asyncio_saves_the_books_file_names() {
    let codes: Vec<&str> = BOOK_FILE_NAMES.iter().map(|&(cc, _)| cc).collect();
    let (cwd, stdout) = run_on_local("flags3_asyncio", &codes);
    assert!(stdout.contains(" 15 flags downloaded.\n"), "{stdout}");

    let dest = cwd.path().join("downloaded");
    let mut expected: Vec<String> =
        BOOK_FILE_NAMES.iter().map(|&(_, name)| name.to_owned()).collect();
    expected.sort();
    assert_eq!(file_names(&dest), expected);
    for (cc, name) in BOOK_FILE_NAMES {
        let saved = std::fs::read(dest.join(name)).expect("the flag is saved");
        let served = corpus::flag_gif(cc).expect("a corpus flag");
        assert!(saved == served[..], "{name} differs from the {cc} served");
    }
}

/// Every file under `dir`, as paths relative to `root`.
fn walk(root: &Path, dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            walk(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under the root");
            files.push(relative.to_owned());
        }
    }
}

/// Country names that try to leave the destination (`../`, absolute
/// paths, backslashes, NUL, `..`, empty, 300 bytes) are saved as plain
/// files inside it, and nothing is written anywhere else.
#[test]
fn flags3_asyncio_never_writes_outside_the_destination() {
    // outer/tree is what the server serves; the client runs in outer/a/b,
    // so `../../x` from its destination would land in outer/a.
    let outer = Scratch::new();
    let (tree, cwd) = (outer.path().join("tree"), outer.path().join("a/b"));
    std::fs::create_dir_all(&cwd).expect("mkdir");
    let absolute = outer.path().join("absolute");
    let absolute = absolute.to_str().expect("a UTF-8 temporary path");
    let long = "x".repeat(300);
    // (code, country in metadata.json, the file it must be saved as)
    let hostile: Vec<(&str, &str, String)> = vec![
        ("AA", "../escape", "_escape.gif".into()),
        ("AB", "../../escape", "_.._escape.gif".into()),
        ("AC", absolute, format!("{}.gif", absolute.replace('/', "_"))),
        ("AD", "..", "AD.gif".into()),
        ("AE", "", "AE.gif".into()),
        ("AF", "a\0b/../c", "a_b_.._c.gif".into()),
        ("AG", "..\\..\\windows", "_.._windows.gif".into()),
        ("AH", &long, format!("{}.gif", "x".repeat(100))),
        ("AI", ".hidden", "hidden.gif".into()),
        ("AJ", "/", "_.gif".into()),
    ];
    let gif = corpus::flag_gif("BR").expect("a corpus flag");
    for (cc, country, _) in &hostile {
        let dir = tree.join(cc.to_lowercase());
        std::fs::create_dir_all(&dir).expect("mkdir");
        let cc_lower = cc.to_lowercase();
        std::fs::write(dir.join(format!("{cc_lower}.gif")), &gif)
            .expect("write");
        let metadata = serde_json::json!({ "iso_cc": cc, "country": country });
        std::fs::write(dir.join("metadata.json"), metadata.to_string())
            .expect("write");
    }
    let config = Config { directory: Some(tree.clone()), ..Config::fast() };
    let server = TestServer::start(config).expect("the test server starts");

    let codes: Vec<&str> = hostile.iter().map(|&(cc, _, _)| cc).collect();
    let stdout = run_against(
        "flags3_asyncio",
        &server.base_url(Kind::Local),
        &cwd,
        &codes,
    );
    // The point of the test first: nothing anywhere under `outer` but
    // the served tree and the flags.
    let mut files = Vec::new();
    walk(outer.path(), outer.path(), &mut files);
    let strays: Vec<&PathBuf> = files
        .iter()
        .filter(|file| {
            !file.starts_with("tree") && !file.starts_with("a/b/downloaded")
        })
        .collect();
    assert!(strays.is_empty(), "written outside: {strays:?}");
    assert!(stdout.contains(" 10 flags downloaded.\n"), "{stdout}");

    let mut expected: Vec<String> =
        hostile.iter().map(|(_, _, name)| name.clone()).collect();
    expected.sort();
    let dest = cwd.join("downloaded");
    assert_eq!(file_names(&dest), expected);
    for name in &expected {
        assert!(std::fs::read(dest.join(name)).expect("read") == gif[..]);
    }
}

/// `flags2_asyncio_executor` reports each code and counts a missing one as
/// not found, as the flags2 clients do.
#[test]
fn executor_example_reports_each_code() {
    let (cwd, stdout) =
        run_on_local("flags2_asyncio_executor", &["-v", "BR", "ZZ"]);
    assert!(stdout.contains("\nBR OK\n"), "{stdout}");
    assert!(stdout.contains("\nZZ not found: "), "{stdout}");
    assert!(stdout.contains("  1 flag downloaded.\n"), "{stdout}");
    assert!(stdout.contains("  1 not found.\n"), "{stdout}");
    assert_saved_exactly(&cwd.path().join("downloaded"), &["BR"]);
}

/// Its saves are not awaited by the downloads, yet all 194 flags of `-a`
/// are on disk, byte for byte, when it exits: the end of the run waits for
/// the blocking pool, as `asyncio.run` waits for its executor.
#[test]
fn executor_example_saves_every_flag_before_it_exits() {
    let (cwd, stdout) =
        run_on_local("flags2_asyncio_executor", &["-a", "-m", "20"]);
    assert!(stdout.contains("194 flags downloaded.\n"), "{stdout}");
    let codes: Vec<&str> = corpus::codes().collect();
    assert_saved_exactly(&cwd.path().join("downloaded"), &codes);
}

/// A save that fails (`BR.gif` is a directory already) does not change
/// the count, as the book's unawaited `run_in_executor` future does not:
/// BR is counted OK, and the failure is told on stderr at the end.
#[test]
fn executor_example_counts_a_failed_save_as_ok() {
    let server = start_server();
    let cwd = Scratch::new();
    std::fs::create_dir_all(cwd.path().join("downloaded/BR.gif"))
        .expect("mkdir");
    let output =
        std::process::Command::new(example(PACKAGE, "flags2_asyncio_executor"))
            .args(["-s", &server.base_url(Kind::Local), "BR"])
            .current_dir(cwd.path())
            .env_remove("RUST_LOG")
            .output()
            .expect("the example runs");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("  1 flag downloaded.\n"), "{stdout}");
    assert!(!stdout.contains("error"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot save "), "{stderr}");
    assert!(stderr.contains("BR.gif"), "{stderr}");
}

/// The arguments of a flags2-like example: the server, and one code.
#[cfg(unix)]
fn flags2_args(base_url: &str) -> Vec<String> {
    ["-s", base_url, "BR"].map(str::to_owned).to_vec()
}

/// `flags_asyncio` ends quietly when its reader has gone.
#[cfg(unix)]
#[test]
fn flags_asyncio_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(PACKAGE, "flags_asyncio", no_args);
}

/// `flags3_asyncio` ends quietly when its reader has gone.
#[cfg(unix)]
#[test]
fn flags3_asyncio_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(
        PACKAGE,
        "flags3_asyncio",
        flags2_args,
    );
}

/// `flags2_asyncio_executor` ends quietly when its reader has gone.
#[cfg(unix)]
#[test]
fn executor_example_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(
        PACKAGE,
        "flags2_asyncio_executor",
        flags2_args,
    );
}
