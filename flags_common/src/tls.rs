//! Which HTTPS servers the clients trust: Mozilla's root certificates, or
//! those of the file `SSL_CERT_FILE` names.
//!
//! Not in the book, where httpx decides: it trusts certifi's copy of
//! Mozilla's roots, and, when `SSL_CERT_FILE` is set, the certificates of
//! that file instead. The Rust clients do the same. ureq and reqwest both
//! build in Mozilla's roots (the `webpki-roots` crate), which works the
//! same on Linux, macOS and Windows, offline, and on a machine with no CA
//! bundle installed; the alternative, the operating system's own store
//! (`rustls-platform-verifier`), honours `SSL_CERT_FILE` only on Linux.
//!
//! `SSL_CERT_FILE` is how a user behind a company proxy that re-signs TLS
//! trusts its certificate, and how the tests trust their own local HTTPS
//! server: no command-line option is added, so the options stay the book's.

use std::ffi::OsString;
use std::io;
use std::path::Path;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// The variable that names a PEM file of root certificates to trust
/// instead of the built-in ones, as for httpx, curl and OpenSSL.
pub const CERT_FILE_VAR: &str = "SSL_CERT_FILE";

/// The root certificates to trust instead of the built-in ones: `None`
/// when `SSL_CERT_FILE` is unset or empty (trust Mozilla's roots), else
/// the certificates of that file.
///
/// A file that cannot be read, or holds no certificate, is reported once
/// on stderr and trusts nothing: every HTTPS download then fails (and is
/// counted), rather than trusting roots the user asked to replace. Plain
/// HTTP is not affected.
pub fn roots_from_env() -> Option<Vec<CertificateDer<'static>>> {
    roots_from(std::env::var_os(CERT_FILE_VAR))
}

/// [`roots_from_env`] for a given value of the variable.
fn roots_from(value: Option<OsString>) -> Option<Vec<CertificateDer<'static>>> {
    let path = value.filter(|path| !path.is_empty())?;
    let path = Path::new(&path);
    match read_certificates(path) {
        Ok(certs) => Some(certs),
        Err(error) => {
            eprintln!(
                "{CERT_FILE_VAR}={}: {error}; no HTTPS server is trusted",
                path.display()
            );
            Some(Vec::new())
        }
    }
}

/// Every certificate of a PEM file (other PEM sections are skipped);
/// an error if there is none.
pub fn read_certificates(
    path: &Path,
) -> io::Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|error| match error {
            rustls_pki_types::pem::Error::Io(error) => error,
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        })?;
    if certs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "no PEM certificate in it",
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unset or empty, the variable leaves the built-in roots in place.
    #[test]
    fn unset_or_empty_means_built_in_roots() {
        assert_eq!(roots_from(None), None);
        assert_eq!(roots_from(Some(OsString::new())), None);
    }

    /// A missing file, or one without a certificate, trusts nothing.
    #[test]
    fn unusable_file_trusts_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        assert_eq!(roots_from(Some(missing.into())), Some(Vec::new()));
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        assert_eq!(
            read_certificates(&empty).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        assert_eq!(roots_from(Some(empty.into())), Some(Vec::new()));
    }

    /// Each certificate of the file is read, in order.
    #[test]
    fn every_certificate_of_the_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("roots.pem");
        // Two PEM blocks; their contents need not be valid X.509 to be read.
        std::fs::write(
            &file,
            "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n\
             -----BEGIN CERTIFICATE-----\nBAUG\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let certs = read_certificates(&file).unwrap();
        let bytes: Vec<&[u8]> = certs.iter().map(|c| c.as_ref()).collect();
        assert_eq!(bytes, [&[1u8, 2, 3][..], &[4, 5, 6]]);
    }
}
