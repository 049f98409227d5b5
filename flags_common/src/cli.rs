//! The command line shared by the three clients: `process_args` and
//! `expand_cc_args` of `flags2_common.py`, with clap doing the parsing.
//!
//! Each binary passes its own default `-m`; everything else is the same, so
//! `flags_sequential -h`, `flags_threadpool -h` and `flags_asyncio -h` differ
//! only in that one number and in the program's name.

use std::path::PathBuf;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};

/// Country codes of the 20 most populous countries, as in the book.
pub const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH",
    "VN", "ET", "EG", "DE", "IR", "TR", "CD", "FR",
];

/// The book's `country_codes.txt`: the 194 codes that have a flag on the
/// server (AD to ZW), whitespace separated.
pub const COUNTRY_CODES_FILE: &str = include_str!("../country_codes.txt");

/// The servers `-s` knows by name, in the order `--help` lists them.
pub const SERVERS: [(&str, &str); 4] = [
    ("DELAY", "http://localhost:8001/flags"),
    ("ERROR", "http://localhost:8002/flags"),
    ("LOCAL", "http://localhost:8000/flags"),
    ("REMOTE", "https://www.fluentpython.com/data/flags"),
];

/// The label `-s` takes when none is given.
pub const DEFAULT_SERVER: &str = "LOCAL";

/// The label printed for a server given by URL rather than by name.
pub const CUSTOM_SERVER: &str = "CUSTOM";

/// Seconds the whole request may take, body included (the book's 3.1).
pub const DEFAULT_TIMEOUT: f64 = 3.1;

/// The codes `-a` asks for: every code in [`COUNTRY_CODES_FILE`].
pub fn all_cc() -> Vec<String> {
    COUNTRY_CODES_FILE.split_whitespace().map(str::to_owned).collect()
}

/// The options of `flags2_common.process_args`, plus `--timeout` and
/// `--dest`.
#[derive(Debug, Clone, Parser)]
#[command(
    // `--version` prints this library's version after the binary's name:
    // the clients are built and versioned together with it.
    version,
    about = "Download flags for country codes. \
             Default: top 20 countries by population."
)]
pub struct Args {
    /// country code or 1st letter (eg. B for BA...BZ)
    #[arg(value_name = "CC")]
    pub cc: Vec<String>,

    /// get all available flags (AD to ZW)
    #[arg(short, long)]
    pub all: bool,

    /// get flags for every possible code (AA...ZZ)
    #[arg(short, long)]
    pub every: bool,

    /// limit to N first codes
    #[arg(short, long, value_name = "N", allow_negative_numbers = true)]
    pub limit: Option<i64>,

    /// maximum concurrent requests (default is set per binary)
    #[arg(
        short = 'm',
        long = "max_req",
        visible_alias = "max-req",
        value_name = "CONCURRENT",
        allow_negative_numbers = true
    )]
    pub max_req: i64,

    /// Server to hit; one of DELAY, ERROR, LOCAL, REMOTE (any case), or a
    /// base URL starting with http:// or https://
    #[arg(short, long, value_name = "LABEL", default_value = DEFAULT_SERVER)]
    pub server: String,

    /// output detailed progress info
    #[arg(short, long)]
    pub verbose: bool,

    /// seconds each request may take, body included
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TIMEOUT)]
    pub timeout: f64,

    /// directory where the flags are saved
    #[arg(long, value_name = "DIR", default_value = "downloaded")]
    pub dest: PathBuf,
}

/// The command line after checking: what `process_args` returns in the
/// book, with the server resolved to a label and a base URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The codes to download, sorted, deduplicated and limited.
    pub cc_list: Vec<String>,
    /// `-m`, at least 1.
    pub max_req: usize,
    /// `LOCAL`, `DELAY`, `ERROR`, `REMOTE`, or [`CUSTOM_SERVER`].
    pub server_label: String,
    /// Where the flags are, without a trailing slash.
    pub base_url: String,
    pub verbose: bool,
    pub timeout: Duration,
    pub dest: PathBuf,
}

