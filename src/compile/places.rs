//! The buckets of project and enterprise-project attachments, by scope id: sorted while the set is
//! built, then hashed once so that a decision finds its bucket with one hash and one comparison
//! instead of a binary search of string comparisons.

use super::bucket::Bucket;
use super::hash::{hash_bytes, place};

/// The seed of the ids' hash (any constant: every lookup compares the id in full).
const SEED: u64 = 0x1d5c_9f2e;

/// Bucket per scope id, sorted by id, with an open-addressing index over them.
#[derive(Debug, Default)]
pub(crate) struct Places {
    /// Sorted by id.
    buckets: Vec<(String, Bucket)>,
    /// `index[place]` is `1 +` a position in `buckets`, `0` an empty place; its length is a power of
    /// two at least twice the number of buckets (empty while there are none).
    index: Vec<u32>,
}

impl Places {
    /// The bucket of `id`, created empty on first use (while the set is built).
    pub(crate) fn bucket_for(&mut self, id: &str) -> &mut Bucket {
        let i = match self.buckets.binary_search_by(|(k, _)| k.as_str().cmp(id)) {
            Ok(i) => i,
            Err(i) => {
                self.buckets.insert(i, (id.to_owned(), Bucket::default()));
                self.index.clear();
                i
            }
        };
        &mut self.buckets[i].1
    }

    /// Builds the index once every bucket is in (the set is immutable from then on).
    pub(crate) fn seal(&mut self) {
        let size = (self.buckets.len() * 2).next_power_of_two();
        let mut index = vec![0u32; if self.buckets.is_empty() { 0 } else { size }];
        let mask = index.len().wrapping_sub(1);
        for (i, (id, _)) in self.buckets.iter().enumerate() {
            let mut at = place(hash_bytes(SEED, id.as_bytes()), mask);
            // The table is at most half full: an empty place is always found.
            while index.get(at).is_some_and(|&e| e != 0) {
                at = (at + 1) & mask;
            }
            if let (Some(e), Ok(v)) = (index.get_mut(at), u32::try_from(i + 1)) {
                *e = v;
            }
        }
        self.index = index;
    }

    /// Whether no policy is attached at any scope of this kind.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// The bucket of `id`, if something is attached there.
    #[inline]
    pub(crate) fn get(&self, id: &str) -> Option<&Bucket> {
        let Some(mask) = self.index.len().checked_sub(1) else {
            return self.search(id);
        };
        let mut at = place(hash_bytes(SEED, id.as_bytes()), mask);
        // At most every place once: the table always has an empty one.
        for _ in 0..self.index.len() {
            let e = *self.index.get(at)?;
            let (k, bucket) = self.buckets.get(usize::try_from(e).ok()?.checked_sub(1)?)?;
            if k == id {
                return Some(bucket);
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// The bucket of `id` by binary search (a set without buckets, or not sealed).
    #[inline]
    fn search(&self, id: &str) -> Option<&Bucket> {
        if self.buckets.is_empty() {
            return None;
        }
        self.search_sorted(id)
    }

    #[cold]
    fn search_sorted(&self, id: &str) -> Option<&Bucket> {
        self.buckets
            .binary_search_by(|(k, _)| k.as_str().cmp(id))
            .ok()
            .and_then(|i| self.buckets.get(i))
            .map(|(_, b)| b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn places(ids: &[String]) -> Places {
        let mut p = Places::default();
        for id in ids {
            p.bucket_for(id);
        }
        p
    }

    proptest! {
        /// The hashed lookup finds exactly the ids that were added, as the binary search does.
        #[test]
        fn lookup_agrees_with_search(ids in prop::collection::vec("[0-9a-f]{0,34}", 0..40),
                                     probes in prop::collection::vec("[0-9a-f]{0,34}", 0..40)) {
            let mut p = places(&ids);
            let unsealed: Vec<bool> = probes.iter().chain(&ids).map(|id| p.get(id).is_some()).collect();
            p.seal();
            for (id, was) in probes.iter().chain(&ids).zip(unsealed) {
                let found = p.get(id).is_some();
                prop_assert_eq!(found, ids.contains(id));
                prop_assert_eq!(found, was);
                if found {
                    prop_assert!(std::ptr::eq(p.get(id).unwrap(), p.search(id).unwrap()));
                }
            }
        }
    }

    #[test]
    fn an_empty_table_finds_nothing() {
        let mut p = Places::default();
        p.seal();
        assert!(p.get("0123456789abcdef0123456789abcdef").is_none());
        assert!(p.get("").is_none());
    }
}
