//! The file name `flags3_asyncio` saves a flag under, from the country
//! name in `metadata.json`: the book's `country.replace(' ', '_')`, made
//! safe, because the name comes from the network.
//!
//! A module of its own so its unit tests can run: `cargo test` only
//! compiles examples, so `flags_asyncio/tests/examples.rs` includes this
//! file (`#[path]`) and runs the tests below there.

/// The most of a country name kept in a file name, in bytes. Real names
/// are under 60; file systems allow 255, and `save_flag` adds a prefix
/// and suffix to its temporary file.
pub const MAX_NAME_BYTES: usize = 100;

/// The file name for the flag of `cc`, from the country name the server
/// sent: the book's `country.replace(' ', '_')` plus `.gif`, made safe.
///
/// Whatever `country` holds, the result is one plain file name, so
/// `dest.join(name)` stays inside `dest`:
/// - `/` and `\` (path separators), control characters (NUL, newline,
///   escape sequences) and `<>:"|?*` (not allowed on Windows) become `_`,
///   as spaces do;
/// - leading dots are dropped, so no `.`, `..` or hidden file;
/// - at most [`MAX_NAME_BYTES`], cut on a character boundary;
/// - Windows device names (`CON`, `NUL`, `COM1`...) get a `_` in front;
/// - if nothing is left, the code is the name: `ZZ.gif`.
pub fn safe_file_name(country: &str, cc: &str) -> String {
    let replaced: String = country
        .chars()
        .map(|c| match c {
            ' ' | '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let mut name = replaced.trim_start_matches('.');
    // The longest prefix of at most MAX_NAME_BYTES that splits no
    // character (slicing mid-character would panic).
    name = &name[..name.floor_char_boundary(MAX_NAME_BYTES)];
    if name.is_empty() {
        name = cc;
    }
    if is_windows_device(name) {
        format!("_{name}.gif")
    } else {
        format!("{name}.gif")
    }
}

/// `CON`, `PRN`, `AUX`, `NUL`, `COM1`-`COM9`, `LPT1`-`LPT9`, in any case,
/// alone or before a dot: names Windows gives to devices, not files.
fn is_windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    match stem.as_bytes() {
        b"CON" | b"PRN" | b"AUX" | b"NUL" => true,
        [b'C', b'O', b'M', digit] | [b'L', b'P', b'T', digit] => {
            (b'1'..=b'9').contains(digit)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Component, Path};

    use proptest::prelude::*;

    use super::{MAX_NAME_BYTES, safe_file_name};

    /// Spaces become underscores, as in the book.
    #[test]
    fn spaces_become_underscores() {
        assert_eq!(safe_file_name("United States", "US"), "United_States.gif");
    }

    /// Letters outside ASCII and apostrophes are kept.
    #[test]
    fn accents_and_apostrophes_are_kept() {
        assert_eq!(safe_file_name("Côte d'Ivoire", "CI"), "Côte_d'Ivoire.gif");
    }

    /// Path separators of either kind cannot climb out of the destination.
    #[test]
    fn separators_become_underscores() {
        assert_eq!(
            safe_file_name("../../etc/passwd", "ZZ"),
            "_.._etc_passwd.gif"
        );
        assert_eq!(safe_file_name("..\\..\\win.ini", "ZZ"), "_.._win.ini.gif");
        assert_eq!(safe_file_name("/tmp/x", "ZZ"), "_tmp_x.gif");
    }

    /// `.`, `..`, an empty name and one of only dots fall back to the code.
    #[test]
    fn dot_names_and_empty_fall_back_to_the_code() {
        for country in [".", "..", "", "...."] {
            assert_eq!(safe_file_name(country, "ZZ"), "ZZ.gif", "{country:?}");
        }
    }

    /// A leading dot would make a hidden file: it is dropped.
    #[test]
    fn leading_dots_are_dropped() {
        assert_eq!(safe_file_name(".bashrc", "ZZ"), "bashrc.gif");
    }

    /// NUL, newlines and escape sequences become underscores.
    #[test]
    fn control_characters_become_underscores() {
        assert_eq!(safe_file_name("a\0b\nc\u{1b}[31m", "ZZ"), "a_b_c_[31m.gif");
    }

    /// A long name is cut to 100 bytes without splitting a character.
    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        // 'é' is two bytes, so 60 of them are 120 bytes: 50 are kept.
        let name = safe_file_name(&"é".repeat(60), "ZZ");
        assert_eq!(name, format!("{}.gif", "é".repeat(50)));
        // With one ASCII byte first, 101 is mid-character: 99 are kept.
        let name = safe_file_name(&format!("x{}", "é".repeat(60)), "ZZ");
        assert_eq!(name.len(), 99 + ".gif".len());
    }

    /// Windows device names get an underscore in front.
    #[test]
    fn windows_device_names_are_prefixed() {
        assert_eq!(safe_file_name("CON", "ZZ"), "_CON.gif");
        assert_eq!(safe_file_name("com1", "ZZ"), "_com1.gif");
        assert_eq!(safe_file_name("COM10", "ZZ"), "COM10.gif");
        assert_eq!(safe_file_name("Console", "ZZ"), "Console.gif");
    }

    proptest! {
        // No file of past failures: an example has no `src/` for it.
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Whatever the server sends, the name is one plain file name,
        /// neither hidden nor empty, of at most 100 bytes before `.gif`.
        #[test]
        fn any_country_gives_one_plain_file_name(country in any::<String>()) {
            let name = safe_file_name(&country, "ZZ");
            let components: Vec<_> = Path::new(&name).components().collect();
            prop_assert!(
                matches!(components[..], [Component::Normal(_)]),
                "{name:?}"
            );
            prop_assert!(!name.starts_with('.'));
            prop_assert!(!name.contains(['/', '\\', '\0']));
            let stem = name.strip_suffix(".gif").unwrap_or(&name);
            prop_assert!(!stem.is_empty() && stem.len() <= MAX_NAME_BYTES);
        }
    }
}
