#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Routing raw request targets (SPEC section 2).

mod common;

use common::{IMAGE, PROJECT};
use ims_iam::{Method, Operation, RouteError, Router, operations, overlaps, route};
use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;

fn kind(method: &str, target: &str) -> &'static str {
    match route(method, target) {
        Ok(m) => panic!("`{method} {target}` routed to {}", m.operation()),
        Err(e) => e.kind(),
    }
}

fn same(a: &Operation, b: &Operation) -> bool {
    std::ptr::eq(a, b)
}

#[test]
fn every_row_routes_back_to_itself() {
    assert!(operations().len() >= 43);
    for op in operations() {
        assert!(!op.template().contains('{') || op.param_names().count() > 0);
        let path = op.example_path();
        assert!(!path.contains('{'), "unknown parameter in {}", op.template());
        for target in [path.clone(), format!("{path}?limit=10&marker=x%zz")] {
            let m = route(op.method().as_str(), &target).unwrap_or_else(|e| panic!("{op}: {e}"));
            assert!(
                same(m.operation(), op),
                "`{target}` routed to {}, not {op}",
                m.operation()
            );
            let names: Vec<_> = m.params().map(|(n, _)| n).collect();
            assert_eq!(names, op.param_names().collect::<Vec<_>>());
            if op.template().contains("{project_id}") {
                assert_eq!(m.project_id(), Some(PROJECT));
            } else {
                assert_eq!(m.project_id(), None);
            }
            if op.template().contains("{image_id}") {
                assert_eq!(m.image_id(), Some(IMAGE));
            }
        }
    }
}

/// The ten Image Tagging APIs, written down independently of the data file: method, concrete path,
/// required actions, IAM project, enterprise project.
#[test]
fn tagging_rows_have_their_documented_actions_and_flags() {
    let get_update: &[&str] = &["ims:images:get", "ims:images:update"];
    let update: &[&str] = &["ims:images:update"];
    let list: &[&str] = &["ims:images:list"];
    let table: [(&str, String, &[&str]); 10] = [
        ("PUT", format!("/v2/images/{IMAGE}/tags/env"), get_update),
        ("DELETE", format!("/v2/images/{IMAGE}/tags/env"), get_update),
        ("PUT", "/v1/cloudimages/tags".into(), get_update),
        ("GET", "/v1/cloudimages/tags".into(), list),
        (
            "POST",
            format!("/v2/{PROJECT}/images/resource_instances/action"),
            list,
        ),
        (
            "POST",
            format!("/v2/{PROJECT}/images/{IMAGE}/tags/action"),
            update,
        ),
        ("POST", format!("/v2/{PROJECT}/images/{IMAGE}/tags"), update),
        ("DELETE", format!("/v2/{PROJECT}/images/{IMAGE}/tags/env"), update),
        ("GET", format!("/v2/{PROJECT}/images/{IMAGE}/tags"), list),
        ("GET", format!("/v2/{PROJECT}/images/tags"), list),
    ];
    for (method, path, actions) in table {
        let m = route(method, &path).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let op = m.operation();
        assert_eq!(op.section(), ims_iam::Section::ImageTagging, "{method} {path}");
        let got: Vec<_> = op.actions().iter().map(|a| a.action()).collect();
        assert_eq!(got, actions, "{method} {path}");
        assert!(op.actions().iter().all(|a| a.situation().is_none()));
        assert!(op.iam_project(), "{method} {path}");
        assert!(!op.enterprise_project(), "{method} {path}");
    }
}

