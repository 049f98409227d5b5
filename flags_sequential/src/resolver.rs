//! Name resolution once per host, for the agent of [`crate::http::agent`].
//!
//! Not in the book: httpx hides it. ureq looks the host up before every
//! request, even one that goes out on a pooled keep-alive connection, and
//! when a timeout is set it does the lookup on a new thread, so that a slow
//! DNS answer can be abandoned: a thread started and waited for per flag.
//! A host's addresses do not change during one run, so the first answer
//! is kept and reused. What it saved: docs/tuning.md#resolver.
//!
//! The thread pool's workers all make their first request at once, so the
//! first lookup of a host is made by one of them while the others wait for
//! its answer, rather than each starting a lookup thread of its own.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{
    DefaultResolver, ResolvedSocketAddrs, Resolver,
};
use ureq::unversioned::transport::NextTimeout;

/// ureq's own resolver (a thread per lookup, bounded by the timeout), with
/// a memory of the answers.
#[derive(Debug, Default)]
pub(crate) struct ResolveOnce {
    lookup: DefaultResolver,
    /// Addresses by `scheme://host:port`. A std `Mutex`, held across the
    /// first lookup of a host so that no other thread starts the same one:
    /// they wait for its answer, at most the lookup's own timeout.
    known: Mutex<HashMap<String, ResolvedSocketAddrs>>,
}

impl Resolver for ResolveOnce {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // The scheme is part of the key because it sets the default port.
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or_default(),
            uri.authority().map_or("", |authority| authority.as_str())
        );
        // A poisoned lock only means another thread panicked during a
        // lookup; the map itself is still sound.
        let mut known =
            self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(addrs) = known.get(&key) {
            return Ok(addrs.clone());
        }
        // A failed lookup is not kept: the next request tries again.
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        known.insert(key, addrs.clone());
        Ok(addrs)
    }
}
