//! The progress bar: the book wraps its iterator in `tqdm.tqdm(...)`; here
//! `download_many` ticks an indicatif bar once per finished code.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar for `len` codes on stderr, drawn in tqdm's spirit:
/// `100%|█████| 20/20 [00:09<00:00, 2.09it/s]`.
///
/// Hidden with `-v` (the per-code lines replace it, as in the book) and
/// when stderr is not a terminal, so logs and pipes stay clean.
pub fn progress_bar(len: usize, verbose: bool) -> ProgressBar {
    let target = if verbose || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let style = ProgressStyle::with_template(
        "{percent:>3}%|{wide_bar}| {pos}/{len} [{elapsed}<{eta}, {per_sec}]",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("█▉▊▋▌▍▎▏ ");
    ProgressBar::with_draw_target(Some(len as u64), target).with_style(style)
}
