//! Policy value lists compiled for lookup: what a request value is compared with costs a binary
//! search, not a scan of the list (SPEC 3.5: the semantics are the scan's).
//!
//! - strings, exact or folded: sorted and deduplicated; membership by binary search;
//! - numbers and dates: sorted (`-0` is `0`); `NumberEquals` by binary search, the orderings against
//!   the smallest or largest value (`req < p` for some `p` exactly when `req < max p`; see `Cmp`);
//! - IP blocks: IPv4 and IPv6 blocks apart, each as sorted, merged address ranges; membership by
//!   binary search. Blocks in IPv4-mapped form are IPv4 blocks already (`values::parse_net`), and
//!   request addresses are canonical, so an address is looked up among the blocks of its family only.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::fold::folded;

/// Policy strings, sorted by their bytes and deduplicated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Strings(Box<[Box<str>]>);

impl Strings {
    /// The set of `values` (already folded, for a folded comparison).
    pub(super) fn new(values: impl IntoIterator<Item = String>) -> Strings {
        let mut v: Vec<Box<str>> = values.into_iter().map(String::into_boxed_str).collect();
        v.sort_unstable();
        v.dedup();
        Strings(v.into_boxed_slice())
    }

    /// Whether `text` is one of the values.
    #[inline]
    pub(super) fn contains(&self, text: &str) -> bool {
        match &*self.0 {
            [only] => **only == *text,
            values => values.binary_search_by(|p| (**p).cmp(text)).is_ok(),
        }
    }

    /// Whether the simple case folding of `text` is one of the (folded) values. Ordering by chars
    /// is ordering by UTF-8 bytes, the order the values are sorted in.
    #[inline]
    pub(super) fn contains_folded(&self, text: &str) -> bool {
        self.0
            .binary_search_by(|p| p.chars().cmp(folded(text)))
            .is_ok()
    }

    /// The values, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|s| &**s)
    }

    /// How many distinct values.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

/// IP blocks as sorted, disjoint, non-adjacent inclusive address ranges, per family.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Nets {
    v4: Box<[(u32, u32)]>,
    v6: Box<[(u128, u128)]>,
}

impl Nets {
    pub(super) fn new(nets: &[IpNet]) -> Nets {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for net in nets {
            match net {
                IpNet::V4(n) => v4.push((u32::from(n.network()), u32::from(n.broadcast()))),
                IpNet::V6(n) => v6.push((u128::from(n.network()), u128::from(n.broadcast()))),
            }
        }
        Nets {
            v4: merged(v4),
            v6: merged(v6),
        }
    }

    /// Whether `addr` (canonical: a mapped address is its IPv4 address) is inside some block.
    #[inline]
    pub(super) fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => inside(&self.v4, u32::from(a)),
            IpAddr::V6(a) => inside(&self.v6, u128::from(a)),
        }
    }
}

/// Ranges sorted by start, overlapping and adjacent ones merged.
fn merged<T: Ord + Copy + Step>(mut ranges: Vec<(T, T)>) -> Box<[(T, T)]> {
    ranges.sort_unstable();
    let mut out: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match out.last_mut() {
            Some(last) if last.1.next().is_none_or(|after| start <= after) => {
                last.1 = last.1.max(end);
            }
            _ => out.push((start, end)),
        }
    }
    out.into_boxed_slice()
}

/// Whether `a` is in one of the sorted, disjoint ranges.
#[inline]
fn inside<T: Ord + Copy>(ranges: &[(T, T)], a: T) -> bool {
    let i = ranges.partition_point(|r| r.0 <= a);
    i > 0 && ranges.get(i - 1).is_some_and(|r| a <= r.1)
}

/// The next address, if any.
trait Step: Sized {
    fn next(self) -> Option<Self>;
}

impl Step for u32 {
    fn next(self) -> Option<u32> {
        self.checked_add(1)
    }
}

impl Step for u128 {
    fn next(self) -> Option<u128> {
        self.checked_add(1)
    }
}
