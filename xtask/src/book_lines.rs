//! `cargo xtask book-lines DIR`: checks that every line number the README
//! and the guide give for the book's programs still points at what the
//! sentence names, in a checkout of the book's repository. It mirrors no
//! program of the chapter; it keeps the pages' pointers into the chapter's
//! files (`flags.py`, `proc_pool.py`, ...) true, and the repository holds
//! no copy of those files, so the reader gives the check one.
//!
//! The citation grammar, which the pages follow:
//!
//! - a citation is a code span, then `(` or `,` or nothing, then
//!   `lines A-B` or `line A`: "`get_flag` (lines 32-36)",
//!   "`download_many`, lines 35-69", "`MIN_DELAY` (line 20)";
//! - the file it cites is the last book file (`NAME.py`, in a code span or
//!   a link) named before it in the same paragraph;
//! - with `lines A-B`, the span names a function or a class (`name`, or
//!   `Class.method` for a method): its `def` or `class` is on line A and
//!   the last line of its body is line B;
//! - with `line A`, line A holds the span's text (spaces aside).
//!
//! Any other "line N" or "lines A-B" outside code blocks is an error too,
//! so no line number of the pages escapes the check.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Check the README's and the guide's line citations of the book's files.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A checkout of the book's repository (fluentpython/example-code-2e),
    /// or its 20-executors folder.
    pub dir: PathBuf,
}

/// One "lines A-B" or "line A" of a page, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The page's line the number is on, counted from 1.
    pub line: usize,
    /// The book file it cites: the last one named before it.
    pub file: String,
    /// The code span before the number.
    pub name: String,
    pub first: usize,
    /// `None` for "line A".
    pub last: Option<usize>,
}

impl std::fmt::Display for Citation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Citation { file, name, first, .. } = self;
        match self.last {
            Some(last) => write!(f, "{file}: `{name}` (lines {first}-{last})"),
            None => write!(f, "{file}: `{name}` (line {first})"),
        }
    }
}

/// Checks every page against the book in `args.dir`; prints each
/// mismatch, then a one-line summary. `Ok(false)` if any citation is wrong.
pub fn run(args: &Args) -> Result<bool> {
    let book = book_root(&args.dir)?;
    let files = python_files(&book)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut pages = vec!["README.md".to_owned()];
    let mut guide: Vec<String> = fs::read_dir(root.join("guide/src"))
        .context("cannot list guide/src")?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("guide/src/{name}"))
        .collect();
    guide.sort();
    pages.extend(guide);

    let (mut checked, mut wrong) = (0, 0);
    for page in &pages {
        let text = fs::read_to_string(root.join(page))
            .with_context(|| format!("cannot read {page}"))?;
        let (citations, strays) = citations(&text);
        for (line, stray) in strays {
            println!("{page}:{line}: {stray}");
            wrong += 1;
        }
        for citation in citations {
            checked += 1;
            let outcome = match files.get(&citation.file) {
                Some(path) => fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))
                    .map(|source| check(&citation, &source))?,
                None => Err(format!("no file {} in the book", citation.file)),
            };
            if let Err(why) = outcome {
                println!("{page}:{}: {citation}: {why}", citation.line);
                wrong += 1;
            }
        }
    }
    if wrong == 0 {
        println!(
            "{checked} citations in {} pages match {}",
            pages.len(),
            book.display()
        );
    } else {
        println!("{wrong} of the citations in {} pages are wrong", pages.len());
    }
    Ok(wrong == 0)
}

/// The book's 20-executors folder: `dir` itself, or `dir/20-executors`.
fn book_root(dir: &Path) -> Result<PathBuf> {
    let chapter = dir.join("20-executors");
    if chapter.is_dir() {
        return Ok(chapter);
    }
    if dir.join("getflags").is_dir() || dir.join("primes").is_dir() {
        return Ok(dir.to_owned());
    }
    bail!(
        "{} is neither a checkout of the book's repository nor its \
         20-executors folder",
        dir.display()
    )
}

