//! The values conditions compare, parsed from text: the same syntax in policies and in requests
//! (SPEC 3.5, "values").
//!
//! - numbers: decimal with an optional sign, fraction and exponent (`-1`, `+2`, `007`, `0.5`, `1e3`);
//!   not `1.`, not `.5`, no spaces, no `NaN`/`inf`; finite as a 64-bit float;
//! - dates: RFC 3339 date-times with an offset (`T`/`t`, `Z`/`z`, fractions, a leap second `:60` at
//!   the end of any minute), or a plain date meaning its midnight UTC; ordered exactly, leap seconds
//!   included (`23:59:59.9` < `23:59:60` < `23:59:60.5` < `00:00:00`);
//! - booleans: `true`/`false` in any ASCII letter case;
//! - IPs: IPv4 or IPv6 addresses and CIDR blocks (no netmasks, no zone ids); an IPv4-mapped IPv6
//!   address is its IPv4 address, a block written in mapped form (`::ffff:10.0.0.0/104`) the IPv4
//!   block (`10.0.0.0/8`), so a mapped address is never inside a pure IPv6 block such as `::/0`.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// An instant, ordered exactly: whole UTC seconds since the epoch (a leap second counts as the
/// second before it) and the nanoseconds into it (a leap second adds one second's worth, so that it
/// sorts after every instant of the second before and before the next one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Instant {
    seconds: i64,
    nanos: u64,
}

impl Instant {
    /// The instant of a time value (never a leap second).
    pub(crate) fn of(t: OffsetDateTime) -> Instant {
        Instant {
            seconds: t.unix_timestamp(),
            nanos: u64::from(t.nanosecond()),
        }
    }
}

/// A finite number: sign, digits, optional fraction and exponent.
///
/// A plain integer of at most [`EXACT_DIGITS`] digits (the usual request value: an age in seconds, a
/// count) is read digit by digit; its value is below 2^53, so the float is the exact integer, as
/// the general parse gives it (`-0` included).
#[inline]
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    match parse_integer(text.as_bytes()) {
        Some(n) => Some(n),
        None => parse_decimal(text),
    }
}

/// The most digits of an integer read by [`parse_integer`]: 10^15 < 2^53.
const EXACT_DIGITS: usize = 15;

/// An optional sign and 1 to [`EXACT_DIGITS`] decimal digits, as a float (exact).
#[inline]
fn parse_integer(bytes: &[u8]) -> Option<f64> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > EXACT_DIGITS {
        return None;
    }
    let mut n = 0u64;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + u64::from(d);
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "below 10^15 < 2^53: every such integer is a float"
    )]
    let x = n as f64;
    Some(if negative { -x } else { x })
}

/// [`parse_number`] of any number: the syntax checked, then the standard library's parse.
fn parse_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    if digits(&mut i) == 0 {
        return None;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `true` or `false`, any ASCII letter case.
///
/// Compared 4 bytes at a time with the case bit (`0x20`) set: a byte with it set is a lowercase
/// letter of `true`/`false` only when it was that letter or its uppercase.
#[inline]
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    const CASE: u32 = 0x2020_2020;
    let lower = |b: &[u8]| <[u8; 4]>::try_from(b).map_or(0, |w| u32::from_le_bytes(w) | CASE);
    match text.as_bytes() {
        t @ [_, _, _, _] if lower(t) == u32::from_le_bytes(*b"true") => Some(true),
        [a, b, c, d, e] if lower(&[*a, *b, *c, *d]) == u32::from_le_bytes(*b"fals") && e | 0x20 == b'e' => {
            Some(false)
        }
        _ => None,
    }
}

