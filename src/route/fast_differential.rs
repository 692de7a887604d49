//! The fast path against the one-pass matcher behind it: wherever the fast path routes, the matcher
//! routes to the same row with the same parameters; and the router as a whole (fast path, then the
//! matcher for what it gives up on) answers exactly as the matcher alone (the same row and parameters,
//! or the same error with the same fields). Targets are realistic paths of every template (random
//! ids in both cases, plain tags, versions, queries), then mutated as clients and attackers mangle
//! them: case changes, truncations, `%`, dots, extra slashes, ids of the wrong length or with one bad
//! character, literals extended by a byte.

use proptest::prelude::*;

use super::{Router, fast};
use crate::matrix::{Cloud, Method, Operation};

/// The row and parameters of a match, or its error.
type Outcome = Result<(&'static Operation, Vec<(&'static str, String)>), super::RouteError>;

fn outcome(result: Result<super::RouteMatch<'_>, super::RouteError>) -> Outcome {
    result.map(|m| {
        let params = m.params().map(|(name, value)| (name, value.to_owned())).collect();
        (m.operation(), params)
    })
}

fn same(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (Ok((x, p)), Ok((y, q))) => std::ptr::eq(*x, *y) && p == q,
        (Err(e), Err(f)) => e == f,
        _ => false,
    }
}

/// Checks the fast path and the router against the matcher alone; returns whether the fast path
/// routed the target itself.
fn agree(method: Method, target: &str) -> Result<bool, TestCaseError> {
    let mut fast_routed = false;
    for cloud in Cloud::ALL {
        let router = Router::default().with_cloud(cloud);
        let slow = outcome(router.route_matcher_only(method, target));
        // The fast path with a buffer, and with one too short for most decoded values.
        for room in [super::RouteBuffer::CAPACITY, 4] {
            if let Some(quick) = fast_outcome(method, target, cloud, room) {
                fast_routed |= room == super::RouteBuffer::CAPACITY;
                prop_assert!(
                    same(&quick, &slow),
                    "{method} {target:?} ({cloud:?}, {room} bytes): fast {quick:?} != {slow:?}"
                );
            }
        }
        let whole = outcome(router.route(method.as_str(), target));
        prop_assert!(
            same(&whole, &slow),
            "{method} {target:?} ({cloud:?}): {whole:?} != {slow:?}"
        );
        let mut buffer = super::RouteBuffer::default();
        let buffered = outcome(router.route_in(method.as_str(), target, &mut buffer));
        prop_assert!(
            same(&buffered, &slow),
            "{method} {target:?} ({cloud:?}): in a buffer {buffered:?} != {slow:?}"
        );
    }
    Ok(fast_routed)
}

/// What the fast path alone makes of a target, with `room` bytes for decoded values (`None`: it
/// gives up).
fn fast_outcome(method: Method, target: &str, cloud: Cloud, room: usize) -> Option<Outcome> {
    let mut bytes = vec![0u8; room];
    let m = match fast::route(method, target, cloud) {
        Some(m) => m,
        None => fast::route_escaped(method, target, cloud, &mut bytes).ok()?,
    };
    Some(outcome(Ok(m)))
}

/// Hex digits in either case.
fn hex(n: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(b"0123456789abcdefABCDEF".to_vec()), n)
        .prop_map(|bytes| bytes.into_iter().map(char::from).collect())
}

/// A realistic value for a parameter: ids of the right shape, plain tags, API versions.
#[derive(Debug, Clone)]
struct Values {
    uuid: String,
    hex: String,
    tag: String,
    version: String,
}

fn values() -> impl Strategy<Value = Values> {
    (
        (hex(8), hex(4), hex(4), hex(4), hex(12)),
        hex(32),
        "[a-zA-Z0-9_~-][a-zA-Z0-9._~-]{0,11}",
        prop_oneof![Just("v2".to_owned()), Just("v1.1".to_owned()), "[a-z0-9.]{1,5}"],
    )
        .prop_map(|((a, b, c, d, e), hex, tag, version)| Values {
            uuid: format!("{a}-{b}-{c}-{d}-{e}"),
            hex,
            tag,
            version,
        })
}

