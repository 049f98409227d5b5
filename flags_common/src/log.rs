//! Which `tracing` events reach stderr: `RUST_LOG`, read the way the
//! clients and `flags_server` document it (`RUST_LOG=flags=debug`,
//! `RUST_LOG=flags_server=debug`, `RUST_LOG=debug`). The chapter's Python
//! programs have no counterpart; this is the `logging` set-up they leave out.
//!
//! The variable is a comma-separated list of `target=level` and bare
//! `level` (or bare `target`) directives, as tracing-subscriber's
//! `filter::Targets` parses it: a target matches every module whose path
//! starts with it, so `flags=debug` covers `flags_common`,
//! `flags_sequential`, ... Targets is that grammar without a regex
//! engine; span and field filters (`[span{field}]`), which nothing here
//! logs, are not part of it.

use tracing_subscriber::filter::{LevelFilter, Targets};

/// The filter for the `RUST_LOG` of this process; `default` (every target
/// at that level) when it is unset or not a filter.
pub fn filter_from_env(default: LevelFilter) -> Targets {
    parse(std::env::var("RUST_LOG").ok().as_deref(), default)
}

/// The filter `rust_log` names: `default` when there is none or it does
/// not parse, so a mistyped `RUST_LOG` leaves the program's usual output.
/// Empty directives (`"flags=debug,"`) are skipped, and an empty
/// variable shows nothing, as tracing-subscriber's `EnvFilter` reads them.
fn parse(rust_log: Option<&str>, default: LevelFilter) -> Targets {
    let everything_at = |level| Targets::new().with_default(level);
    let Some(rust_log) = rust_log else {
        return everything_at(default);
    };
    let directives: Vec<&str> =
        rust_log.split(',').filter(|d| !d.is_empty()).collect();
    if directives.is_empty() {
        return Targets::new();
    }
    directives.join(",").parse().unwrap_or_else(|_| everything_at(default))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    fn shows(filter: &Targets, target: &str, level: Level) -> bool {
        filter.would_enable(target, &level)
    }

    /// `flags=debug` shows the clients' debug events and the
    /// libraries' warnings only (no level for other targets).
    #[test]
    fn flags_debug_covers_every_flags_crate() {
        let filter = parse(Some("flags=debug"), LevelFilter::WARN);
        assert!(shows(&filter, "flags_common::steps", Level::DEBUG));
        assert!(shows(&filter, "flags_sequential", Level::DEBUG));
        assert!(shows(&filter, "flags_asyncio", Level::INFO));
        assert!(!shows(&filter, "flags_asyncio", Level::TRACE));
        assert!(!shows(&filter, "ureq::unversioned", Level::DEBUG));
        assert!(!shows(&filter, "ureq::unversioned", Level::ERROR));
    }

    /// `debug` alone shows every target's debug events, the HTTP
    /// libraries' included.
    #[test]
    fn a_bare_level_covers_every_target() {
        let filter = parse(Some("debug"), LevelFilter::WARN);
        assert!(shows(&filter, "flags_common", Level::DEBUG));
        assert!(shows(&filter, "reqwest::connect", Level::DEBUG));
        assert!(!shows(&filter, "reqwest::connect", Level::TRACE));
    }

    /// `flags_server=debug` shows every request of the server, and its
    /// default `info` does not.
    #[test]
    fn the_server_logs_requests_at_debug_only() {
        let asked = parse(Some("flags_server=debug"), LevelFilter::INFO);
        assert!(shows(&asked, "flags_server::server", Level::DEBUG));
        let default = parse(None, LevelFilter::INFO);
        assert!(shows(&default, "flags_server::cli", Level::INFO));
        assert!(!shows(&default, "flags_server::server", Level::DEBUG));
    }

    /// A list mixes both forms, and a trailing comma is no directive.
    #[test]
    fn directives_combine_and_empty_ones_are_skipped() {
        let filter =
            parse(Some("warn,flags_sequential=debug,"), LevelFilter::OFF);
        assert!(shows(&filter, "flags_sequential", Level::DEBUG));
        assert!(shows(&filter, "hyper", Level::WARN));
        assert!(!shows(&filter, "hyper", Level::INFO));
    }

    /// A `RUST_LOG` that is not a filter leaves the default, and an empty
    /// one shows nothing.
    #[test]
    fn a_bad_filter_falls_back_and_an_empty_one_is_silent() {
        let bad = parse(Some("flags=loud"), LevelFilter::WARN);
        assert!(shows(&bad, "flags_common", Level::WARN));
        assert!(!shows(&bad, "flags_common", Level::INFO));
        let empty = parse(Some(""), LevelFilter::WARN);
        assert!(!shows(&empty, "flags_common", Level::ERROR));
    }
}