#[test]
fn hostile_targets_are_refused_with_their_kind() {
    let long = format!("/v2/images?{}", "a".repeat(ims_iam::MAX_TARGET_LEN));
    let exactly_max = format!("/v2/images?{}", "a".repeat(ims_iam::MAX_TARGET_LEN - 11));
    assert_eq!(exactly_max.len(), ims_iam::MAX_TARGET_LEN);
    assert!(route("GET", &exactly_max).is_ok());
    let err = route("GET", &format!("{exactly_max}a")).unwrap_err();
    assert_eq!(err.kind(), "too_long");
    assert!(err.to_string().contains("limit of 8192 bytes"), "{err}");
    let huge = format!("/v2/images/{}", "a".repeat(1 << 20));
    assert_eq!(kind("GET", &huge), "too_long");
    let table: &[(&str, &str, &str)] = &[
        ("GET", &long, "too_long"),
        ("GET", "v2/images", "not_absolute"),
        ("GET", "http://ims.example.com/v2/images", "not_absolute"),
        ("GET", "?x=1", "not_absolute"),
        ("GET", " /v2/images", "not_absolute"),
        ("GET", "/v2/images#top", "fragment"),
        ("GET", "/v2/images?a=1#top", "fragment"),
        ("GET", "/v2/images/%23#", "fragment"),
        ("GET", "/v2/images x", "invalid_character"),
        ("GET", "/v2/ima\tges", "invalid_character"),
        ("GET", "/v2/images\0", "invalid_character"),
        ("GET", "/v2/images\r\nHost: evil", "invalid_character"),
        ("GET", "/v2/images\x7f", "invalid_character"),
        ("GET", "/v2/imagés", "invalid_character"),
        ("GET", "/v2\\images", "invalid_character"),
        ("GET", "/v2/images?name=a b", "invalid_character"),
        ("GET", "//v2/images", "empty_segment"),
        ("GET", "/v2//images", "empty_segment"),
        ("GET", "/v2/images/", "empty_segment"),
        ("GET", "/v2/images//", "empty_segment"),
        ("GET", "/v2/images/?x=1", "empty_segment"),
        ("GET", "/v2/images/..", "dot_segment"),
        ("GET", "/v2/./images", "dot_segment"),
        ("GET", "/../v2/images", "dot_segment"),
        ("GET", "/v2/images/%2e", "dot_segment"),
        ("GET", "/v2/images/%2E%2e", "dot_segment"),
        ("GET", "/v2/images/.%2E", "dot_segment"),
        ("GET", "/v2/images/%2e.", "dot_segment"),
        ("GET", "/nowhere/at/all/../x", "dot_segment"),
        ("GET", "/v2/images/%2", "invalid_escape"),
        ("GET", "/v2/images/%g0", "invalid_escape"),
        ("GET", "/v2/%zzimages", "invalid_escape"),
        ("GET", "/v2/images/%ff", "invalid_utf8"),
        ("GET", "/v2/images/%c3%28", "invalid_utf8"),
        ("GET", "/v2/images/%ed%a0%80", "invalid_utf8"),
        ("GET", "/v2/images/a%0a", "control_character"),
        ("GET", "/v2/images/%0D%0AX", "control_character"),
        ("GET", "/v2/images/%7f", "control_character"),
        ("GET", "/v2/images/%c2%85", "control_character"),
        ("GET", "/v2/images/%1b%5b31m", "control_character"),
        ("get", "/v2/images", "unknown_method"),
        ("Get", "/v2/images", "unknown_method"),
        ("OPTIONS", "/v2/images", "unknown_method"),
        ("TRACE", "/v2/images", "unknown_method"),
        ("", "/v2/images", "unknown_method"),
        ("GET ", "/v2/images", "unknown_method"),
        (
            "GET",
            "/v2/images/0b3b6d4e8f0a4c1e9a573c0b8f6f2d11",
            "invalid_param",
        ),
        (
            "GET",
            "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d1g",
            "invalid_param",
        ),
        (
            "GET",
            "/v2/0123456789abcdef0123456789abcde/images/tags",
            "invalid_param",
        ),
        (
            "GET",
            "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/members/me",
            "invalid_param",
        ),
        ("GET", "/V2/images", "not_found"),
        ("GET", "/v3/images", "not_found"),
        ("POST", "/", "not_found"),
        (
            "GET",
            "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags",
            "not_found",
        ),
        ("GET", "/a/b/c/d/e/f/g/h", "not_found"),
    ];
    let mut seen = Vec::new();
    for (method, target, want) in table.iter().chain(common::MALFORMED_TARGETS) {
        assert_eq!(kind(method, target), *want, "`{method} {target}`");
        seen.push(*want);
    }
    for k in RouteError::KINDS {
        assert!(seen.contains(&k), "no hostile target of kind `{k}`");
    }
}

