//! Decision ids: one per decision record, echoed to the client, so a log line and an answer can be
//! matched and a log replayed.

use std::fmt;
use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The id of one decision: 32 hexadecimal characters, a random per-process prefix and a counter, so ids
/// are unique within a process and, with overwhelming likelihood, across processes. Making one takes an
/// atomic increment; it allocates nothing.
///
/// ```
/// use ims_iam::gateway::DecisionId;
/// let (a, b) = (DecisionId::next(), DecisionId::next());
/// assert_ne!(a, b);
/// assert_eq!(a.to_string().len(), 32);
/// assert!(a.to_string().bytes().all(|c| c.is_ascii_hexdigit()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecisionId {
    prefix: u64,
    counter: u64,
}

static PREFIX: OnceLock<u64> = OnceLock::new();
static COUNTER: AtomicU64 = AtomicU64::new(0);

impl DecisionId {
    /// A fresh id.
    pub fn next() -> DecisionId {
        let prefix = *PREFIX.get_or_init(|| {
            // The standard library's per-process random hash keys, mixed with the time and the process id.
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(std::process::id());
            if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
                h.write_u128(t.as_nanos());
            }
            h.finish()
        });
        DecisionId {
            prefix,
            counter: COUNTER.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl fmt::Display for DecisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}{:016x}", self.prefix, self.counter)
    }
}