/// A command line the program cannot run: the book prints it as
/// `*** Usage error: ...` followed by the usage line, and exits with 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("*** Usage error: {message}")]
pub struct UsageError {
    pub message: String,
    /// The usage line of the binary, e.g.
    /// `Usage: flags_threadpool [OPTIONS] [CC]...`.
    pub usage: String,
}

/// What parsing the command line can end in besides a run.
#[derive(Debug)]
pub enum ParseOutcome {
    /// `-h`/`--help`: print this text and exit 0.
    Help(String),
    /// A usage error: exit 2.
    Usage(UsageError),
}

/// Builds the clap command for a binary whose default `-m` is
/// `default_concur_req`.
pub fn command(bin_name: &str, default_concur_req: usize) -> clap::Command {
    Args::command()
        .name(bin_name.to_owned())
        .bin_name(bin_name.to_owned())
        .mut_arg("max_req", |arg| {
            // The help text says the default as the book does, so clap's
            // own "[default: N]" would say it twice.
            arg.required(false)
                .default_value(default_concur_req.to_string())
                .hide_default_value(true)
                .help(format!(
                    "maximum concurrent requests (default={default_concur_req})"
                ))
        })
}

/// Parses and checks `argv` (program name first), as `process_args` does.
pub fn process_args<I, T>(
    argv: I,
    bin_name: &str,
    default_concur_req: usize,
) -> Result<Options, ParseOutcome>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut cmd = command(bin_name, default_concur_req);
    let usage = cmd.render_usage().to_string();
    let usage_error = |message: String| {
        ParseOutcome::Usage(UsageError { message, usage: usage.clone() })
    };

    let matches = match cmd.try_get_matches_from_mut(argv) {
        Ok(matches) => matches,
        Err(error) => {
            use clap::error::ErrorKind;
            return Err(match error.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    ParseOutcome::Help(error.render().to_string())
                }
                _ => usage_error(clap_message(&error)),
            });
        }
    };
    let args = Args::from_arg_matches(&matches)
        .map_err(|error| usage_error(clap_message(&error)))?;

    if args.max_req < 1 {
        return Err(usage_error(
            "--max_req CONCURRENT must be >= 1".to_owned(),
        ));
    }
    let limit = match args.limit {
        Some(limit) if limit < 1 => {
            return Err(usage_error("--limit N must be >= 1".to_owned()));
        }
        Some(limit) => usize::try_from(limit).unwrap_or(usize::MAX),
        None => usize::MAX,
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(usage_error(
            "--timeout SECONDS must be a number > 0".to_owned(),
        ));
    }
    let (server_label, base_url) =
        resolve_server(&args.server).map_err(usage_error)?;
    let mut cc_list = expand_cc_args(args.every, args.all, &args.cc, limit)
        .map_err(usage_error)?;
    if cc_list.is_empty() {
        cc_list = POP20_CC.iter().map(|&cc| cc.to_owned()).collect();
        cc_list.sort();
        cc_list.truncate(limit);
    }

    Ok(Options {
        cc_list,
        max_req: usize::try_from(args.max_req).unwrap_or(usize::MAX),
        server_label,
        base_url,
        verbose: args.verbose,
        timeout: Duration::from_secs_f64(args.timeout),
        dest: args.dest,
    })
}

