//! Candidate values for the typed theories: numbers and dates (every written constant, the values just
//! below and just above it, one between each two neighbours, one below all and one above all), IP
//! addresses (the first and last address of every block and their neighbours, in IPv4, in IPv6 and in
//! IPv4-mapped IPv6 form, plus the ends of each address space), booleans, and one value that does not
//! parse (the safe-side rule).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

/// A value no typed operator parses.
pub(crate) const UNPARSEABLE: &str = "not-a-value";

/// Numbers: written constants (finite floats) and their neighbourhoods.
pub(crate) fn numbers<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut xs: Vec<f64> = values
        .into_iter()
        .filter_map(|v| v.parse::<f64>().ok())
        .filter(|x| x.is_finite())
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let mut out: Vec<f64> = Vec::new();
    for (i, &x) in xs.iter().enumerate() {
        out.extend([x, next_down(x), next_up(x)]);
        if let Some(&y) = xs.get(i + 1) {
            out.push(x / 2.0 + y / 2.0);
        }
    }
    if let (Some(&lo), Some(&hi)) = (xs.first(), xs.last()) {
        out.extend([lo - 1.0, hi + 1.0]);
    } else {
        out.push(0.0);
    }
    let mut texts: Vec<String> = out
        .into_iter()
        .filter(|x| x.is_finite())
        .map(|x| if x == 0.0 { "0".to_owned() } else { format!("{x}") })
        .collect();
    texts.push(UNPARSEABLE.to_owned());
    texts.sort();
    texts.dedup();
    texts
}

fn next_up(x: f64) -> f64 {
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let bits = x.to_bits();
    f64::from_bits(if x > 0.0 { bits + 1 } else { bits - 1 })
}

fn next_down(x: f64) -> f64 {
    -next_up(-x)
}

/// Dates: written instants (RFC 3339, or a plain date meaning its midnight UTC) and their
/// neighbourhoods, in UTC.
pub(crate) fn dates<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut ts: Vec<OffsetDateTime> = values.into_iter().filter_map(parse_date).collect();
    ts.sort();
    ts.dedup();
    let ns = Duration::nanoseconds(1);
    let mut out = Vec::new();
    for (i, &t) in ts.iter().enumerate() {
        out.push(t);
        out.extend(t.checked_sub(ns));
        out.extend(t.checked_add(ns));
        if let Some(&u) = ts.get(i + 1) {
            out.extend(t.checked_add((u - t) / 2));
        }
    }
    if let (Some(&lo), Some(&hi)) = (ts.first(), ts.last()) {
        out.extend(lo.checked_sub(Duration::days(1)));
        out.extend(hi.checked_add(Duration::days(1)));
    } else {
        out.push(OffsetDateTime::UNIX_EPOCH);
    }
    let mut texts: Vec<String> = out
        .into_iter()
        .filter_map(|t| t.checked_to_offset(UtcOffset::UTC)?.format(&Rfc3339).ok())
        .collect();
    texts.push(UNPARSEABLE.to_owned());
    texts.sort();
    texts.dedup();
    texts
}

fn parse_date(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .or_else(|| OffsetDateTime::parse(&format!("{text}T00:00:00Z"), &Rfc3339).ok())
}

/// Addresses: the ends of every written block and their neighbours, in every form.
pub(crate) fn addresses<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut v4: Vec<u32> = vec![0, u32::MAX];
    let mut v6: Vec<u128> = vec![0, u128::MAX, MAPPED_FIRST, MAPPED_LAST];
    for v in values {
        let net = if v.contains('/') {
            v.parse::<IpNet>().ok().map(|n| n.trunc())
        } else {
            v.parse::<IpAddr>().ok().map(IpNet::from)
        };
        match net {
            Some(IpNet::V4(n)) => v4.extend([u32::from(n.network()), u32::from(n.broadcast())]),
            Some(IpNet::V6(n)) => v6.extend([u128::from(n.network()), u128::from(n.broadcast())]),
            None => {}
        }
    }
    // Mapped addresses are compared as IPv4: the ends in one form are ends in the other.
    let mapped: Vec<u32> = v6
        .iter()
        .filter(|&&a| (MAPPED_FIRST..=MAPPED_LAST).contains(&a))
        .map(|&a| (a - MAPPED_FIRST) as u32)
        .collect();
    v4.extend(mapped);
    let with_neighbours4: Vec<u32> = v4
        .iter()
        .flat_map(|&a| [Some(a), a.checked_sub(1), a.checked_add(1)])
        .flatten()
        .collect();
    let mut v6all: Vec<u128> = v6
        .iter()
        .flat_map(|&a| [Some(a), a.checked_sub(1), a.checked_add(1)])
        .flatten()
        .collect();
    v6all.extend(with_neighbours4.iter().map(|&a| MAPPED_FIRST + u128::from(a)));
    let mut texts: Vec<String> = with_neighbours4
        .iter()
        .map(|&a| Ipv4Addr::from(a).to_string())
        .chain(v6all.iter().map(|&a| Ipv6Addr::from(a).to_string()))
        .collect();
    texts.push(UNPARSEABLE.to_owned());
    texts.sort();
    texts.dedup();
    texts
}

const MAPPED_FIRST: u128 = 0xffff_0000_0000;
const MAPPED_LAST: u128 = 0xffff_ffff_ffff;

/// Booleans, in the spellings requests use, and an unparseable value.
pub(crate) fn booleans() -> Vec<String> {
    ["true", "false", "True", "FALSE", UNPARSEABLE]
        .map(str::to_owned)
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_bracket_every_constant() {
        let c = numbers(["1", "2"]);
        for want in ["1", "2", "1.5", "0", "3", UNPARSEABLE] {
            assert!(c.contains(&want.to_owned()), "{want} missing from {c:?}");
        }
    }

    #[test]
    fn addresses_cover_block_ends_and_mapped_forms() {
        let c = addresses(["10.0.0.0/8"]);
        for want in [
            "10.0.0.0",
            "9.255.255.255",
            "10.255.255.255",
            "11.0.0.0",
            "::ffff:10.0.0.0",
            "::",
        ] {
            assert!(c.contains(&want.to_owned()), "{want} missing");
        }
    }

    #[test]
    fn dates_have_neighbours() {
        let c = dates(["2026-01-01T00:00:00Z"]);
        assert!(c.contains(&"2025-12-31T23:59:59.999999999Z".to_owned()), "{c:?}");
        assert!(c.contains(&"2026-01-01T00:00:00.000000001Z".to_owned()), "{c:?}");
    }
}
