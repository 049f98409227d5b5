//! The guide's listings of the book's functions stay the book's size: a
//! Rust listing that stands beside a function of the chapter's programs
//! has at most 1.5 times that function's code lines, so a reader can hold
//! the two side by side. What the book does not do (tuning, limits,
//! Ctrl-C) hides behind one named call rather than growing the listing.
//!
//! Code lines are the lines that are neither blank nor only a comment
//! (`#` in Python; `//`, `///` and the anchors in Rust), the function's
//! signature and closing brace included. CI has no copy of the book, so
//! the book's counts are written in [`BOOK`]; each names the file and the
//! function it was counted from in fluentpython/example-code-2e.

use std::path::Path;

/// `(Rust file, anchor, book file under 20-executors/, book function,
/// its code lines)`: every listing of a book function the guide shows.
// One row a line: the table reads best unwrapped.
#[rustfmt::skip]
const BOOK: &[(&str, &str, &str, &str, usize)] = &[
    ("flags_sequential/src/flags.rs", "get_flag", "getflags/flags.py", "get_flag", 6),
    ("flags_sequential/src/flags.rs", "download_many", "getflags/flags.py", "download_many", 6),
    ("flags_common/src/lib.rs", "main", "getflags/flags2_common.py", "main", 9),
    ("flags_sequential/src/lib.rs", "download_one", "getflags/flags2_sequential.py", "download_one", 17),
    ("flags_sequential/src/lib.rs", "download_many", "getflags/flags2_sequential.py", "download_many", 26),
    ("flags_threadpool/src/lib.rs", "download_many", "getflags/flags2_threadpool.py", "download_many", 33),
    ("flags_asyncio/src/lib.rs", "download_one", "getflags/flags2_asyncio.py", "download_one", 22),
    ("flags_asyncio/src/lib.rs", "supervisor", "getflags/flags2_asyncio.py", "supervisor", 35),
    ("flags_asyncio/src/lib.rs", "download_many", "getflags/flags2_asyncio.py", "download_many", 7),
    ("flags_asyncio/examples/flags_asyncio.rs", "download_one", "getflags/flags_asyncio.py", "download_one", 5),
    ("flags_asyncio/examples/flags_asyncio.rs", "get_flag", "getflags/flags_asyncio.py", "get_flag", 5),
    ("flags_asyncio/examples/flags_asyncio.rs", "download_many", "getflags/flags_asyncio.py", "download_many", 2),
    ("flags_asyncio/examples/flags_asyncio.rs", "supervisor", "getflags/flags_asyncio.py", "supervisor", 6),
    ("flags_asyncio/examples/flags2_asyncio_executor.rs", "download_one", "getflags/flags2_asyncio_executor.py", "download_one", 24),
    ("flags_asyncio/examples/flags3_asyncio/main.rs", "get_country", "getflags/flags3_asyncio.py", "get_country", 8),
    ("flags_asyncio/examples/flags3_asyncio/main.rs", "download_one", "getflags/flags3_asyncio.py", "download_one", 25),
    ("flags_threadpool/examples/flags_threadpool.rs", "download_many", "getflags/flags_threadpool.py", "download_many", 4),
    ("flags_threadpool/examples/flags_processpool.rs", "download_many", "getflags/flags_threadpool.py", "download_many", 4),
    ("flags_threadpool/examples/flags_processpool.rs", "main", "getflags/flags.py", "main", 6),
    ("flags_threadpool/examples/flags_threadpool_futures.rs", "download_many", "getflags/flags_threadpool_futures.py", "download_many", 12),
    ("flags_threadpool/examples/demo_executor_map.rs", "loiter", "demo_executor_map.py", "loiter", 7),
    ("flags_threadpool/examples/demo_executor_map.rs", "main", "demo_executor_map.py", "main", 8),
    ("primes/src/check.rs", "is_prime", "primes/primes.py", "is_prime", 12),
    ("primes/src/check.rs", "check", "primes/proc_pool.py", "check", 4),
];

/// The anchors named for a function of the book: a guide listing with one
/// of these names must be in [`BOOK`].
const BOOK_NAMES: &[&str] = &[
    "get_flag",
    "download_one",
    "download_many",
    "supervisor",
    "main",
    "get_country",
    "loiter",
    "is_prime",
    "check",
];