/// Reads `n` ASCII digits at `at` as a number.
fn number(bytes: &[u8], at: usize, n: usize) -> Option<u32> {
    let digits = bytes.get(at..at + n)?;
    digits.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// An RFC 3339 date-time with offset, or a plain date (its midnight UTC).
pub(crate) fn parse_date(text: &str) -> Option<Instant> {
    let b = text.as_bytes();
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = i32::try_from(number(b, 0, 4)?).ok()?;
    let month = Month::try_from(u8::try_from(number(b, 5, 2)?).ok()?).ok()?;
    let day = u8::try_from(number(b, 8, 2)?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let midnight = date.midnight().assume_utc().unix_timestamp();
    if b.len() == 10 {
        return Some(Instant {
            seconds: midnight,
            nanos: 0,
        });
    }
    if !matches!(b.get(10), Some(b'T' | b't')) || b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let (hour, minute, second) = (number(b, 11, 2)?, number(b, 14, 2)?, number(b, 17, 2)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut scale = 100_000_000u64;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            // Digits past nanoseconds are read and ignored.
            nanos += u64::from(d - b'0') * scale;
            scale /= 10;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_seconds = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b.get(i + 3) == Some(&b':') => {
            let (h, m) = (number(b, i + 1, 2)?, number(b, i + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let magnitude = i64::from(h * 3600 + m * 60);
            if sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return None,
    };
    let leap = second == 60;
    let local = i64::from(hour * 3600 + minute * 60 + second.min(59));
    Some(Instant {
        seconds: midnight + local - offset_seconds,
        nanos: nanos + if leap { 1_000_000_000 } else { 0 },
    })
}

/// A CIDR block, or a bare address as a single-address block; host bits are cleared and a block in
/// IPv4-mapped form becomes the IPv4 block.
pub(crate) fn parse_net(text: &str) -> Option<IpNet> {
    let net = if text.contains('/') {
        text.parse::<IpNet>().ok()?.trunc()
    } else {
        IpNet::from(text.parse::<IpAddr>().ok()?)
    };
    Some(match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.network().to_ipv4_mapped() {
            Some(v4) => IpNet::V4(Ipv4Net::new(v4, v6.prefix_len() - 96).ok()?),
            None => net,
        },
        _ => net,
    })
}

/// An address, an IPv4-mapped IPv6 address as its IPv4 address. A dotted-quad IPv4 address is read
/// in one pass; anything else goes to the standard library's parser (which accepts the same IPv4
/// addresses).
#[inline]
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    match parse_ipv4(text.as_bytes()) {
        Some(v4) => Some(IpAddr::V4(v4)),
        None => text.parse::<IpAddr>().ok().map(|a| a.to_canonical()),
    }
}

/// Four decimal octets (0 to 255, no leading zero but for `0` itself) joined by dots: the IPv4
/// addresses the standard library's parser accepts. One pass, an octet's digits unrolled.
#[inline]
fn parse_ipv4(bytes: &[u8]) -> Option<Ipv4Addr> {
    let digit = |i: usize| bytes.get(i).map(|b| b.wrapping_sub(b'0')).filter(|&d| d <= 9);
    let mut octets = [0u8; 4];
    let mut i = 0;
    for (k, octet) in octets.iter_mut().enumerate() {
        if k > 0 {
            if bytes.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let first = digit(i)?;
        let mut value = u32::from(first);
        i += 1;
        if let Some(d) = digit(i) {
            if first == 0 {
                return None;
            }
            value = value * 10 + u32::from(d);
            i += 1;
            if let Some(d) = digit(i) {
                value = value * 10 + u32::from(d);
                i += 1;
            }
        }
        *octet = u8::try_from(value).ok()?;
    }
    (i == bytes.len()).then_some(Ipv4Addr::from(octets))
}

/// The instant as RFC 3339 text in UTC, written into `buf`.
pub(crate) fn time_text(t: OffsetDateTime, buf: &mut [u8; 64]) -> Option<&str> {
    let mut out = &mut buf[..];
    let len = t
        .checked_to_offset(UtcOffset::UTC)?
        .format_into(&mut out, &Rfc3339)
        .ok()?;
    std::str::from_utf8(buf.get(..len)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> Instant {
        parse_date(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    #[test]
    fn dates_accepted_and_refused() {
        assert_eq!(
            date("2026-01-01"),
            date("2026-01-01T00:00:00Z"),
            "a date is its midnight UTC"
        );
        assert_eq!(date("2026-01-01t01:00:00+01:00"), date("2026-01-01T00:00:00z"));
        assert_eq!(date("2025-12-31T19:00:00-05:00"), date("2026-01-01T00:00:00Z"));
        assert_eq!(date("2026-01-01T00:00:00.5Z").nanos, 500_000_000);
        for bad in [
            "2026-1-01",
            "2026-13-01",
            "2026-02-30",
            "2026-01-01T",
            "2026-01-01T00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:61Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00+0100",
            "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:00Zjunk",
            "1767225600",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn leap_seconds_are_ordered_exactly() {
        let order = [
            "2016-12-31T23:59:59.9Z",
            "2016-12-31T23:59:59.999999999Z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60.5Z",
            "2017-01-01T00:00:00Z",
        ];
        for pair in order.windows(2) {
            assert!(date(pair[0]) < date(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(date("2017-01-01T00:59:60+01:00"), date("2016-12-31T23:59:60Z"));
        let before = OffsetDateTime::from_unix_timestamp(1_483_228_799).map(Instant::of);
        assert_eq!(before.ok(), Some(date("2016-12-31T23:59:59Z")));
    }

    #[test]
    fn booleans_agree_with_comparing_letters() {
        // Every text of 1 to 5 bytes over the letters of `true`/`false` in both cases, NUL and a
        // digit (bytes that the case bit leaves alone or moves elsewhere).
        let alphabet: Vec<u8> = b"truefalsTRUEFALS\x005".to_vec();
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..5 {
            texts = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |&c| [t.as_slice(), &[c]].concat()))
                .collect();
            for t in &texts {
                let text = std::str::from_utf8(t).unwrap_or_default();
                let expected = if text.eq_ignore_ascii_case("true") {
                    Some(true)
                } else if text.eq_ignore_ascii_case("false") {
                    Some(false)
                } else {
                    None
                };
                assert_eq!(parse_bool(text), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn booleans_in_any_case() {
        for (text, expected) in [("true", Some(true)), ("TRUE", Some(true)), ("False", Some(false))] {
            assert_eq!(parse_bool(text), expected, "{text}");
        }
        for bad in ["1", "yes", "t", " true", "truee", ""] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn integers_parse_as_the_general_parser_does(text in "[-+]?[0-9]{0,17}|[-+0-9.eE]{0,8}|\\PC{0,6}") {
            let fast = parse_integer(text.as_bytes());
            if let Some(n) = fast {
                prop_assert_eq!(Some(n.to_bits()), parse_decimal(&text).map(f64::to_bits), "{}", text);
            }
            prop_assert_eq!(parse_number(&text).map(f64::to_bits), parse_decimal(&text).map(f64::to_bits), "{}", text);
        }

        #[test]
        fn addresses_parse_as_the_standard_library_does(
            text in "[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}|[0-9.]{0,18}|[0-9a-f:.]{0,20}|\\PC{0,8}",
        ) {
            let std = text.parse::<IpAddr>().ok().map(|a| a.to_canonical());
            prop_assert_eq!(parse_ip(&text), std, "{}", text);
            if let Some(v4) = parse_ipv4(text.as_bytes()) {
                prop_assert_eq!(Some(v4), text.parse::<Ipv4Addr>().ok(), "{}", text);
            }
        }
    }

    #[test]
    fn integers_and_addresses_at_the_edges() {
        for (text, expected) in [
            ("0", Some(0.0)),
            ("-0", Some(-0.0)),
            ("+7", Some(7.0)),
            ("007", Some(7.0)),
            ("999999999999999", Some(999_999_999_999_999.0)),
            ("9999999999999999", Some(1e16)),
            ("1e3", Some(1000.0)),
            ("", None),
            ("-", None),
            ("1.", None),
            ("+-1", None),
        ] {
            assert_eq!(
                parse_number(text).map(f64::to_bits),
                expected.map(f64::to_bits),
                "{text}"
            );
        }
        assert_eq!(
            parse_integer(b"9999999999999999"),
            None,
            "16 digits go to the general parse"
        );
        for (text, ok) in [
            ("0.0.0.0", true),
            ("255.255.255.255", true),
            ("10.0.3.7", true),
            ("256.0.0.1", false),
            ("01.2.3.4", false),
            ("1.2.3", false),
            ("1.2.3.4.", false),
            ("1.2.3.0004", false),
            ("1..2.3", false),
            (" 1.2.3.4", false),
        ] {
            assert_eq!(parse_ipv4(text.as_bytes()).is_some(), ok, "{text}");
            assert_eq!(parse_ip(text), text.parse::<IpAddr>().ok(), "{text}");
        }
    }

    #[test]
    fn mapped_blocks_are_ipv4_blocks() {
        let net = |t: &str| parse_net(t).map(|n| n.to_string());
        assert_eq!(net("::ffff:10.0.0.0/104").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(net("::ffff:10.1.2.3").as_deref(), Some("10.1.2.3/32"));
        assert_eq!(net("::ffff:0:0/96").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(
            net("::/0").as_deref(),
            Some("::/0"),
            "a pure IPv6 block stays one"
        );
        assert_eq!(net("10.1.2.3/8").as_deref(), Some("10.0.0.0/8"));
        for bad in [
            "10.0.0.0/255.0.0.0",
            "10.0.0.0/33",
            "fe80::1%eth0",
            "10.0.0.0/",
            "x",
        ] {
            assert_eq!(parse_net(bad), None, "{bad}");
        }
        assert_eq!(parse_ip("::ffff:10.1.2.3"), parse_ip("10.1.2.3"));
        assert_eq!(parse_ip("fe80::1%eth0"), None, "no zone ids");
    }
}