#[test]
fn errors_say_where() {
    let e = route("GET", "/v2/images/%zz").unwrap_err();
    assert_eq!(
        e,
        RouteError::InvalidEscape {
            segment: 3,
            offset: 11
        }
    );
    assert_eq!(
        e.to_string(),
        "invalid percent-escape at byte 11 (segment 3): `%` must be followed by two hex digits"
    );
    let e = route("GET", "/v2//images").unwrap_err();
    assert_eq!(
        e,
        RouteError::EmptySegment {
            segment: 2,
            offset: 4
        }
    );
    let e = route("GET", "/v2/im ages").unwrap_err();
    assert_eq!(
        e,
        RouteError::InvalidCharacter {
            offset: 6,
            byte: b' '
        }
    );
    let e = route("DELETE", "/v2/images/abc/members/x").unwrap_err();
    let RouteError::InvalidParam {
        param,
        segment,
        offset,
        value,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (*param, *segment, *offset, value.as_str()),
        ("image_id", 3, 11, "abc")
    );
    assert_eq!(
        e.to_string(),
        "parameter `image_id` of `DELETE /v2/images/{image_id}/members/{member_id}` (segment 3 at byte 11) \
         must be a UUID, not `abc`"
    );
    let e = route("PATCH", "/v9").unwrap_err();
    assert_eq!(e.to_string(), "no PATCH API has the path `/v9`");
    let e = route("get\n", "/").unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown method `get\\n` (methods are upper-case: GET, HEAD, POST, PUT, PATCH, DELETE)"
    );
    let long = format!("/{}", "x".repeat(500));
    assert!(
        route("GET", &long).unwrap_err().to_string().len() < 200,
        "user input is cut in messages"
    );
}

#[test]
fn encoded_slash_is_one_segment() {
    let target = format!("/v2/images/{IMAGE}/tags/a%2Fb");
    let m = route("PUT", &target).unwrap();
    assert_eq!(m.operation().template(), "/v2/images/{image_id}/tags/{tag}");
    assert_eq!(m.operation().method(), Method::Put);
    assert_eq!(m.param("tag"), Some("a/b"));
    let target = format!("/v2/images/{IMAGE}/tags/a%2fb%20c");
    let m = route("DELETE", &target).unwrap();
    assert_eq!(m.param("tag"), Some("a/b c"));
}

#[test]
fn raw_slash_in_a_tag_routes_to_no_tag_api() {
    for method in ["PUT", "DELETE"] {
        let e = route(method, &format!("/v2/images/{IMAGE}/tags/a/b")).unwrap_err();
        assert_eq!(
            e,
            RouteError::NotFound {
                method: Method::parse(method).unwrap(),
                path: format!("/v2/images/{IMAGE}/tags/a/b"),
            }
        );
        let e = Router::default()
            .accept_any_param_format()
            .route(method, &format!("/v2/images/{IMAGE}/tags/a/b"))
            .unwrap_err();
        assert_eq!(e.kind(), "not_found");
    }
}

#[test]
fn empty_tag_is_refused() {
    for method in ["PUT", "DELETE"] {
        assert_eq!(
            kind(method, &format!("/v2/images/{IMAGE}/tags/")),
            "empty_segment"
        );
    }
    assert_eq!(
        kind("DELETE", &format!("/v2/{PROJECT}/images/{IMAGE}/tags/")),
        "empty_segment"
    );
}

#[test]
fn trailing_slash_is_not_delete_image() {
    let e = route("DELETE", &format!("/v2/images/{IMAGE}/")).unwrap_err();
    assert_eq!(
        e,
        RouteError::EmptySegment {
            segment: 4,
            offset: 48
        }
    );
    let op = route("DELETE", &format!("/v2/images/{IMAGE}?"))
        .unwrap()
        .operation();
    assert_eq!(op.template(), "/v2/images/{image_id}");
    assert_eq!(kind("DELETE", &format!("/v2/images//{IMAGE}")), "empty_segment");
    assert_eq!(kind("DELETE", &format!("/v2/images/{IMAGE}/.")), "dot_segment");
    assert_eq!(
        kind("DELETE", &format!("/v2/images/{IMAGE}/tags/..")),
        "dot_segment"
    );
}

