//! A pseudo-terminal for tests that need a binary to believe its stderr is
//! a person's terminal (colours are only for terminals), while the test
//! reads every byte it wrote there. The clients' colour tests and
//! `flags_server`'s use it, with [`assert_colours`] for what they check.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::thread::JoinHandle;

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

/// The terminal end to hand to a child as its stderr, and a thread that
/// collects what the child writes to it.
pub struct Pty {
    terminal: File,
    reader: JoinHandle<Vec<u8>>,
}

impl Pty {
    /// A new pseudo-terminal, with a thread already reading its output.
    pub fn open() -> Pty {
        let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY)
            .expect("a pseudo-terminal");
        grantpt(&controller).expect("grantpt");
        unlockpt(&controller).expect("unlockpt");
        let name = ptsname(&controller, Vec::new()).expect("ptsname");
        let path = std::ffi::OsStr::from_bytes(name.as_bytes());
        let terminal = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .expect("the terminal end opens");
        // Read while the child runs, so a full buffer never blocks it.
        let reader = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            // Once every copy of the terminal end is closed, Linux answers
            // EIO rather than end of file; what came before is kept.
            let _ = File::from(controller).read_to_end(&mut bytes);
            bytes
        });
        Pty { terminal, reader }
    }

    /// The terminal end as a child's stdio (stderr, say).
    pub fn stdio(&self) -> std::process::Stdio {
        self.terminal.try_clone().expect("a copy of the terminal").into()
    }

    /// Everything written to the terminal. Call once the child has exited
    /// and every copy of `terminal` (the `Command` holds one) is dropped.
    pub fn output(self) -> Vec<u8> {
        drop(self.terminal);
        self.reader.join().expect("the reader thread")
    }
}

/// What the colour tests check of a `log` written to a terminal: it holds
/// `event` (so something was logged), with colours (escape sequences) or
/// without, as `coloured` says.
pub fn assert_colours(log: &str, event: &str, coloured: bool) {
    assert!(log.contains(event), "{log:?}");
    assert_eq!(log.contains('\x1b'), coloured, "{log:?}");
}
