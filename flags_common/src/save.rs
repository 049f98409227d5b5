//! Saving a flag: `save_flag` of `flags2_common.py`, made atomic.
//!
//! The book writes the bytes straight to `DEST_DIR / filename`, so a run
//! interrupted mid-write leaves a truncated image. Here the bytes go to a
//! hidden temporary file in the same directory, which is then renamed over
//! the final name: a rename within one file system is atomic, so the file
//! is either absent or complete, and the temporary file is removed if
//! anything fails before the rename.

use std::io::{self, Write};
use std::path::Path;

use crate::FlagError;

/// Writes `img` to `dest/filename`, atomically.
///
/// `filename` must be one plain file name: `dest.join` would follow a `..`
/// or an absolute path out of `dest`, and `flags3_asyncio` builds names
/// from what a server sends.
pub fn save_flag(
    img: &[u8],
    dest: &Path,
    filename: &str,
) -> Result<(), FlagError> {
    let path = dest.join(filename);
    if !is_plain_file_name(filename) {
        return Err(FlagError::Save {
            path,
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a plain file name",
            ),
        });
    }
    let write = || -> io::Result<()> {
        let prefix = format!(".{filename}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".part");
        // A temporary file is private (0600); the flag should get the usual
        // mode of a new file (0666 less the umask), as the book's
        // `write_bytes` gives it.
        #[cfg(unix)]
        builder
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut file = builder.tempfile_in(dest)?;
        file.write_all(img)?;
        file.persist(&path).map_err(|error| error.error)?;
        Ok(())
    };
    write().map_err(|source| FlagError::Save { path: path.clone(), source })
}

/// One normal path component: no separator, not `.` or `..`, not empty.
fn is_plain_file_name(filename: &str) -> bool {
    use std::path::Component;
    let mut components = Path::new(filename).components();
    matches!(
        (components.next(), components.next()),
        (Some(Component::Normal(name)), None) if name == filename
    )
}

/// Creates the destination directory if needed and checks that files can be
/// created in it, so a bad `--dest` fails once, before any request, instead
/// of once per flag.
pub fn prepare_dest(dest: &Path) -> io::Result<()> {
    if dest.exists() && !dest.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "it exists and is not a directory",
        ));
    }
    std::fs::create_dir_all(dest)?;
    tempfile::Builder::new().prefix(".probe.").tempfile_in(dest)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                entry.unwrap().file_name().to_string_lossy().into_owned()
            })
            .collect();
        names.sort();
        names
    }

    /// The saved file holds exactly the bytes, and no temporary file stays.
    #[test]
    fn save_flag_leaves_only_the_complete_file() {
        let dir = tempfile::tempdir().unwrap();
        save_flag(b"GIF89a...", dir.path(), "BR.gif").unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("BR.gif")).unwrap(),
            b"GIF89a..."
        );
        assert_eq!(names(dir.path()), ["BR.gif"]);
    }

    /// A name that is not one plain file name is refused, and nothing is
    /// written anywhere.
    #[test]
    fn save_flag_refuses_names_that_leave_the_destination() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("dest");
        std::fs::create_dir(&dest).unwrap();
        let outside = dir.path().join("escape.gif");
        for name in
            ["../escape.gif", "/tmp/escape.gif", "a/b.gif", "..", ".", "", "x/"]
        {
            let error = save_flag(b"GIF", &dest, name).unwrap_err();
            assert!(
                error.to_string().contains("not a plain file name"),
                "{name:?}"
            );
        }
        assert!(!outside.exists());
        assert_eq!(names(&dest), Vec::<String>::new());
    }

    /// Saving over an existing flag replaces it whole.
    #[test]
    fn save_flag_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        save_flag(b"old and longer", dir.path(), "BR.gif").unwrap();
        save_flag(b"new", dir.path(), "BR.gif").unwrap();
        assert_eq!(std::fs::read(dir.path().join("BR.gif")).unwrap(), b"new");
    }

    /// A destination that is a file is refused before anything is written.
    #[test]
    fn prepare_dest_refuses_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"").unwrap();
        assert!(prepare_dest(&file).is_err());
        assert!(prepare_dest(&dir.path().join("new/nested")).is_ok());
        assert_eq!(names(&dir.path().join("new/nested")), Vec::<String>::new());
    }
}
