//! The samples of output in the README and the guide, read from their
//! Markdown and compared with what the programs print. It mirrors no
//! program of the chapter; it keeps the pages that show the chapter's
//! programs honest, as the book's own listings come from files that run.
//!
//! A sample is a ```` ```console ```` block: lines that start with `$ ` are
//! commands, the lines under each are what it prints (stdout, then
//! stderr). Other fences (```` ```text ````, ```` ```sh ````) are not run:
//! that is how a page shows benchmark figures, which no test can repeat.
//! `tests/samples.rs` runs every command against in-process servers;
//! this library only reads the blocks and compares.
//!
//! - [`blocks`]: the console blocks of a page, with their line numbers.
//! - [`Invocation::parse`]: the one form of command a sample may use.
//! - [`normalise`]: what is left open (times, hosts and ports, addresses).
//! - [`compare`]: the expected and actual text, or a readable diff.
//! - [`as_on_this_machine`]: a sample as it reads where the open-file
//!   limit lowered `-m`.

use similar::{ChangeTag, TextDiff};

/// One ```` ```console ```` block of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The line of the opening fence, counted from 1, for messages.
    pub line: usize,
    /// ```` ```console,any-order ````: the output's words may come in any
    /// order, for the pages whose point is that the order varies.
    pub any_order: bool,
    /// The commands of the block, each with the output shown under it.
    pub samples: Vec<Sample>,
}

/// A command of a block and the output the page shows for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub command: String,
    pub expected: String,
}

/// Every console block of `markdown`, in order.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut current: Option<Block> = None;
    for (index, line) in markdown.lines().enumerate() {
        if let Some(block) = current.as_mut() {
            if line.trim_start().starts_with("```") {
                found.extend(current.take());
            } else if let Some(command) = line.strip_prefix("$ ") {
                block.samples.push(Sample {
                    command: command.to_owned(),
                    expected: String::new(),
                });
            } else if let Some(sample) = block.samples.last_mut() {
                sample.expected.push_str(line);
                sample.expected.push('\n');
            }
            continue;
        }
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let mut words = info.split(',').map(str::trim);
        if words.next() == Some("console") {
            current = Some(Block {
                line: index + 1,
                any_order: words.any(|word| word == "any-order"),
                samples: Vec::new(),
            });
        }
    }
    found
}

/// A sample's command, which must be written as a reader would type it:
/// `[VAR=value ...] cargo run -q -p PACKAGE [--example NAME] [-- ARGS]`,
/// or `ls DIR` to show what a run saved. One form only, so the test can
/// run the already-built binary instead of cargo, and a page cannot hold
/// a command the test does not understand.
#[derive(Debug, Clone, PartialEq)]
pub enum Invocation {
    /// A binary (the package's own, or one of its examples).
    Run {
        env: Vec<(String, String)>,
        package: String,
        example: Option<String>,
        args: Vec<String>,
    },
    /// The sorted names in a directory of the sample's working directory.
    List(String),
}

impl Invocation {
    /// Reads `command`, or says why it is not of the one form.
    pub fn parse(command: &str) -> Result<Invocation, String> {
        let words: Vec<&str> = command.split_whitespace().collect();
        if let ["ls", dir] = words.as_slice() {
            return Ok(Invocation::List((*dir).to_owned()));
        }
        let mut rest = words.as_slice();
        let mut env = Vec::new();
        while let Some((name, value)) =
            rest.first().and_then(|w| w.split_once('='))
        {
            env.push((name.to_owned(), value.to_owned()));
            rest = &rest[1..];
        }
        let Some(rest) = rest.strip_prefix(&["cargo", "run", "-q", "-p"])
        else {
            return Err(format!(
                "`{command}`: a sample runs `cargo run -q -p PACKAGE ...` \
                 or `ls DIR`"
            ));
        };
        let Some((package, mut rest)) = rest.split_first() else {
            return Err(format!("`{command}`: no package after -p"));
        };
        let mut example = None;
        if let Some(["--example", name, tail @ ..]) = Some(rest) {
            example = Some((*name).to_owned());
            rest = tail;
        }
        let args = match rest {
            [] => Vec::new(),
            ["--", args @ ..] => args.iter().map(|&a| a.to_owned()).collect(),
            _ => return Err(format!("`{command}`: arguments go after `--`")),
        };
        Ok(Invocation::Run {
            env,
            package: (*package).to_owned(),
            example,
            args,
        })
    }
}

