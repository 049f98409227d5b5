//! Runs every ```` ```console ```` sample of the README and of the guide
//! (`guide/src/*.md`), the pages that show the chapter's programs, and
//! compares what each program prints with what the page shows.
//!
//! Each command runs as the reader would run it, with two differences the
//! pages say once: the already-built binary stands in for `cargo run`, and
//! the servers are in-process ones on free ports (`TestServer`, with
//! millisecond delays and a fixed seed) that `FLAGS_LOCAL_URL`,
//! `FLAGS_DELAY_URL`, `FLAGS_ERROR_URL` and `FLAGS_BASE_URL` point the
//! programs at. Each block gets a fresh server and an empty working
//! directory, so a block's `ls downloaded` shows what its runs saved.
//!
//! The samples hold whatever the open-file limit: where a hard limit
//! (`ulimit -n 1024`) cannot hold the connections a sample shows, the
//! client uses fewer and says so, and the sample is compared with that
//! number and that notice (`samples::as_on_this_machine`).

use std::path::{Path, PathBuf};
use std::process::Command;

use flags_server::{Config, Kind, TestServer};
use flags_testkit::cargo::{binary, example};
use flags_testkit::client::Scratch;
use samples::{Block, Invocation, as_on_this_machine, blocks, compare};

/// The workspace's root, where the README and `guide/` are.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs one sample's command in `cwd` against `server`; returns what it
/// printed, stdout then stderr.
fn run(invocation: &Invocation, server: &TestServer, cwd: &Path) -> String {
    let (env, package, example_name, args) = match invocation {
        Invocation::List(dir) => {
            let mut names: Vec<String> = std::fs::read_dir(cwd.join(dir))
                .expect("the directory the sample lists")
                .map(|entry| {
                    let entry = entry.expect("a directory entry");
                    entry.file_name().to_string_lossy().into_owned()
                })
                .collect();
            names.sort();
            return names.iter().map(|name| format!("{name}\n")).collect();
        }
        Invocation::Run { env, package, example, args } => {
            (env, package, example, args)
        }
    };
    let exe = match example_name {
        Some(name) => example(package, name),
        None => binary(package),
    };
    let local = server.base_url(Kind::Local);
    let output = Command::new(exe)
        .args(args)
        .current_dir(cwd)
        .env("FLAGS_LOCAL_URL", &local)
        .env("FLAGS_DELAY_URL", server.base_url(Kind::Delay))
        .env("FLAGS_ERROR_URL", server.base_url(Kind::Error))
        .env("FLAGS_BASE_URL", &local)
        .envs(env.iter().map(|(k, v)| (k, v)))
        // Tracing events would mix with the lines the page shows.
        .env_remove("RUST_LOG")
        .output()
        .expect("the sample's program runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    format!("{stdout}{stderr}")
}

/// This process's hard open-file limit, which the programs it starts
/// inherit; `None` where there is none (Windows) or it cannot be read.
fn hard_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rlimit::getrlimit(rlimit::Resource::NOFILE).ok().map(|(_, hard)| hard)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Runs every block of the page at `relative`; returns one message per
/// sample whose run differs from the page.
fn check_page(relative: &str) -> Vec<String> {
    let path = root().join(relative);
    let page = std::fs::read_to_string(&path).expect("the page reads");
    let mut failures = Vec::new();
    for Block { line, any_order, samples } in blocks(&page) {
        let server = TestServer::start(Config::fast()).expect("servers start");
        let cwd = Scratch::new();
        for sample in samples {
            let invocation = match Invocation::parse(&sample.command) {
                Ok(invocation) => invocation,
                Err(error) => {
                    failures.push(format!("{relative}:{line}: {error}"));
                    continue;
                }
            };
            let actual = run(&invocation, &server, cwd.path());
            let expected =
                as_on_this_machine(&sample.expected, &actual, hard_limit());
            if let Err(diff) = compare(&expected, &actual, any_order) {
                failures.push(format!(
                    "{relative}:{line}: $ {}\n{diff}",
                    sample.command
                ));
            }
        }
    }
    failures
}

/// Fails with every differing sample of `pages`, or if they hold none.
fn assert_pages_match(pages: &[String]) {
    let mut failures = Vec::new();
    let mut count = 0;
    for page in pages {
        let text = std::fs::read_to_string(root().join(page)).expect("reads");
        count += blocks(&text).len();
        failures.extend(check_page(page));
    }
    assert!(count > 0, "no console samples in {pages:?}");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every console sample of the README prints what the README shows.
#[test]
fn readme_samples_match_their_runs() {
    assert_pages_match(&["README.md".to_owned()]);
}

/// Every console sample of the guide prints what its page shows.
#[test]
fn guide_samples_match_their_runs() {
    // The guide is written page by page; until its first page, none.
    if !root().join("guide/src").is_dir() {
        return;
    }
    let mut pages: Vec<String> = std::fs::read_dir(root().join("guide/src"))
        .expect("guide/src lists")
        .map(|entry| entry.expect("an entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("guide/src/{name}"))
        .collect();
    pages.sort();
    assert_pages_match(&pages);
}
