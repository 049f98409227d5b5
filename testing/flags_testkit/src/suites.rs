//! The clients' shared test files, as macros: each expands, in a client's
//! `tests/*.rs`, into one named `#[test]` per behaviour, with its one-line
//! doc, calling the check of this crate that says what the behaviour
//! means. A client's test file is then its binary and one line:
//!
//! ```ignore
//! flags_testkit::fault_tests!(env!("CARGO_BIN_EXE_flags_sequential"));
//! ```
//!
//! Macros, because a `#[test]` must be written in the test crate that
//! runs it: a function of this crate is not a test of the client's, and
//! the same dozen wrappers written out in three files were copies.
//!
//! - [`fault_tests!`](crate::fault_tests): the misbehaving server's faults
//!   ([`crate::faulty`]), Ctrl-C and a bad destination;
//! - [`download_tests!`](crate::download_tests): the book's runs every
//!   client shows ([`crate::checks`]), and `--version`;
//! - [`concurrent_tests!`](crate::concurrent_tests): those, and what only
//!   the two concurrent clients show, concurrency the server can see;
//! - [`https_tests!`](crate::https_tests): downloads over TLS
//!   ([`crate::tls`]).

/// The fault tests of the client binary `$bin`: a misbehaving server
/// ([`crate::faulty`]) answers one code of each run badly, and the client
/// must count it as an error that names the cause while the good codes of
/// the same run are saved untouched.
#[macro_export]
macro_rules! fault_tests {
    ($bin:expr) => {
        /// A body shorter than its Content-Length is an error, not a short
        /// flag.
        #[test]
        fn truncated_body_is_an_error() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::TruncatedBody,
            );
        }

        /// A connection reset in the middle of the body is an error that
        /// says so.
        #[test]
        fn reset_mid_body_is_an_error() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::ResetMidBody,
            );
        }

        /// Headers then silence end in "timed out" after `--timeout`.
        #[test]
        fn stall_after_headers_times_out() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::StallAfterHeaders,
            );
        }

        /// A body that keeps coming, slowly, still ends at `--timeout`: the
        /// timeout covers the whole request, not each read.
        #[test]
        fn endless_drip_times_out() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::DripForever,
            );
        }

        /// A redirect loop is followed a bounded number of times, then an
        /// error.
        #[test]
        fn redirect_loop_is_an_error() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::RedirectLoop,
            );
        }

        /// A redirect to a good flag is followed and the flag saved.
        #[test]
        fn redirect_to_a_good_flag_is_saved() {
            $crate::faulty::expect_saved(
                $bin,
                $crate::faulty::Fault::RedirectToGood,
            );
        }

        /// A body without end is cut at the cap: "too large", memory
        /// bounded.
        #[test]
        fn endless_body_is_too_large() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::EndlessBody,
            );
        }

        /// A body far over the cap is refused as "too large", memory
        /// bounded.
        #[test]
        fn huge_body_is_too_large() {
            $crate::faulty::expect_error($bin, $crate::faulty::Fault::HugeBody);
        }

        /// An answer that is not HTTP is an error.
        #[test]
        fn not_http_is_an_error() {
            $crate::faulty::expect_error($bin, $crate::faulty::Fault::NotHttp);
        }

        /// A broken chunked encoding is an error that mentions the chunks.
        #[test]
        fn broken_chunks_are_an_error() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::BrokenChunks,
            );
        }

        /// A connection closed before any answer is an error.
        #[test]
        fn close_before_answer_is_an_error() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::CloseBeforeAnswer,
            );
        }

        /// 500 prints `CC error: HTTP error 500 - Internal Server Error`.
        #[test]
        fn status_500_is_an_http_error() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::Status500,
            );
        }

        /// 503 prints `CC error: HTTP error 503 - Service Unavailable`.
        #[test]
        fn status_503_is_an_http_error() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::Status503,
            );
        }

        /// 418 prints `CC error: HTTP error 418 - I'm a Teapot`, as in the
        /// book.
        #[test]
        fn status_418_is_an_http_error() {
            $crate::faulty::expect_error(
                $bin,
                $crate::faulty::Fault::Status418,
            );
        }

        /// A body sent a few bytes at a time, within the timeout, is saved.
        #[test]
        fn trickled_body_is_saved() {
            $crate::faulty::expect_saved(
                $bin,
                $crate::faulty::Fault::TrickledBody,
            );
        }

        /// A destination that is a file, or under one, fails with exit 1
        /// and a one-line reason before any request.
        #[test]
        fn bad_destination_is_refused_before_any_request() {
            $crate::faulty::expect_bad_dest_refused($bin);
        }

        /// Ctrl-C mid-run: exit 130, the final report for what finished,
        /// and only whole flags in the destination.
        // Ctrl-C is a POSIX signal sent with `kill`: Unix only.
        #[cfg(unix)]
        #[test]
        fn interrupt_prints_the_report_and_leaves_only_whole_flags() {
            $crate::faulty::expect_interrupt_report($bin);
        }
    };
}

