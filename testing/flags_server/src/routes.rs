//! From request path to file: the server's whole URL space, and the
//! boundary that keeps `--directory` from serving anything outside its tree.
//!
//! `python3 -m http.server` (the book's LOCAL) serves every file under the
//! current directory and must clean up `..` and friends itself. This server
//! serves far less, which makes the check simple enough to read in one go:
//! a path is one of exactly three shapes, matched on the raw bytes the
//! client sent, before any decoding,
//!
//! ```text
//! /flags/<cc>/<cc>.gif      /flags/<cc>/metadata.json      /stats
//! ```
//!
//! where `<cc>` is two ASCII letters `a`–`z`. Anything else is 404. So
//! `..`, `%2e%2e`, `%2f`, `%5c`, `\`, NUL, absolute paths and long paths
//! never name a file: they are not two lower-case letters. What is left is
//! a symbolic link inside the tree pointing out of it (`DIR/br` → `/etc`),
//! which [`read_in`] refuses after resolving every link.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What a request path asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/flags/<cc>/<cc>.gif`
    Flag(Code),
    /// `/flags/<cc>/metadata.json`
    Metadata(Code),
    /// `/stats`
    Stats,
    /// Anything else.
    NotFound,
}

/// A country code as it appears in a URL: two ASCII lower-case letters.
/// The only way to make one is [`route`], so holding a `Code` proves the
/// path it came from was well formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code([u8; 2]);

impl Code {
    /// The code in lower case, e.g. `"br"`.
    pub fn as_str(&self) -> &str {
        // Both bytes are b'a'..=b'z', checked in `route`.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

/// Classifies a request path (without its query string).
pub fn route(path: &str) -> Route {
    if path == "/stats" {
        return Route::Stats;
    }
    let Some(rest) = path.strip_prefix("/flags/") else {
        return Route::NotFound;
    };
    let Some((dir, file)) = rest.split_once('/') else {
        return Route::NotFound;
    };
    let Some(code) = parse_code(dir) else {
        return Route::NotFound;
    };
    if file == "metadata.json" {
        Route::Metadata(code)
    } else if file.strip_suffix(".gif") == Some(dir) {
        Route::Flag(code)
    } else {
        Route::NotFound
    }
}

fn parse_code(text: &str) -> Option<Code> {
    match text.as_bytes() {
        &[a, b] if a.is_ascii_lowercase() && b.is_ascii_lowercase() => {
            Some(Code([a, b]))
        }
        _ => None,
    }
}

/// The path of a route's file relative to the served directory, e.g.
/// `br/br.gif`; `None` for routes that are not files.
pub fn relative_path(route: Route) -> Option<PathBuf> {
    match route {
        Route::Flag(cc) => {
            let cc = cc.as_str();
            Some(Path::new(cc).join(format!("{cc}.gif")))
        }
        Route::Metadata(cc) => {
            Some(Path::new(cc.as_str()).join("metadata.json"))
        }
        Route::Stats | Route::NotFound => None,
    }
}

/// Files larger than this are refused: a flag is a few KB, and a server
/// that reads whole files into memory must not read a huge one.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Reads the route's file from `root`, which must already be canonical
/// (`std::fs::canonicalize`). `Ok(None)` means "answer 404": no such file,
/// not a regular file, or a path that resolves outside `root` through a
/// symbolic link. Blocking; the server calls it on tokio's blocking pool.
///
/// Between resolving the links and opening the file, someone who can write
/// to the tree could swap a link in; the tree is the operator's own, so
/// that race is out of scope, as it is for `python3 -m http.server`.
pub fn read_in(root: &Path, route: Route) -> io::Result<Option<Vec<u8>>> {
    let Some(relative) = relative_path(route) else {
        return Ok(None);
    };
    let real = match root.join(relative).canonicalize() {
        Ok(real) => real,
        Err(e) if is_absent(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    if !real.starts_with(root) {
        tracing::warn!(path = %real.display(), "refused: outside the directory");
        return Ok(None);
    }
    let file = match File::open(&real) {
        Ok(file) => file,
        Err(e) if is_absent(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(io::Error::other(format!(
            "{} is larger than {MAX_FILE_SIZE} bytes",
            real.display()
        )));
    }
    let mut data = Vec::with_capacity(meta.len() as usize);
    // `take` guards against a file that grows after the size check.
    file.take(MAX_FILE_SIZE).read_to_end(&mut data)?;
    Ok(Some(data))
}

/// Errors that mean "there is no such file here" rather than a fault.
fn is_absent(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound
            | io::ErrorKind::NotADirectory
            | io::ErrorKind::PermissionDenied
    ) || is_symlink_loop(e)
}

/// ELOOP: a loop of symbolic links, whose number differs between Unixes
/// (40 on Linux, 62 on macOS and the BSDs), hence libc's constant. std has
/// no stable `ErrorKind` for it yet.
#[cfg(unix)]
fn is_symlink_loop(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// Windows reports a loop of links as ERROR_CANT_RESOLVE_FILENAME.
#[cfg(windows)]
fn is_symlink_loop(e: &io::Error) -> bool {
    e.raw_os_error() == Some(1921)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The three shapes of path are recognised, and near misses are not.
    #[test]
    fn routes_exact_shapes_only() {
        let br = Code(*b"br");
        assert_eq!(route("/flags/br/br.gif"), Route::Flag(br));
        assert_eq!(route("/flags/br/metadata.json"), Route::Metadata(br));
        assert_eq!(route("/stats"), Route::Stats);
        for bad in [
            "/flags/br/jp.gif",
            "/flags/BR/BR.gif",
            "/flags/br/br.gif/",
            "/flags//br/br.gif",
            "/flags/b/b.gif",
            "/flags/bra/bra.gif",
            "/flags/../br/br.gif",
            "/flags/%2e%2e/metadata.json",
            "/flags/br/..%2fbr.gif",
            "/flags/br/metadata.json/..",
            "/flags/br\\br.gif",
            "/stats/",
            "/",
            "",
        ] {
            assert_eq!(route(bad), Route::NotFound, "{bad}");
        }
    }

    proptest! {
        /// Whatever the path, a route to a file names exactly
        /// `<cc>/<cc>.gif` or `<cc>/metadata.json` with `cc` in a–z: no
        /// `..`, separator, escape or NUL can reach the file system.
        #[test]
        fn any_path_maps_inside_the_tree(path in any::<String>()) {
            check_relative(&path);
        }

        /// The same, for paths built from the pieces attackers use.
        #[test]
        fn hostile_paths_map_inside_the_tree(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("/"), Just(".."), Just("."), Just("%2e"),
                    Just("%2f"), Just("%5c"), Just("\\"), Just("\0"),
                    Just("flags"), Just("br"), Just("br.gif"),
                    Just("metadata.json"), Just("//"), Just("etc/passwd"),
                ],
                0..12,
            )
        ) {
            check_relative(&parts.concat());
        }
    }

    fn check_relative(path: &str) {
        let Some(relative) = relative_path(route(path)) else {
            return;
        };
        let text = relative.to_str().unwrap();
        let (dir, file) = text.split_once('/').unwrap();
        assert_eq!(dir.len(), 2);
        assert!(dir.bytes().all(|b| b.is_ascii_lowercase()));
        assert!(file == "metadata.json" || file == format!("{dir}.gif"));
        // And the route round-trips: the path was exactly the canonical one.
        assert_eq!(path, format!("/flags/{text}"));
    }
}