#[test]
fn literals_match_raw_bytes_only() {
    assert_eq!(kind("GET", "/v2/%69mages"), "not_found");
    assert_eq!(kind("GET", &format!("/v2/%69mages/{IMAGE}")), "not_found");
    assert_eq!(kind("GET", &format!("/%76%32/images/{IMAGE}")), "not_found");
    assert!(route("GET", &format!("/v2/images/{IMAGE}")).is_ok());
}

#[test]
fn query_is_ignored_after_the_first_question_mark() {
    let m = route("GET", "/v2/images?name=a/b?c=%zz&x=..").unwrap();
    assert_eq!(m.operation().template(), "/v2/images");
    let m = route("GET", "/?").unwrap();
    assert_eq!(m.operation().template(), "/");
    assert_eq!(m.params().len(), 0);
}

#[test]
fn the_known_overlap_is_listed_and_resolved() {
    let pairs: Vec<(String, String)> = overlaps()
        .map(|o| (o.winner.to_string(), o.loser.to_string()))
        .collect();
    assert_eq!(
        pairs,
        [(
            "GET /v2/images/{image_id}/members/{member_id}".to_owned(),
            "GET /v2/{project_id}/images/{image_id}/tags".to_owned()
        )]
    );
    let relaxed = Router::default().accept_any_param_format();
    let m = relaxed.route("GET", "/v2/images/images/members/tags").unwrap();
    assert_eq!(
        m.operation().template(),
        "/v2/images/{image_id}/members/{member_id}"
    );
    assert_eq!(
        m.params().collect::<Vec<_>>(),
        [("image_id", "images"), ("member_id", "tags")]
    );
    // Strict: the winner's parameters fail their formats; the loser is not tried.
    let e = route("GET", "/v2/images/images/members/tags").unwrap_err();
    assert_eq!(e.kind(), "invalid_param");
    let RouteError::InvalidParam { operation, .. } = e else {
        unreachable!()
    };
    assert_eq!(operation, "GET /v2/images/{image_id}/members/{member_id}");
}

/// Splits a template into `Some(literal)` / `None` (parameter) segments.
fn shape(template: &str) -> Vec<Option<&str>> {
    if template == "/" {
        return Vec::new();
    }
    template[1..]
        .split('/')
        .map(|s| if s.starts_with('{') { None } else { Some(s) })
        .collect()
}

/// Every pair of templates that some path matches both is listed by `overlaps()`, and such a path
/// routes to the listed winner (relaxed formats, so any value fits any parameter).
#[test]
fn overlaps_are_complete_and_winners_win() {
    let relaxed = Router::default().accept_any_param_format();
    let listed: Vec<(usize, usize)> = overlaps().map(|o| (o.winner.index(), o.loser.index())).collect();
    for a in operations() {
        for b in operations() {
            if a.index() >= b.index() || a.method() != b.method() {
                continue;
            }
            let (sa, sb) = (shape(a.template()), shape(b.template()));
            if sa.len() != sb.len() {
                continue;
            }
            let mut path = String::new();
            let mut both = true;
            for (x, y) in sa.iter().zip(&sb) {
                let seg = match (x, y) {
                    (Some(x), Some(y)) if x != y => {
                        both = false;
                        break;
                    }
                    (Some(x), _) | (None, Some(x)) => *x,
                    (None, None) => "p",
                };
                path.push('/');
                path.push_str(seg);
            }
            if sa.is_empty() {
                path.push('/');
            }
            let pair = listed
                .iter()
                .find(|(w, l)| (*w, *l) == (a.index(), b.index()) || (*w, *l) == (b.index(), a.index()));
            if !both {
                assert!(pair.is_none(), "{a} and {b} listed as overlapping");
                continue;
            }
            let (winner, _) =
                pair.unwrap_or_else(|| panic!("{a} and {b} overlap on `{path}` but are not listed"));
            let m = relaxed.route(a.method().as_str(), &path).unwrap();
            assert_eq!(m.operation().index(), *winner, "`{path}`");
        }
    }
}

/// Characters a client may leave raw in a segment; everything else is percent-encoded.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'?')
    .add(b'\\');

