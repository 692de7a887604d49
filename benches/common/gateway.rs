//! The gateway path's fixture, shared by `benches/gateway.rs` and `tests/gateway_alloc.rs`: a
//! principals file with 24 groups (20 of filler grants, conditional and scoped, plus taggers, getters,
//! updaters, listers and blocked ones), and callers with 1, 5 and 20 groups asserted in `X-User-Groups`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use ims_iam::Principals;
use ims_iam::gateway::{Authorizer, PeerAddr, PolicyStore};

pub const IMAGE: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// The principals file's policies, by file name.
fn policy(file: &str) -> String {
    let statements = match file {
        "get.json" => r#"{"Effect": "Allow", "Action": ["ims:images:get"]}"#.to_owned(),
        "update.json" => r#"{"Effect": "Allow", "Action": ["ims:images:update"]}"#.to_owned(),
        "list.json" => r#"{"Effect": "Allow", "Action": ["ims:images:list"]}"#.to_owned(),
        "deny-tags.json" => {
            r#"{"Effect": "Deny", "Action": ["ims:images:get", "ims:images:update"]}"#.to_owned()
        }
        "all.json" => r#"{"Effect": "Allow", "Action": ["ims:*:*"]}"#.to_owned(),
        // Filler grants: a conditional allow on the source address, a conditional deny, quotas.
        _ => r#"{"Effect": "Allow", "Action": ["ims:images:delete"],
                 "Condition": {"IpAddress": {"g:SourceIp": ["192.0.2.0/24"]}}},
                {"Effect": "Deny", "Action": ["ims:images:update"],
                 "Condition": {"StringEquals": {"g:UserName": ["mallory"]}}},
                {"Effect": "Allow", "Action": ["ims:quotas:*"]}"#
            .to_owned(),
    };
    format!(r#"{{"Version": "1.1", "Statement": [{statements}]}}"#)
}

/// The principals file.
pub fn principals() -> Principals {
    let mut groups = Vec::new();
    for i in 0..20 {
        let scope = if i % 2 == 0 {
            "global".to_owned()
        } else {
            format!("project:{PROJECT}")
        };
        groups.push(format!(
            r#""team-{i:02}": {{"attachments": [{{"policy": "filler", "scope": "{scope}"}}]}}"#
        ));
    }
    for (name, policies) in [
        ("taggers", &["get", "update"][..]),
        ("getters", &["get"]),
        ("updaters", &["update"]),
        ("listers", &["list"]),
        ("blocked", &["all", "deny-tags"]),
    ] {
        let attachments: Vec<String> = policies
            .iter()
            .map(|p| format!(r#"{{"policy": "{p}"}}"#))
            .collect();
        groups.push(format!(
            r#""{name}": {{"attachments": [{}]}}"#,
            attachments.join(",")
        ));
    }
    let file = format!(
        r#"{{"policies": {{"get": "get.json", "update": "update.json", "list": "list.json",
              "deny-tags": "deny-tags.json", "all": "all.json", "filler": "filler.json"}},
            "groups": {{{}}}}}"#,
        groups.join(",")
    );
    Principals::from_json_with(&file, |path| Ok(policy(path))).unwrap()
}

/// An authorizer over [`principals`], with the default headers and the peer as `g:SourceIp`.
pub fn authorizer() -> Authorizer {
    Authorizer::new(Arc::new(PolicyStore::new(principals())))
}

/// One case of the gateway path: a caller's groups, a request, and the answer it must get.
pub struct Case {
    pub label: String,
    pub request: http::Request<()>,
    /// `None`: authorized; else the rejection's kind.
    pub expect: Option<&'static str>,
}

/// A caller: a label, the groups that matter, and the answers for `GET` and for `PUT` (`None`:
/// authorized; else the rejection's kind).
type Caller = (
    &'static str,
    Vec<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// `n - named.len()` filler groups, then `named`.
fn groups(n: usize, named: &[&str]) -> String {
    let mut list: Vec<String> = (0..n - named.len()).map(|i| format!("team-{i:02}")).collect();
    list.extend(named.iter().map(|s| (*s).to_owned()));
    list.join(", ")
}

/// Every case: 1, 5 and 20 groups; `GET` of an image (one action) and `PUT` of a tag (two actions);
/// allowed by one group, allowed by two groups together, implicitly and explicitly denied.
pub fn cases() -> Vec<Case> {
    let get = format!("/v2/images/{IMAGE}");
    let put = format!("/v2/images/{IMAGE}/tags/env");
    let mut cases = Vec::new();
    for n in [1, 5, 20] {
        let mut callers: Vec<Caller> = vec![
            ("taggers", vec!["taggers"], None, None),
            (
                "listers",
                vec!["listers"],
                Some("implicit_deny"),
                Some("implicit_deny"),
            ),
            (
                "blocked",
                vec!["blocked"],
                Some("explicit_deny"),
                Some("explicit_deny"),
            ),
        ];
        if n >= 2 {
            callers.push(("getters+updaters", vec!["getters", "updaters"], None, None));
            callers.push((
                "getters+listers",
                vec!["getters", "listers"],
                None,
                Some("implicit_deny"),
            ));
        }
        for (label, named, on_get, on_put) in callers {
            let list = groups(n, &named);
            for (method, target, expect) in [("GET", &get, on_get), ("PUT", &put, on_put)] {
                let request = http::Request::builder()
                    .method(method)
                    .uri(target.as_str())
                    .header("X-User-Groups", list.as_str())
                    .header("X-Project-Id", PROJECT)
                    .extension(PeerAddr(SocketAddr::new(IpAddr::from([10, 1, 2, 3]), 40_000)))
                    .body(())
                    .unwrap();
                cases.push(Case {
                    label: format!("{n} groups, {label}: {method} {target}"),
                    request,
                    expect,
                });
            }
        }
    }
    cases
}