/// Every `.py` file under `dir`, by file name (the pages cite them so).
fn python_files(dir: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir)
            .with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "py")
                && let Some(name) = path.file_name()
            {
                found.insert(name.to_string_lossy().into_owned(), path);
            }
        }
    }
    Ok(found)
}

/// The citations of a Markdown page, and every line number outside code
/// blocks that is not one (with the page's line and why).
pub fn citations(page: &str) -> (Vec<Citation>, Vec<(usize, String)>) {
    let (mut found, mut strays) = (Vec::new(), Vec::new());
    for (start, paragraph) in paragraphs(page) {
        // Byte offset in the paragraph -> line of the page.
        let line_at = |at: usize| start + paragraph[..at].matches('\n').count();
        for (at, first, last) in numbers(&paragraph) {
            let cited = span_before(&paragraph[..at]).and_then(|(name, s)| {
                book_file_before(&paragraph[..s]).map(|file| (name, file))
            });
            match cited {
                Some((name, file)) => found.push(Citation {
                    line: line_at(at),
                    file,
                    name,
                    first,
                    last,
                }),
                None => strays.push((
                    line_at(at),
                    "a line number that is not a citation: write \
                     \"`name` (lines A-B)\" after the book file's name"
                        .to_owned(),
                )),
            }
        }
    }
    (found, strays)
}

/// The paragraphs of `page` outside fenced code blocks, each with the
/// page line it starts on.
fn paragraphs(page: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut fenced = false;
    for (index, line) in page.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            out.extend(current.take());
            continue;
        }
        if fenced || line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        let (_, text) =
            current.get_or_insert_with(|| (index + 1, String::new()));
        text.push_str(line);
        text.push('\n');
    }
    out.extend(current);
    out
}

/// Each "line A" or "lines A-B" of `text`: its offset, A, and B.
fn numbers(text: &str) -> Vec<(usize, usize, Option<usize>)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("line") {
        let word_start =
            text[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        if !word_start {
            continue;
        }
        let mut rest = &text[at + "line".len()..];
        let plural = rest.starts_with('s');
        if plural {
            rest = &rest[1..];
        }
        let spaced = rest.trim_start();
        if spaced.len() == rest.len() {
            continue;
        }
        let Some((first, rest)) = leading_number(spaced) else {
            continue;
        };
        let last = rest
            .strip_prefix('-')
            .or_else(|| rest.strip_prefix('–'))
            .and_then(leading_number)
            .map(|(last, _)| last);
        // "lines 12", with no end, is a range of nothing: B = 0, which
        // `check` refuses.
        let last = if plural { last.or(Some(0)) } else { last };
        out.push((at, first, last));
    }
    out
}

/// The number `text` starts with, and what follows it.
fn leading_number(text: &str) -> Option<(usize, &str)> {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let number = text[..end].parse().ok()?;
    Some((number, &text[end..]))
}

/// The code span that ends `before` (after `(` or `,` and spaces), and
/// where it starts.
fn span_before(before: &str) -> Option<(String, usize)> {
    let trimmed = before.trim_end();
    let trimmed = trimmed
        .strip_suffix('(')
        .or_else(|| trimmed.strip_suffix(','))
        .unwrap_or(trimmed)
        .trim_end();
    let inner = trimmed.strip_suffix('`')?;
    let open = inner.rfind('`')?;
    let name = &inner[open + 1..];
    (!name.is_empty()).then(|| (name.to_owned(), open))
}

/// The last `NAME.py` in `text`.
fn book_file_before(text: &str) -> Option<String> {
    text.rmatch_indices(".py").find_map(|(at, _)| {
        let after = text[at + 3..].chars().next();
        if after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let start = text[..at]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        (start < at).then(|| format!("{}.py", &text[start..at]))
    })
}