/// Expands the codes asked for: `-e` wins over `-a`, which wins over the CC
/// arguments; a single letter stands for its 26 codes. The result is
/// deduplicated and sorted before `limit` cuts it, as in the book.
pub fn expand_cc_args(
    every_cc: bool,
    all_cc: bool,
    cc_args: &[String],
    limit: usize,
) -> Result<Vec<String>, String> {
    const A_Z: std::ops::RangeInclusive<char> = 'A'..='Z';
    let mut codes = std::collections::BTreeSet::new();
    if every_cc {
        for a in A_Z {
            codes.extend(A_Z.map(|b| format!("{a}{b}")));
        }
    } else if all_cc {
        codes.extend(self::all_cc());
    } else {
        // ASCII upper case only: Unicode's would turn `ß` into `SS` and
        // `ı` into `I`, letting letters outside A to Z pass as codes.
        for cc in cc_args.iter().map(|cc| cc.to_ascii_uppercase()) {
            let letters: Vec<char> = cc.chars().collect();
            match letters[..] {
                [a] if a.is_ascii_uppercase() => {
                    codes.extend(A_Z.map(|b| format!("{a}{b}")));
                }
                [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => {
                    codes.insert(cc);
                }
                _ => {
                    return Err("each CC argument must be A to Z or AA to ZZ."
                        .to_owned());
                }
            }
        }
    }
    // A BTreeSet iterates in sorted order: `sorted(codes)[:limit]`.
    Ok(codes.into_iter().take(limit).collect())
}

/// Turns `-s` into a label and a base URL: one of [`SERVERS`] in any case,
/// or an http(s) URL of the user's own.
pub fn resolve_server(server: &str) -> Result<(String, String), String> {
    let label = server.to_uppercase();
    if let Some((name, url)) = SERVERS.iter().find(|(name, _)| *name == label) {
        let url = match std::env::var(server_url_var(name)) {
            Ok(moved) if !moved.is_empty() => {
                check_base_url(&moved)?;
                moved.trim_end_matches('/').to_owned()
            }
            _ => (*url).to_owned(),
        };
        return Ok(((*name).to_owned(), url));
    }
    let is_url = ["http://", "https://"]
        .iter()
        .any(|scheme| server.to_ascii_lowercase().starts_with(scheme));
    if !is_url {
        let names: Vec<&str> = SERVERS.iter().map(|(name, _)| *name).collect();
        return Err(format!(
            "--server LABEL must be one of {}, or a URL starting with \
             http:// or https://",
            names.join(", ")
        ));
    }
    check_base_url(server)?;
    let base_url = server.trim_end_matches('/').to_owned();
    let label = SERVERS
        .iter()
        .find(|(_, url)| *url == base_url)
        .map_or(CUSTOM_SERVER, |(name, _)| name);
    Ok((label.to_owned(), base_url))
}

/// The environment variable that moves a named server elsewhere:
/// `FLAGS_DELAY_URL=http://localhost:9001/flags` sends `-s DELAY` there,
/// and the report still says `DELAY site: ...`. For the test servers
/// started on other ports (`cargo xtask serve --delay-port 9001`), and for
/// tests that start them on free ones.
pub fn server_url_var(label: &str) -> String {
    format!("FLAGS_{label}_URL")
}

/// Why `url` cannot be a base URL, if it cannot: not http(s), no host, or
/// a query or fragment that `{base}/{cc}/{cc}.gif` would break.
fn check_base_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|error| {
        format!("--server URL {url:?} is not valid: {error}")
    })?;
    if !["http", "https"].contains(&parsed.scheme()) {
        return Err(format!(
            "--server URL {url:?} must start with http:// or https://"
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("--server URL {url:?} has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "--server URL {url:?} must not have a query or a fragment"
        ));
    }
    Ok(())
}