fn realistic(op: &Operation, v: &Values) -> String {
    op.path_with(|name| {
        Some(match name {
            "image_id" => v.uuid.as_str(),
            "project_id" | "member_id" | "job_id" => v.hex.as_str(),
            "version" => v.version.as_str(),
            _ => v.tag.as_str(),
        })
    })
}

/// A way clients and attackers mangle a target.
#[derive(Debug, Clone)]
enum Mutation {
    /// Flips the case of the byte at (modulo) this offset.
    Case(usize),
    /// Cuts the target at this offset.
    Truncate(usize),
    /// Inserts a piece at this offset.
    Insert(usize, &'static str),
    /// Removes the byte at this offset (an id one character short, a literal cut).
    Remove(usize),
    /// Replaces the byte at this offset by this one (one bad character).
    Replace(usize, u8),
    /// Appends a query.
    Query(&'static str),
}

const PIECES: [&str; 16] = [
    "%", "%2F", "%2e", "%41", ".", "..", "/", "//", "/./", "/../", "?", "#", " ", "x", "0", "-",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Case),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), proptest::sample::select(&PIECES[..])).prop_map(|(at, p)| Mutation::Insert(at, p)),
        any::<usize>().prop_map(Mutation::Remove),
        (
            any::<usize>(),
            proptest::sample::select(b"gG-_/.?%#~aZ9 \x7f".to_vec())
        )
            .prop_map(|(at, b)| Mutation::Replace(at, b)),
        proptest::sample::select(
            &[
                "",
                "limit=50&marker=x",
                "a=%zz",
                "x#y",
                "a b",
                "k=\u{7f}",
                "?/..",
                "é"
            ][..]
        )
        .prop_map(Mutation::Query),
    ]
}

