//! The progress bar: the book wraps its iterator in `tqdm.tqdm(...)`; here
//! `download_many` ticks an indicatif bar once per finished code.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{
    ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle,
};

/// A bar for `len` codes on stderr, drawn as tqdm draws it:
/// ` 45%|█████████▊            | 9/20 [00:02<00:02,  4.96it/s]`, or
/// `1.23s/it` when codes take more than a second each.
///
/// Hidden with `-v` (the per-code lines replace it, as in the book) and
/// when stderr is not a terminal, so logs and pipes stay clean.
pub fn progress_bar(len: usize, verbose: bool) -> Progress {
    let drawn = !verbose && std::io::stderr().is_terminal();
    let target = if drawn {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
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
        let _ = out.write_str(&rate(state.pos(), state.elapsed()));
    })
    .progress_chars("█▉▊▋▌▍▎▏ ");
    let bar = ProgressBar::with_draw_target(Some(len as u64), target)
        .with_style(style);
    Progress { bar, drawn }
}

/// The bar `download_many` ticks: indicatif's, plus the newline tqdm
/// prints when it closes, so whatever comes next starts on a line of its
/// own.
#[derive(Clone, Debug)]
pub struct Progress {
    bar: ProgressBar,
    /// Whether the bar is on the terminal (not hidden): only then is
    /// there a line to end.
    drawn: bool,
}

impl Progress {
    /// Counts `delta` more codes done.
    pub fn inc(&self, delta: u64) {
        self.bar.inc(delta);
    }

    /// Draws the bar one last time, as it ends, and ends its line.
    pub fn finish(&self) {
        self.bar.finish();
        if self.drawn {
            // Nothing to do if stderr is gone: there is no one to tell.
            let _ = writeln!(std::io::stderr());
        }
    }
}

/// tqdm's rate: items per second (`4.96it/s`), or, below one item per
/// second, seconds per item (`1.23s/it`), which reads better than
/// `0.81it/s`; `?it/s` before there is anything to measure. The rate is
/// the average since the start (tqdm with `smoothing=0`), so it is a pure
/// function of the count and the elapsed time.
fn rate(count: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if count == 0 || seconds == 0.0 {
        return "?it/s".to_owned();
    }
    let per_second = count as f64 / seconds;
    if per_second < 1.0 {
        format!("{:5.2}s/it", 1.0 / per_second)
    } else {
        format!("{per_second:5.2}it/s")
    }
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

    /// One item a second or more reads as items per second, in tqdm's
    /// `5.2f` width.
    #[test]
    fn fast_rates_read_as_items_per_second() {
        assert_eq!(rate(20, Duration::from_millis(4_032)), " 4.96it/s");
        assert_eq!(rate(3, Duration::from_secs(3)), " 1.00it/s");
        assert_eq!(rate(194, Duration::from_millis(500)), "388.00it/s");
    }

    /// Below one item a second, the rate turns over: seconds per item.
    #[test]
    fn slow_rates_read_as_seconds_per_item() {
        assert_eq!(rate(10, Duration::from_millis(12_300)), " 1.23s/it");
        assert_eq!(rate(1, Duration::from_secs(45)), "45.00s/it");
    }

    /// Before the first item, or at time zero, there is no rate yet.
    #[test]
    fn no_rate_before_the_first_item() {
        assert_eq!(rate(0, Duration::from_secs(5)), "?it/s");
        assert_eq!(rate(3, Duration::ZERO), "?it/s");
    }
}
