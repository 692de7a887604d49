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

use crate::compile::hash::{tail, word};
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
            [only] => same_bytes(only.as_bytes(), text.as_bytes()),
            values => values.binary_search_by(|p| (**p).cmp(text)).is_ok(),
        }
    }

    /// Whether the simple case folding of `text` is one of the (folded) values. Ordering by chars
    /// is ordering by UTF-8 bytes, the order the values are sorted in.
    #[inline]
    pub(super) fn contains_folded(&self, text: &str) -> bool {
        self.0.binary_search_by(|p| p.chars().cmp(folded(text))).is_ok()
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

/// Whether `a` and `b` are the same bytes: a text of at most 16 bytes as two word compares.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match (a.get(..8), b.get(..8)) {
        (Some(a8), Some(b8)) if n <= 16 => {
            let end = n - 8;
            word(a8) == word(b8) && a.get(end..).map(word) == b.get(end..).map(word)
        }
        (Some(_), Some(_)) => a == b,
        _ => tail(a) == tail(b),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::condition::Cmp;
    use crate::compile::condition::values::{parse_ip, parse_net};
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "[a-cA-C\u{212A}kΣσς]{0,4}"
    }

    proptest! {
        #[test]
        fn sorted_numbers_agree_with_each_value(
            values in prop::collection::vec(prop::sample::select(vec![-2.5, -1.0, -0.0, 0.0, 1.0, 3.0]), 1..6),
            req in prop::sample::select(vec![-3.0, -2.5, -0.0, 0.0, 0.5, 1.0, 3.0, 4.0]),
        ) {
            let mut sorted: Vec<f64> = values.iter().map(|n| n + 0.0).collect();
            sorted.sort_unstable_by(f64::total_cmp);
            for cmp in [Cmp::Eq, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge] {
                prop_assert_eq!(cmp.test_any(&req, &sorted), values.iter().any(|p| cmp.test(&req, p)), "{:?}", cmp);
            }
        }

        #[test]
        fn byte_comparison_by_words_agrees(a in "[ab\0]{0,40}", b in "[ab\0]{0,40}") {
            prop_assert_eq!(same_bytes(a.as_bytes(), b.as_bytes()), a == b);
            prop_assert!(same_bytes(a.as_bytes(), a.as_bytes()));
        }

        #[test]
        fn string_sets_agree_with_scanning(values in prop::collection::vec(text(), 1..12), req in text()) {
            let exact = Strings::new(values.clone());
            prop_assert_eq!(exact.contains(&req), values.contains(&req));
            let folded_values: Vec<String> = values.iter().map(|v| folded(v).collect()).collect();
            let ignore_case = Strings::new(folded_values.clone());
            prop_assert_eq!(
                ignore_case.contains_folded(&req),
                folded_values.iter().any(|p| p.chars().eq(folded(&req)))
            );
        }

        #[test]
        fn merged_ranges_agree_with_each_block(
            blocks in prop::collection::vec((any::<u32>(), 0u8..=32, any::<u128>(), 0u8..=128, any::<bool>()), 1..20),
            probes in prop::collection::vec((any::<u32>(), any::<u128>()), 1..20),
        ) {
            // Blocks near each other (low octets varied), some IPv6, some in mapped form.
            let nets: Vec<IpNet> = blocks
                .iter()
                .filter_map(|&(a, p4, b, p6, v6)| {
                    let text = if v6 {
                        format!("{}/{p6}", std::net::Ipv6Addr::from(b & 0xffff_0000_0000_0000_0000_0000_ffff_ffff | 0x2001_0db8 << 96))
                    } else if p4 % 3 == 0 {
                        format!("::ffff:{}/{}", std::net::Ipv4Addr::from(a & 0x0a00_ffff | 0x0a00_0000), 96 + u32::from(p4))
                    } else {
                        format!("{}/{p4}", std::net::Ipv4Addr::from(a & 0x0a00_ffff | 0x0a00_0000))
                    };
                    parse_net(&text)
                })
                .collect();
            let set = Nets::new(&nets);
            for &(a, b) in &probes {
                for text in [
                    std::net::Ipv4Addr::from(a & 0x0a00_ffff | 0x0a00_0000).to_string(),
                    std::net::Ipv6Addr::from(b & 0xffff_0000_0000_0000_0000_0000_ffff_ffff | 0x2001_0db8 << 96).to_string(),
                    format!("::ffff:{}", std::net::Ipv4Addr::from(a & 0x0a00_ffff | 0x0a00_0000)),
                ] {
                    let Some(addr) = parse_ip(&text) else { continue };
                    prop_assert_eq!(set.contains(addr), nets.iter().any(|n| n.contains(&addr)), "{}", text);
                }
            }
        }
    }

    #[test]
    fn ranges_at_the_ends_of_the_address_space_merge() {
        let nets: Vec<IpNet> = ["255.255.255.0/24", "255.255.254.0/24", "0.0.0.0/32", "::/0"]
            .iter()
            .filter_map(|t| parse_net(t))
            .collect();
        let set = Nets::new(&nets);
        assert_eq!(set.v4.len(), 2);
        assert_eq!(set.v6.len(), 1);
        for (text, inside) in [
            ("255.255.255.255", true),
            ("255.255.254.0", true),
            ("255.255.253.255", false),
            ("0.0.0.0", true),
            ("0.0.0.1", false),
            ("::ffff:0.0.0.0", true),
            ("2001:db8::1", true),
        ] {
            let addr = parse_ip(text).unwrap();
            assert_eq!(set.contains(addr), inside, "{text}");
        }
    }
}