fn mutate(target: String, mutation: &Mutation) -> String {
    let mut bytes = target.into_bytes();
    let at = |n: usize, len: usize| n % (len + 1);
    let len = bytes.len().max(1);
    match *mutation {
        Mutation::Case(n) => {
            if let Some(b) = bytes.get_mut(n % len) {
                *b = if b.is_ascii_lowercase() {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                };
            }
        }
        Mutation::Truncate(n) => bytes.truncate(at(n, bytes.len())),
        Mutation::Insert(n, piece) => {
            let i = at(n, bytes.len());
            bytes.splice(i..i, piece.bytes());
        }
        Mutation::Remove(n) => {
            if !bytes.is_empty() {
                bytes.remove(n % bytes.len());
            }
        }
        Mutation::Replace(n, b) => {
            if let Some(slot) = bytes.get_mut(n % len) {
                *slot = b;
            }
        }
        Mutation::Query(query) => {
            bytes.push(b'?');
            bytes.extend_from_slice(query.as_bytes());
        }
    }
    // Mutations of ASCII targets keep them ASCII, but for the `é` of a query.
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn every_template_routes_on_the_fast_path_and_agrees() {
    for op in crate::operations() {
        let path = op.example_path();
        // The root path `/` has no segment: the matcher routes it.
        assert!(
            agree(op.method(), &path).unwrap() || path == "/",
            "{} {path} fell back",
            op.method()
        );
        let with_query = format!("{path}?limit=50&marker=x");
        assert!(
            agree(op.method(), &with_query).unwrap() || path == "/",
            "{with_query}"
        );
        // Every literal extended by a byte, and every segment cut by one: never a wrong route.
        for (i, _) in path.match_indices('/') {
            for piece in ["x", "", "%41", "."] {
                let mut longer = path.clone();
                longer.insert_str(i, piece);
                agree(op.method(), &longer).unwrap();
            }
            if i > 0 {
                let mut shorter = path.clone();
                shorter.remove(i - 1);
                agree(op.method(), &shorter).unwrap();
            }
        }
    }
}

#[test]
fn what_the_fast_path_gives_up_on_the_matcher_decides() {
    let image = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
    for (method, target) in [
        (Method::Get, "/"),
        (Method::Get, "/v2/images/.."),
        (Method::Get, "/v2//images"),
        (Method::Get, "/v2/images/"),
        (Method::Get, "/v2/%69mages"),
        (Method::Get, "/v2/images/not-a-uuid"),
        (Method::Get, "/v2/images?a b"),
        (Method::Get, "/v2/images#x"),
        (Method::Get, "/a/b/c/d/e/f/g/h/i"),
        (Method::Put, &format!("/v2/images/{image}/tags/a/b")),
        // Escapes that the matcher refuses, or decodes where the fast path does not.
        (Method::Put, &format!("/v2/images/{image}/tags/%2e%2e")),
        (Method::Put, &format!("/v2/images/{image}/tags/.%2E")),
        (Method::Put, &format!("/v2/images/{image}/tags/a%00")),
        (Method::Put, &format!("/v2/images/{image}/tags/%C2%85")),
        (Method::Put, &format!("/v2/images/{image}/tags/%FF")),
        (Method::Put, &format!("/v2/images/{image}/tags/%E7%8E")),
        (Method::Put, &format!("/v2/images/{image}/tags/a%2")),
        (Method::Put, &format!("/v2/images/{image}/tags/%zz")),
        (
            Method::Put,
            &format!("/v2/images/{image}/tags/{}", "%41".repeat(300)),
        ),
        (Method::Get, "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d1%31"),
        (Method::Get, "/v2/%30123456789abcdef0123456789abcdef/images/tags"),
    ] {
        assert!(
            fast_outcome(method, target, Cloud::default(), super::RouteBuffer::CAPACITY).is_none(),
            "{target}"
        );
        agree(method, target).unwrap();
    }
}

#[test]
fn escaped_any_format_values_route_on_the_fast_path() {
    let image = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
    for (tag, value) in [
        ("a%2Fb", "a/b"),
        ("%2Fb", "/b"),
        ("a%2f", "a/"),
        ("%41", "A"),
        ("%252e", "%2e"),
        ("%2e%2e%2e", "..."),
        ("%E7%8E%AF%E5%A2%83", "环境"),
    ] {
        for (method, target) in [
            (Method::Put, format!("/v2/images/{image}/tags/{tag}")),
            (Method::Delete, format!("/v2/images/{image}/tags/{tag}?x=1")),
        ] {
            let quick = fast_outcome(method, &target, Cloud::default(), super::RouteBuffer::CAPACITY);
            let Some(Ok((_, params))) = quick else {
                panic!("{target} fell back: {quick:?}");
            };
            assert_eq!(params[1], ("tag", value.to_owned()), "{target}");
            assert!(agree(method, &target).unwrap(), "{target}");
        }
    }
    // A value longer than the room left falls back, and the matcher decodes it.
    let long = format!("/v2/images/{image}/tags/{}", "%41".repeat(100));
    assert!(fast_outcome(Method::Put, &long, Cloud::default(), 99).is_none());
    assert!(fast_outcome(Method::Put, &long, Cloud::default(), 100).is_some());
    agree(Method::Put, &long).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn realistic_targets_agree(
        op in (0..crate::operations().len()).prop_map(|i| &crate::operations()[i]),
        values in values(),
        query in any::<bool>(),
    ) {
        let mut target = realistic(op, &values);
        if query {
            target.push_str("?limit=50&marker=x");
        }
        let fast_routed = agree(op.method(), &target)?;
        // A realistic target of its own template, whose values have their formats, never falls back
        // (but for the root path, and a `{version}` that is not an API version, which the matcher
        // refuses).
        let version_ok = crate::ParamFormat::ApiVersion.accepts(&values.version);
        let refused_version = !version_ok && op.template().contains("{version}");
        prop_assert!(fast_routed || refused_version || op.template() == "/", "{target}");
    }

    #[test]
    fn escaped_tags_agree(
        op in (0..crate::operations().len()).prop_map(|i| &crate::operations()[i]),
        values in values(),
        tag in "([a-z.~-]|%[0-9a-fA-F]{2}|%(2[eE]|2[fF]|[cC]2|[eE][0-9]|[89][0-9]|7[fF]|0[0-9])|%[0-9g]?){1,8}",
    ) {
        let target = realistic(op, &Values { tag, ..values });
        agree(op.method(), &target)?;
    }

    #[test]
    fn mutated_realistic_targets_agree(
        op in (0..crate::operations().len()).prop_map(|i| &crate::operations()[i]),
        other in (0..crate::operations().len()).prop_map(|i| crate::operations()[i].method()),
        own_method in any::<bool>(),
        values in values(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let method = if own_method { op.method() } else { other };
        let target = mutations.iter().fold(realistic(op, &values), mutate);
        agree(method, &target)?;
    }
}