/// `text` with what a sample leaves open made the same on both sides:
/// times and rates (`0.42s`, `1.49it/s`, `[09:48:00]`), the host and port
/// of a URL (the pages show the reader's `localhost:8001`, the test runs
/// on a free port), memory addresses (`0x55a7f60d7e70`), and whether a
/// future a worker has already taken was running when it was printed
/// (that varies from run to run, which is the futures page's point).
/// Every word, count and code stays compared.
pub fn normalise(text: &str) -> String {
    let text = text.replace("state=running", "state=pending");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        if rest.starts_with(&[':', '/', '/']) {
            // A URL's authority: up to its path.
            out.push_str("://HOST");
            i += 3;
            while i < chars.len() && !matches!(chars[i], '/' | ' ' | '\n') {
                i += 1;
            }
        } else if rest.starts_with(&['0', 'x']) && rest.len() > 2 {
            out.push_str("0x…");
            i += 2;
            while i < chars.len() && chars[i].is_ascii_hexdigit() {
                i += 1;
            }
        } else if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || matches!(chars[i], '.' | ':'))
            {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            let number = number.trim_end_matches(['.', ':']);
            i = start + number.chars().count();
            // A decimal (a time or a rate) or a clock is left open; a
            // whole number (a count, a code's position) is compared.
            if number.contains(['.', ':']) {
                out.push('#');
            } else {
                out.push_str(number);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Compares a sample's expected output with a run's, both normalised;
/// on a difference, a diff to read: `-` what the page shows, `+` what the
/// program printed (words, not lines, for an any-order block).
pub fn compare(
    expected: &str,
    actual: &str,
    any_order: bool,
) -> Result<(), String> {
    let (expected, actual) = (normalise(expected), normalise(actual));
    if any_order {
        let mut want: Vec<&str> = expected.split_whitespace().collect();
        let mut got: Vec<&str> = actual.split_whitespace().collect();
        want.sort_unstable();
        got.sort_unstable();
        if want == got {
            return Ok(());
        }
        let missing = without(&want, &got);
        let extra = without(&got, &want);
        return Err(format!(
            "the words differ (in any order):\n- {}\n+ {}\n\nthe program \
             printed:\n{actual}",
            missing.join(" "),
            extra.join(" ")
        ));
    }
    if expected == actual {
        return Ok(());
    }
    // Lines aligned by a longest common subsequence (Myers), not by
    // position: one line more in the run is one `+` line, and the lines
    // after it still pair up with the page's.
    let (want, got): (Vec<&str>, Vec<&str>) =
        (expected.lines().collect(), actual.lines().collect());
    let mut diff = String::new();
    for change in TextDiff::from_slices(&want, &got).iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Equal => ' ',
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
        };
        diff.push_str(&format!("{sign} {}\n", change.value()));
    }
    Err(diff)
}

/// The notice a client prints on stderr when the open-file limit cannot
/// hold the connections asked for, read from `actual`: the whole line
/// (`-m 1000 lowered to 493: open-file limit 1024`), the connections it
/// used, and the limit.
pub fn lowered_notice(actual: &str) -> Option<(&str, usize, u64)> {
    actual.lines().find_map(|line| {
        let rest = line.strip_prefix("-m ")?.split_once(" lowered to ")?.1;
        let (used, limit) = rest.split_once(": open-file limit ")?;
        Some((line, used.parse().ok()?, limit.parse().ok()?))
    })
}

/// `expected` as the page would show it on a machine whose open-file limit
/// cannot hold the connections the sample shows, when `actual` says so
/// with [`lowered_notice`] and `hard_limit` (this machine's hard limit,
/// where there is one) is the limit the notice names. The client then
/// uses fewer connections and says so first, so two things differ from
/// the page: the connections line gives the lowered number, and the notice
/// follows the report (stderr comes after stdout). Every other line, and
/// every count, is still compared. Otherwise `expected` as it is.
pub fn as_on_this_machine(
    expected: &str,
    actual: &str,
    hard_limit: Option<u64>,
) -> String {
    let Some((notice, used, limit)) = lowered_notice(actual) else {
        return expected.to_owned();
    };
    if hard_limit.is_some_and(|hard| hard != limit) || expected.contains(notice)
    {
        return expected.to_owned();
    }
    let connections = match used {
        1 => "1 connection will be used.".to_owned(),
        n => format!("{n} concurrent connections will be used."),
    };
    let mut lines: String = expected
        .lines()
        .map(|line| {
            let shown = line.ends_with(" concurrent connections will be used.")
                || line == "1 connection will be used.";
            format!("{}\n", if shown { &connections } else { line })
        })
        .collect();
    lines.push_str(notice);
    lines.push('\n');
    lines
}

