//! The chapter's asyncio programs as their example binaries:
//! `flags_asyncio.py` and `flags3_asyncio.py`, checked by what they print
//! and save, including that a hostile country name in `metadata.json`
//! never makes `flags3_asyncio` write outside its destination.
//!
//! Each run downloads from a `flags_server::TestServer` on port 0, in an
//! empty directory of its own: `flags_asyncio` finds it through
//! `FLAGS_BASE_URL`, `flags3_asyncio` through `-s URL`, as the flags2
//! clients do.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, PoisonError};

use flags_server::{Config, Kind, TestServer, corpus};

// The sanitizer of `flags3_asyncio`, for its unit tests: `cargo test` does
// not run tests inside examples. The tests below run the binary instead.
#[allow(dead_code)]
#[path = "../examples/flags3_asyncio/safe_name.rs"]
mod safe_name;

/// The 20 codes of `flags.py`, sorted.
const POP20_SORTED: [&str; 20] = [
    "BD", "BR", "CD", "CN", "DE", "EG", "ET", "FR", "ID", "IN", "IR", "JP",
    "MX", "NG", "PH", "PK", "RU", "TR", "US", "VN",
];

/// The example binary `name` of this package. `cargo test` builds the
/// examples into `target/<profile>/examples/`, beside the `deps/` folder
/// this test runs from; `cargo test --test examples` builds none, so a
/// missing one is built here (one that exists is trusted to be current).
fn example(name: &str) -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test_exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary is in target/<profile>/deps");
    let exe = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let path = profile_dir.join("examples").join(exe);
    // One build at a time: tests run in parallel, and the second one to
    // find the binary missing should find it built instead.
    static BUILDING: Mutex<()> = Mutex::new(());
    let _building = BUILDING.lock().unwrap_or_else(PoisonError::into_inner);
    if !path.exists() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "-p", env!("CARGO_PKG_NAME"), "--example", name]);
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        // Cargo gave this test its package's CARGO_PKG_NAME, OUT_DIR...;
        // some build scripts (ring's) rebuild when those change, so the
        // inner cargo must not see them, or every build after it would
        // rebuild them back.
        for (key, _) in std::env::vars_os() {
            let key_str = key.to_string_lossy();
            if key_str.starts_with("CARGO_PKG_")
                || key_str.starts_with("CARGO_MANIFEST_")
                || ["CARGO_CRATE_NAME", "CARGO_PRIMARY_PACKAGE", "OUT_DIR"]
                    .contains(&&*key_str)
            {
                build.env_remove(&key);
            }
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "cargo build --example {name} failed");
    }
    path
}

/// Runs example `name` in `cwd`, downloading from `server`'s LOCAL.
fn run_flags_example(name: &str, server: &TestServer, cwd: &Path) -> String {
    let output = Command::new(example(name))
        .current_dir(cwd)
        .env("FLAGS_BASE_URL", server.base_url(Kind::Local))
        .env_remove("RUST_LOG")
        .output()
        .expect("the example runs");
    stdout_of_success(output)
}

fn stdout_of_success(output: Output) -> String {
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    stdout
}

fn start_server() -> TestServer {
    TestServer::start(Config::fast()).expect("the test server starts")
}

/// Checks that `cwd/downloaded` holds exactly the flags of `codes`, each
/// byte for byte the server's.
fn assert_saved(cwd: &Path, codes: &[&str]) {
    let dest = cwd.join("downloaded");
    let mut names: Vec<String> = std::fs::read_dir(&dest)
        .expect("downloaded/ exists")
        .map(|entry| entry.expect("an entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected: Vec<String> =
        codes.iter().map(|cc| format!("{cc}.gif")).collect();
    assert_eq!(names, expected);
    for cc in codes {
        let saved =
            std::fs::read(dest.join(format!("{cc}.gif"))).expect("read");
        let served = corpus::flag_gif(cc).expect("a corpus flag");
        assert!(saved == served[..], "{cc}.gif differs from the server's");
    }
}

/// Checks the `flags.py` output: one line of codes, each once, then
/// `20 downloads in N.NNs`.
fn assert_twenty_codes_then_count(stdout: &str) {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let mut codes: Vec<&str> = lines[0].split_whitespace().collect();
    codes.sort();
    assert_eq!(codes, POP20_SORTED);
    assert!(lines[1].starts_with("20 downloads in "), "{stdout}");
    assert!(lines[1].ends_with('s'), "{stdout}");
}

/// `flags_asyncio` saves the 20 flags and prints each code once.
#[test]
fn flags_asyncio_downloads_the_20_flags() {
    let server = start_server();
    let cwd = tempfile::tempdir().expect("a temporary directory");
    let stdout = run_flags_example("flags_asyncio", &server, cwd.path());
    assert_twenty_codes_then_count(&stdout);
    assert_saved(cwd.path(), &POP20_SORTED);
}

/// Runs `flags3_asyncio -s URL ARGS...` in `cwd`.
fn run_flags3(base_url: &str, cwd: &Path, args: &[&str]) -> String {
    let output = Command::new(example("flags3_asyncio"))
        .args(["-s", base_url])
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .output()
        .expect("the example runs");
    stdout_of_success(output)
}

/// The names of the files in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the directory exists")
        .map(|entry| entry.expect("an entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `flags3_asyncio` saves each flag as `{country}.gif`, spaces as
/// underscores, and counts a code the server lacks as not found.
#[test]
fn flags3_asyncio_saves_each_flag_under_its_country_name() {
    let server = start_server();
    let cwd = tempfile::tempdir().expect("a temporary directory");
    let base_url = server.base_url(Kind::Local);
    let stdout =
        run_flags3(&base_url, cwd.path(), &["-v", "BR", "CI", "US", "ZZ"]);
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
    let outer = tempfile::tempdir().expect("a temporary directory");
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
    let stdout = run_flags3(&server.base_url(Kind::Local), &cwd, &codes);
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
