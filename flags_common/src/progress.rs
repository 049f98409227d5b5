//! The progress bar: the book wraps its iterator in `tqdm.tqdm(...)`; here
//! `download_many` ticks an indicatif bar once per finished code.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{
    ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle,
};

/// A bar for `len` codes on stderr, drawn as tqdm draws it:
/// ` 45%|█████████▊            | 9/20 [00:02<00:02,  4.96it/s]`.
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
        "{percent:>3}%|{wide_bar}| {pos}/{len} [{clock}<{eta_clock}, {rate}]",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    // tqdm's `[00:09<00:00, 2.09it/s]`: indicatif's own `{elapsed}` and
    // `{per_sec}` would print `9s` and `2.0912/s`.
    .with_key(
        "clock",
        |state: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = out.write_str(&minutes_seconds(state.elapsed()));
        },
    )
    .with_key(
        "eta_clock",
        |state: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = out.write_str(&minutes_seconds(state.eta()));
        },
    )
    .with_key("rate", |state: &ProgressState, out: &mut dyn std::fmt::Write| {
        let _ = write!(out, "{:5.2}it/s", state.per_sec());
    })
    .progress_chars("█▉▊▋▌▍▎▏ ");
    ProgressBar::with_draw_target(Some(len as u64), target).with_style(style)
}

/// `mm:ss`, as tqdm shows times under an hour.
fn minutes_seconds(duration: Duration) -> String {
    let seconds = duration.as_secs();
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Times read as tqdm's `mm:ss`.
    #[test]
    fn times_read_as_minutes_and_seconds() {
        assert_eq!(minutes_seconds(Duration::from_millis(9_600)), "00:09");
        assert_eq!(minutes_seconds(Duration::from_secs(754)), "12:34");
    }
}