fn value() -> impl Strategy<Value = String> {
    "\\PC{1,12}".prop_filter("not a dot segment", |v| v != "." && v != "..")
}

fn param_value(name: &'static str) -> BoxedStrategy<String> {
    match name {
        "image_id" => "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}".boxed(),
        "project_id" | "member_id" | "job_id" => "[0-9a-fA-F]{32}".boxed(),
        "version" => "v[0-9]{1,3}(\\.[0-9]{1,3})?".boxed(),
        _ => value().boxed(),
    }
}

/// A path built from a template and values, each encoded with `NON_ALPHANUMERIC` or `SEGMENT`.
fn build(op: &Operation, values: &[String], full: bool, query: Option<&str>) -> String {
    let set = if full { NON_ALPHANUMERIC } else { SEGMENT };
    let mut values = values.iter();
    let mut path = String::new();
    for seg in shape(op.template()) {
        path.push('/');
        match seg {
            Some(literal) => path.push_str(literal),
            None => path.extend(utf8_percent_encode(values.next().unwrap(), set)),
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    if let Some(q) = query {
        path.push('?');
        path.push_str(q);
    }
    path
}

fn any_operation() -> impl Strategy<Value = &'static Operation> {
    (0..operations().len()).prop_map(|i| &operations()[i])
}

proptest! {
    #[test]
    fn generated_paths_route_back_strict(
        (op, values) in any_operation().prop_flat_map(|op| {
            let values: Vec<BoxedStrategy<String>> = op.param_names().map(param_value).collect();
            (Just(op), values)
        }),
        full in any::<bool>(),
        query in proptest::option::of("[a-z=&%/?.]{0,10}"),
    ) {
        let path = build(op, &values, full, query.as_deref());
        let m = route(op.method().as_str(), &path).map_err(|e| TestCaseError::fail(format!("`{path}`: {e}")))?;
        prop_assert!(same(m.operation(), op), "`{}` routed to {}", path, m.operation());
        let got: Vec<(&str, &str)> = m.params().collect();
        let want: Vec<(&str, &str)> = op.param_names().zip(values.iter().map(String::as_str)).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn generated_paths_route_back_relaxed(
        (op, values) in any_operation().prop_flat_map(|op| {
            let values: Vec<BoxedStrategy<String>> = op.param_names().map(|_| {
                prop_oneof![value(), Just("images".to_owned()), Just("members".to_owned()), Just("tags".to_owned())].boxed()
            }).collect();
            (Just(op), values)
        }),
        full in any::<bool>(),
    ) {
        let path = build(op, &values, full, None);
        let relaxed = Router::default().accept_any_param_format();
        let m = relaxed.route(op.method().as_str(), &path).map_err(|e| TestCaseError::fail(format!("`{path}`: {e}")))?;
        if same(m.operation(), op) {
            let got: Vec<(&str, &str)> = m.params().collect();
            let want: Vec<(&str, &str)> = op.param_names().zip(values.iter().map(String::as_str)).collect();
            prop_assert_eq!(got, want);
        } else {
            // Only a listed winner may take a path generated from the template it shadows.
            prop_assert!(
                overlaps().any(|o| same(o.winner, m.operation()) && same(o.loser, op)),
                "`{}` from {} routed to {}", path, op, m.operation()
            );
        }
    }

    #[test]
    fn arbitrary_targets_never_panic(
        method in prop_oneof![Just("GET".to_owned()), Just("PUT".to_owned()), Just("DELETE".to_owned()), "\\PC{0,8}"],
        target in prop_oneof!["[/%.a-z0-9?#{}A-F]{0,60}", "\\PC{0,60}", any::<String>()],
    ) {
        for router in [Router::default(), Router::default().accept_any_param_format()] {
            match router.route(&method, &target) {
                Ok(m) => {
                    prop_assert!(target.starts_with('/'));
                    prop_assert!(m.params().all(|(_, v)| !v.is_empty() && v != "." && v != ".."));
                }
                Err(e) => {
                    prop_assert!(RouteError::KINDS.contains(&e.kind()));
                    prop_assert!(!e.to_string().is_empty());
                }
            }
        }
    }
}