/// Whether `citation` is true of `source`, the book file it cites; if
/// not, what the file has at those lines instead.
pub fn check(citation: &Citation, source: &str) -> Result<(), String> {
    let lines: Vec<&str> = source.lines().collect();
    let line = |n: usize| n.checked_sub(1).and_then(|i| lines.get(i)).copied();
    let Some(first) = line(citation.first) else {
        return Err(format!("the file has {} lines", lines.len()));
    };
    let Some(last) = citation.last else {
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        return if squeeze(first).contains(&squeeze(&citation.name)) {
            Ok(())
        } else {
            Err(format!("line {} is `{}`", citation.first, first.trim()))
        };
    };
    if last == 0 || last < citation.first {
        return Err("write a range as `lines A-B`, A before B".to_owned());
    }
    let (outer, name) = match citation.name.rsplit_once('.') {
        Some((outer, name)) => (Some(outer), name),
        None => (None, citation.name.as_str()),
    };
    let defines = |text: &str| definition(text) == Some(name);
    if !defines(first) {
        return Err(match lines.iter().position(|text| defines(text)) {
            Some(i) => format!("`{name}` starts on line {}", i + 1),
            None => format!("no `def {name}` or `class {name}` in the file"),
        });
    }
    if let Some(outer) = outer {
        let enclosing = enclosing(&lines, citation.first - 1);
        if enclosing.and_then(|i| definition(lines[i])) != Some(outer) {
            return Err(format!("`{name}` on that line is not in `{outer}`"));
        }
    }
    let end = block_end(&lines, citation.first - 1) + 1;
    if end == last {
        Ok(())
    } else {
        Err(format!("`{name}` ends on line {end}"))
    }
}