/// The workspace's root, where `guide/` and the sources are.
fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The lines between `// ANCHOR: name` and `// ANCHOR_END: name` of
/// `source`, as mdBook includes them (other anchors' lines left out), or
/// `None` if there is no such anchor.
fn anchor<'a>(source: &'a str, name: &str) -> Option<Vec<&'a str>> {
    let (start, end) =
        (format!("ANCHOR: {name}"), format!("ANCHOR_END: {name}"));
    let mut lines = source.lines().map(str::trim_end);
    lines.find(|line| line.trim_start().strip_prefix("// ") == Some(&start))?;
    let mut inside = Vec::new();
    for line in lines {
        let comment = line.trim_start().strip_prefix("// ");
        if comment == Some(end.as_str()) {
            return Some(inside);
        }
        if !comment.is_some_and(|c| c.starts_with("ANCHOR")) {
            inside.push(line);
        }
    }
    None
}

/// The code lines of `listing`: neither blank nor only a comment.
fn code_lines(listing: &[&str]) -> usize {
    listing
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .count()
}

/// Every `{{#include ../../FILE:ANCHOR}}` of the guide's pages, as
/// `(page, FILE, ANCHOR)`.
fn guide_includes() -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let dir = root().join("guide/src");
    for entry in std::fs::read_dir(&dir).expect("guide/src lists") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|ext| ext != "md") {
            continue;
        }
        let page = std::fs::read_to_string(&path).expect("the page reads");
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        for include in page.split("{{#include ../../").skip(1) {
            let Some((target, _)) = include.split_once("}}") else { continue };
            if let Some((file, anchor)) = target.split_once(':') {
                let page = name.clone().unwrap_or_default();
                found.push((page, file.to_owned(), anchor.to_owned()));
            }
        }
    }
    found
}

/// Each listing of a book function is at most 1.5 times the book's code
/// lines.
#[test]
fn listings_of_book_functions_are_at_most_one_and_a_half_the_book() {
    let mut over = Vec::new();
    for &(file, name, book_file, book_fn, book_lines) in BOOK {
        let source = std::fs::read_to_string(root().join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let listing = anchor(&source, name)
            .unwrap_or_else(|| panic!("{file} has no anchor {name}"));
        let rust_lines = code_lines(&listing);
        // rust / book <= 1.5, in whole numbers.
        if rust_lines * 2 > book_lines * 3 {
            over.push(format!(
                "{file}:{name}: {rust_lines} code lines, {book_fn} in \
                 {book_file} has {book_lines} (at most {})",
                book_lines * 3 / 2
            ));
        }
    }
    assert!(
        over.is_empty(),
        "listings over 1.5x the book:\n{}",
        over.join("\n")
    );
}

/// Every guide listing named for a book function is measured: a new page
/// that shows one must add its book count to `BOOK`.
#[test]
fn every_guide_listing_of_a_book_function_is_measured() {
    let includes = guide_includes();
    assert!(!includes.is_empty(), "the scan finds the guide's includes");
    let unmeasured: Vec<String> = includes
        .iter()
        .filter(|(_, _, anchor)| BOOK_NAMES.contains(&anchor.as_str()))
        .filter(|(_, file, anchor)| {
            !BOOK.iter().any(|&(f, a, ..)| f == file && a == anchor)
        })
        .map(|(page, file, anchor)| format!("{page}: {file}:{anchor}"))
        .collect();
    assert!(unmeasured.is_empty(), "not in BOOK:\n{}", unmeasured.join("\n"));
}

/// The counting reads an anchor as mdBook does and skips comments.
#[test]
fn code_lines_skip_comments_blanks_and_other_anchors() {
    let source = "// ANCHOR: f\n/// Doc.\nfn f() {\n    // ANCHOR: inner\n\n    \
                  // why\n    g();\n    // ANCHOR_END: inner\n}\n// ANCHOR_END: f\n";
    let listing = anchor(source, "f").expect("the anchor");
    assert_eq!(code_lines(&listing), 3);
    assert_eq!(anchor(source, "missing"), None);
}