/// The words of `from` left once each of `taken` has been struck out.
fn without<'a>(from: &[&'a str], taken: &[&str]) -> Vec<&'a str> {
    let mut taken = taken.to_vec();
    let mut left = Vec::new();
    for word in from {
        match taken.iter().position(|t| t == word) {
            Some(at) => {
                taken.swap_remove(at);
            }
            None => left.push(*word),
        }
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only console blocks are read, each command with the lines under it.
    #[test]
    fn blocks_reads_console_fences_only() {
        let page = "text\n```text\n$ skipped\n```\n```console,any-order\n\
                    $ ls a\nx\ny\n$ ls b\n```\n";
        let found = blocks(page);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 5);
        assert!(found[0].any_order);
        assert_eq!(found[0].samples[0].expected, "x\ny\n");
        assert_eq!(found[0].samples[1].command, "ls b");
    }

    /// A command with variables, an example and arguments is understood.
    #[test]
    fn parse_reads_env_example_and_args() {
        let parsed = Invocation::parse(
            "A=1 cargo run -q -p flags_asyncio --example flags3_asyncio -- -v BR",
        );
        assert_eq!(
            parsed,
            Ok(Invocation::Run {
                env: vec![("A".into(), "1".into())],
                package: "flags_asyncio".into(),
                example: Some("flags3_asyncio".into()),
                args: vec!["-v".into(), "BR".into()],
            })
        );
    }

    /// Any other command is refused, so no sample goes untested.
    #[test]
    fn parse_refuses_other_commands() {
        assert!(Invocation::parse("cargo run -p primes").is_err());
        assert!(Invocation::parse("cargo xtask compare").is_err());
    }

    /// Times, clocks, hosts and addresses are left open; counts are not.
    #[test]
    fn normalise_leaves_times_hosts_and_addresses_open() {
        assert_eq!(
            normalise("[09:48:00] 20 in 0.42s at http://127.0.0.1:4321/flags"),
            normalise("[10:00:01] 20 in 13.44s at http://localhost:8001/flags")
        );
        assert_eq!(normalise("<Future at 0x55a7f6 x"), "<Future at 0x… x");
        assert_ne!(normalise("20 flags"), normalise("19 flags"));
    }

    /// One line more in the run shows as that one `+` line, the lines
    /// around it unchanged, not as every later line changed.
    #[test]
    fn compare_shows_an_inserted_line_as_one_insertion() {
        let page = "first\nsecond\nthird\n";
        let run = "first\nextra\nsecond\nthird\n";
        let diff = compare(page, run, false).expect_err("an extra line");
        assert_eq!(diff, "  first\n+ extra\n  second\n  third\n");
    }

    /// One changed word fails the comparison, with the line in the diff.
    #[test]
    fn compare_fails_on_one_changed_word() {
        let page = "DELAY site: x\n 20 flags downloaded.\n";
        let run = "DELAY site: x\n 20 flags saved.\n";
        let diff = compare(page, run, false).expect_err("a changed word");
        assert!(diff.contains("-  20 flags downloaded."), "{diff}");
        assert!(diff.contains("+  20 flags saved."), "{diff}");
        assert!(compare(page, run, true).is_err());
        assert!(compare("b a\n", "a b\n", true).is_ok());
    }

    /// The delay_floor page's report, as it shows it.
    const PAGE: &str = "Searching for 676 flags: from AA to ZZ\n\
                        676 concurrent connections will be used.\n\
                        194 flags downloaded.\n";

    /// Where the hard limit lowered `-m`, the page is read with the
    /// lowered number and the notice, and the rest is still compared.
    #[test]
    fn a_run_lowered_by_the_hard_limit_is_compared_with_its_numbers() {
        let notice = "-m 1000 lowered to 493: open-file limit 1024";
        let run = format!(
            "Searching for 676 flags: from AA to ZZ\n\
             493 concurrent connections will be used.\n\
             194 flags downloaded.\n{notice}\n"
        );
        let expected = as_on_this_machine(PAGE, &run, Some(1024));
        assert_eq!(compare(&expected, &run, false), Ok(()));
        let fewer = run.replace("194 flags", "193 flags");
        assert!(compare(&expected, &fewer, false).is_err());
    }

    /// A notice that names another limit than this machine's is not the
    /// machine's doing: the page is compared as it is, and fails.
    #[test]
    fn a_notice_naming_another_limit_changes_nothing() {
        let run = "Searching for 676 flags: from AA to ZZ\n\
                   493 concurrent connections will be used.\n\
                   194 flags downloaded.\n\
                   -m 1000 lowered to 493: open-file limit 1024\n";
        assert_eq!(as_on_this_machine(PAGE, run, Some(4096)), PAGE);
        assert_eq!(as_on_this_machine(PAGE, PAGE, Some(1024)), PAGE);
    }
}