/// The name a `def`, `async def` or `class` line defines.
fn definition(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let text = text.strip_prefix("async ").map_or(text, str::trim_start);
    let rest = text
        .strip_prefix("def ")
        .or_else(|| text.strip_prefix("class "))?
        .trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn indent(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// The index of the last line of the block that starts at `start`: the
/// lines after it that are blank or indented deeper, blank ones at the
/// end left out.
fn block_end(lines: &[&str], start: usize) -> usize {
    let own = indent(lines[start]);
    let mut end = start;
    for (i, text) in lines.iter().enumerate().skip(start + 1) {
        if text.trim().is_empty() {
            continue;
        }
        if indent(text) <= own {
            break;
        }
        end = i;
    }
    end
}

/// The index of the `def` or `class` line whose block holds line `at`.
fn enclosing(lines: &[&str], at: usize) -> Option<usize> {
    let own = indent(lines[at]);
    (0..at).rev().find(|&i| {
        !lines[i].trim().is_empty()
            && indent(lines[i]) < own
            && definition(lines[i]).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small book file: a constant, a function with a two-line
    /// signature and a blank line in its body, a class with a method.
    const BOOK: &str = "\
import time

DELAY = 0.5

def get_flag(base_url: str,
             cc: str) -> bytes:
    url = f'{base_url}/{cc}'

    return url

class Handler:
    def do_GET(self):
        time.sleep(DELAY)

# end
";

    fn cite(name: &str, first: usize, last: Option<usize>) -> Citation {
        let file = "slow.py".to_owned();
        Citation { line: 1, file, name: name.to_owned(), first, last }
    }

    /// A function's range runs from its `def` to the last line of its
    /// body, over a multi-line signature and a blank line.
    #[test]
    fn a_function_range_is_its_def_to_its_last_line() {
        assert_eq!(check(&cite("get_flag", 5, Some(9)), BOOK), Ok(()));
    }

    /// A range that stops short of the body's end fails, saying where the
    /// function really ends.
    #[test]
    fn a_range_one_line_short_is_a_mismatch() {
        let outcome = check(&cite("get_flag", 5, Some(8)), BOOK);
        assert_eq!(outcome, Err("`get_flag` ends on line 9".to_owned()));
    }

    /// A range that starts elsewhere fails, saying where the name is
    /// defined.
    #[test]
    fn a_range_that_starts_off_the_def_is_a_mismatch() {
        let outcome = check(&cite("get_flag", 4, Some(9)), BOOK);
        assert_eq!(outcome, Err("`get_flag` starts on line 5".to_owned()));
    }

    /// `Class.method` must be a method of that class, and its range ends
    /// with the method, not the class.
    #[test]
    fn a_method_is_checked_inside_its_class() {
        assert_eq!(check(&cite("Handler.do_GET", 12, Some(13)), BOOK), Ok(()));
        assert!(check(&cite("Other.do_GET", 12, Some(13)), BOOK).is_err());
        assert_eq!(check(&cite("Handler", 11, Some(13)), BOOK), Ok(()));
    }

    /// A single line must hold the span's text.
    #[test]
    fn a_single_line_holds_the_named_text() {
        assert_eq!(check(&cite("DELAY", 3, None), BOOK), Ok(()));
        assert_eq!(check(&cite("time.sleep(DELAY)", 13, None), BOOK), Ok(()));
        let outcome = check(&cite("DELAY", 4, None), BOOK);
        assert_eq!(outcome, Err("line 4 is ``".to_owned()));
    }

    /// A line past the end of the file is a mismatch, not a panic.
    #[test]
    fn a_line_past_the_end_is_a_mismatch() {
        assert!(check(&cite("DELAY", 99, None), BOOK).is_err());
    }

    /// The three written forms are read, with the file named earlier in
    /// the paragraph, across a line break.
    #[test]
    fn citations_are_read_in_each_form() {
        let page = "\
`slow.py` ([on GitHub](https://example.com/x/slow.py)): `get_flag` (lines
5-9) and `Handler.do_GET`, lines 12-13; `DELAY` (line 3).
";
        let (found, strays) = citations(page);
        assert_eq!(strays, []);
        let found: Vec<String> = found.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            found,
            [
                "slow.py: `get_flag` (lines 5-9)",
                "slow.py: `Handler.do_GET` (lines 12-13)",
                "slow.py: `DELAY` (line 3)",
            ]
        );
    }

    /// The file is the last one named before the citation, and the page
    /// line is the citation's own.
    #[test]
    fn the_file_is_the_last_one_named_before() {
        let page = "In `a.py`, `f` (line 1);\nin `b.py`, `g` (line 2).\n";
        let (found, _) = citations(page);
        assert_eq!((found[0].file.as_str(), found[0].line), ("a.py", 1));
        assert_eq!((found[1].file.as_str(), found[1].line), ("b.py", 2));
    }

    /// A line number without a code span, or without a book file earlier
    /// in its paragraph, is reported rather than skipped.
    #[test]
    fn a_number_outside_the_grammar_is_a_stray() {
        let (found, strays) = citations("In `a.py`, see lines 3-4.\n");
        assert_eq!((found.len(), strays.len()), (0, 1));
        let (found, strays) = citations("`a.py` ends.\n\n`f` (line 3)\n");
        assert_eq!((found.len(), strays[0].0), (0, 3));
    }

    /// Code blocks and words that merely contain "line" are left alone.
    #[test]
    fn code_blocks_and_other_words_are_not_citations() {
        let page = "```text\nline 3\n```\n\nOne line per code; `a.py` \
                    outlines 4 steps; a pipeline 5.\n";
        assert_eq!(citations(page), (vec![], vec![]));
    }

    /// "lines 3" (no end) is read as a range to be written out, and
    /// fails the check.
    #[test]
    fn a_plural_without_an_end_fails() {
        let (found, _) = citations("`a.py`: `f` (lines 3)\n");
        assert!(check(&found[0], "def f():\n    pass\n\n\n").is_err());
    }

    /// The 20-executors folder is found from the repository's root or
    /// given directly, and anything else is refused.
    #[test]
    fn the_book_is_found_at_its_root_or_its_chapter() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let chapter = dir.path().join("20-executors");
        fs::create_dir_all(chapter.join("getflags")).expect("creates");
        assert_eq!(book_root(dir.path()).ok(), Some(chapter.clone()));
        assert_eq!(book_root(&chapter).ok(), Some(chapter.clone()));
        assert!(book_root(&chapter.join("getflags")).is_err());
    }
}