/// A clap error on one line, without clap's `error: ` prefix and its usage
/// and help hints, so it fits after `*** Usage error: `.
fn clap_message(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let message: Vec<&str> = rendered
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let message = message.join(" ");
    message.strip_prefix("error: ").unwrap_or(&message).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|&cc| cc.to_owned()).collect()
    }

    fn parse(args: &[&str]) -> Result<Options, ParseOutcome> {
        let argv = std::iter::once("flags_test").chain(args.iter().copied());
        process_args(argv, "flags_test", 7)
    }

    fn usage_message(args: &[&str]) -> String {
        match parse(args) {
            Err(ParseOutcome::Usage(error)) => error.to_string(),
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    /// The file behind `-a` holds the book's 194 codes, sorted and unique.
    #[test]
    fn all_cc_has_the_194_codes_of_the_book() {
        let all = all_cc();
        assert_eq!(all.len(), 194);
        assert_eq!(all.first().map(String::as_str), Some("AD"));
        assert_eq!(all.last().map(String::as_str), Some("ZW"));
        assert!(all.windows(2).all(|pair| pair[0] < pair[1]));
    }

    /// One letter stands for its 26 codes.
    #[test]
    fn one_letter_expands_to_26_codes() {
        let list = expand_cc_args(false, false, &codes(&["b"]), usize::MAX);
        let list = list.unwrap();
        assert_eq!(list.len(), 26);
        assert_eq!(list[0], "BA");
        assert_eq!(list[25], "BZ");
    }

    /// Codes are deduplicated and sorted before the limit applies.
    #[test]
    fn codes_are_deduplicated_and_sorted_before_the_limit() {
        let list =
            expand_cc_args(false, false, &codes(&["zz", "BR", "br", "AD"]), 2);
        assert_eq!(list.unwrap(), codes(&["AD", "BR"]));
    }

    /// `-e` beats `-a`, and `-a` beats the CC arguments.
    #[test]
    fn every_beats_all_beats_cc_arguments() {
        let cc = codes(&["BR"]);
        assert_eq!(
            expand_cc_args(true, true, &cc, usize::MAX).unwrap().len(),
            676
        );
        assert_eq!(
            expand_cc_args(false, true, &cc, usize::MAX).unwrap().len(),
            194
        );
    }

    /// No codes at all means the 20 most populous countries, sorted.
    #[test]
    fn no_codes_means_the_20_most_populous_sorted() {
        let options = parse(&[]).unwrap();
        assert_eq!(options.cc_list.len(), 20);
        assert_eq!(options.cc_list.first().map(String::as_str), Some("BD"));
        assert_eq!(options.cc_list.last().map(String::as_str), Some("VN"));
    }

    /// The binary's default `-m` is used when `-m` is absent.
    #[test]
    fn max_req_defaults_to_the_binary_default() {
        assert_eq!(parse(&[]).unwrap().max_req, 7);
        assert_eq!(parse(&["--max-req", "3"]).unwrap().max_req, 3);
    }

    /// Labels are accepted in any case and mapped to the book's URLs.
    #[test]
    fn server_labels_are_case_insensitive() {
        let options = parse(&["-s", "delay"]).unwrap();
        assert_eq!(options.server_label, "DELAY");
        assert_eq!(options.base_url, "http://localhost:8001/flags");
    }

    /// A base URL is accepted as it is, without a trailing slash.
    #[test]
    fn server_accepts_a_base_url() {
        let options = parse(&["-s", "http://127.0.0.1:9/flags/"]).unwrap();
        assert_eq!(options.server_label, CUSTOM_SERVER);
        assert_eq!(options.base_url, "http://127.0.0.1:9/flags");
    }

    /// Each bad command line is a usage error with the book's wording.
    #[test]
    fn bad_command_lines_are_usage_errors() {
        let cc_error =
            "*** Usage error: each CC argument must be A to Z or AA to ZZ.";
        for bad in [&["XYZ"][..], &["1"], &["B7"], &["É"]] {
            assert_eq!(usage_message(bad), cc_error, "{bad:?}");
        }
        assert_eq!(
            usage_message(&["-m", "0"]),
            "*** Usage error: --max_req CONCURRENT must be >= 1"
        );
        assert_eq!(
            usage_message(&["-m", "-1"]),
            "*** Usage error: --max_req CONCURRENT must be >= 1"
        );
        assert_eq!(
            usage_message(&["-l", "0"]),
            "*** Usage error: --limit N must be >= 1"
        );
        assert!(usage_message(&["-s", "nowhere"]).contains("--server LABEL"));
        assert!(usage_message(&["-s", "http://"]).contains("not valid"));
        assert!(usage_message(&["-m", "x"]).contains("'x'"));
        assert!(usage_message(&["--timeout", "0"]).contains("--timeout"));
    }

    /// `-h` is not an error: its text is printed and the program exits 0.
    #[test]
    fn help_lists_the_book_options() {
        let Err(ParseOutcome::Help(text)) = parse(&["-h"]) else {
            panic!("expected help");
        };
        for option in ["--all", "--every", "--limit", "--max_req", "--server"] {
            assert!(text.contains(option), "{option} missing from:\n{text}");
        }
        assert!(text.contains("(default=7)"));
    }
}