/// The book's runs that every client shows, for the
/// [`Client`](crate::checks::Client) `$client` whose package is named
/// `$name`: checked by the report, the files saved and what the server
/// saw ([`crate::checks`]).
#[macro_export]
macro_rules! download_tests {
    ($client:expr, $name:expr) => {
        /// `-e` asks for all 676 codes with the default `-m`: the book's
        /// report, the 194 flags saved byte for byte, the other 482 "not
        /// found".
        #[test]
        fn every_finds_194_flags_and_482_not_found() {
            $crate::checks::every_finds_194_flags_and_482_not_found(&$client);
        }

        /// `-v` prints one line per code, as each finishes, instead of the
        /// bar.
        #[test]
        fn verbose_prints_one_line_per_code() {
            $crate::checks::verbose_prints_one_line_per_code(&$client);
        }

        /// Against ERROR some codes fail with 418; the counts add up to the
        /// codes asked and agree with what the server answered.
        #[test]
        fn error_server_counts_add_up_to_the_codes_asked() {
            $crate::checks::error_server_counts_add_up_to_the_codes_asked(
                &$client,
            );
        }

        /// `--version` prints the binary's name and version, and exits 0.
        #[test]
        fn version_prints_name_and_version() {
            $crate::checks::version_prints_name_and_version(&$client, $name);
        }
    };
}

/// What the two concurrent clients show: [`download_tests!`], and beyond
/// it, for the [`Client`](crate::checks::Client) `$client`, `-m` requests
/// in flight at once, as the server counts them, and connections reused.
#[macro_export]
macro_rules! concurrent_tests {
    ($client:expr, $name:expr) => {
        $crate::download_tests!($client, $name);

        /// Codes that wait for a free worker reuse the connections of those
        /// that finished: the pool keeps them for that.
        #[test]
        fn waiting_codes_reuse_the_connections_of_finished_ones() {
            $crate::checks::waiting_codes_reuse_the_connections_of_finished_ones(&$client);
        }

        /// `-m 7` puts exactly 7 requests in flight when more codes than
        /// workers overlap.
        #[test]
        fn peak_in_flight_is_exactly_m() {
            $crate::checks::peak_in_flight_is_exactly_m(&$client);
        }

        /// `-m 1000 -e` gives every code (676, fewer than 1000) its worker:
        /// every request is in flight at once, and none fails.
        #[test]
        fn m_1000_puts_all_676_codes_in_flight() {
            $crate::checks::m_1000_puts_all_676_codes_in_flight(&$client);
        }

        /// Under a hard open-file limit of 256, `-m 1000 -e` is lowered to
        /// what fits, with one line on stderr saying so, and no download
        /// fails.
        #[cfg(unix)]
        #[test]
        fn low_open_file_limit_lowers_m_without_errors() {
            $crate::checks::low_open_file_limit_lowers_m(&$client);
        }
    };
}

/// REMOTE is HTTPS: the client binary `$bin` downloads over TLS from a
/// local server whose authority SSL_CERT_FILE names, and refuses one it
/// does not trust ([`crate::tls`]).
#[macro_export]
macro_rules! https_tests {
    ($bin:expr) => {
        /// With SSL_CERT_FILE naming the test's authority, the flags come
        /// over HTTPS byte for byte.
        #[test]
        fn https_with_ssl_cert_file_saves_the_flags() {
            $crate::tls::https_saves_the_flags($bin);
        }

        /// Without it, the test's authority is unknown and every code fails
        /// on the certificate.
        #[test]
        fn https_from_an_unknown_authority_fails_every_code() {
            $crate::tls::https_refuses_an_unknown_authority($bin);
        }
    };
}
