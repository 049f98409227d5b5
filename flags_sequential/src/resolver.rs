//! Name resolution once per host, for the agent of [`crate::http_agent`].
//!
//! Not in the book: httpx hides it. ureq looks the host up before every
//! request, even one that goes out on a pooled keep-alive connection, and
//! when a timeout is set it does the lookup on a new thread, so that a slow
//! DNS answer can be abandoned. For `-a` that is 194 threads, and waiting
//! for each to be scheduled cost up to a scheduler tick (4 ms) per flag on
//! a busy machine: `-a` on LOCAL took three times as long as `curl` with
//! the same 194 URLs. A host's addresses do not change during one run, so
//! the first answer is kept and reused.

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
    /// Addresses by `scheme://host:port`. A std `Mutex` because it is held
    /// only to copy a few addresses, never across a lookup; with the thread
    /// pool, two first requests may both look up, which is harmless.
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
        // A poisoned lock only means another thread panicked while copying
        // addresses; the map itself is still sound.
        let known =
            || self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(addrs) = known().get(&key) {
            return Ok(addrs.clone());
        }
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        known().insert(key, addrs.clone());
        Ok(addrs)
    }
}
