//! The `authorize` and `test` commands' contract (SPEC 4): exit codes, JSON field names, text output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ims_iam, json};

const UUID: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";

fn tag_target() -> String {
    format!("/v2/images/{UUID}/tags/env")
}

#[test]
fn allow_exits_0_with_the_deciding_statement() {
    let out = ims_iam(&[
        "authorize",
        "--policy",
        "policies/ims-tag-operator.json",
        "--format",
        "json",
        "PUT",
        &tag_target(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["decision"], "allow");
    assert_eq!(v["reason"], "allow");
    assert_eq!(v["operation"]["template"], "/v2/images/{image_id}/tags/{tag}");
    assert_eq!(v["operation"]["iam_project"], true);
    assert_eq!(v["operation"]["enterprise_project"], false);
    assert_eq!(v["params"]["image_id"], UUID);
    assert_eq!(v["params"]["tag"], "env");
    let actions = v["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0]["action"], "ims:images:get");
    assert_eq!(actions[0]["decision"], "allow");
    let st = &actions[0]["statements"][0];
    assert_eq!(st["policy"], "policies/ims-tag-operator.json");
    assert_eq!(st["statement"], 0);
    assert_eq!(st["effect"], "Allow");
    assert_eq!(st["sid"], "ReadAndTagImages");
}

#[test]
fn explicit_deny_exits_1() {
    let target = format!("/v2/images/{UUID}");
    let out = ims_iam(&[
        "authorize",
        "--policy",
        "policies/ims-full-access.json",
        "--policy",
        "policies/ims-deny-delete.json@global",
        "--format",
        "json",
        "DELETE",
        &target,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["decision"], "deny");
    assert_eq!(v["reason"], "explicit_deny");
    assert_eq!(v["actions"][0]["decision"], "explicit_deny");
    assert_eq!(
        v["actions"][0]["statements"][0]["policy"],
        "policies/ims-deny-delete.json"
    );
}

#[test]
fn implicit_deny_text_is_one_paragraph() {
    let out = ims_iam(&[
        "authorize",
        "--policy",
        "policies/ims-read-only.json",
        "PUT",
        &tag_target(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "denied: ims:images:get allowed by policies/ims-read-only.json statement 0 (ReadImages); \
             ims:images:update is not allowed by any statement"
        ),
        "{text}"
    );
}

#[test]
fn enterprise_project_attachment_on_a_tagging_api_has_no_effect() {
    let out = ims_iam(&[
        "authorize",
        "--policy",
        "policies/ims-full-access.json@enterprise-project:0",
        "--enterprise-project",
        "0",
        "--explain",
        "PUT",
        &tag_target(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("cannot be authorized in an enterprise project"),
        "{text}"
    );
}

#[test]
fn conditions_come_from_repeated_context_flags() {
    let args = |ip: &'static str| {
        vec![
            "authorize",
            "--policy",
            "policies/ims-conditional.json",
            "--context",
            "g:MFAPresent=true",
            "--context",
            ip,
            "GET",
            "/v2/cloudimages",
        ]
    };
    assert_eq!(ims_iam(&args("g:SourceIp=10.1.2.3")).status.code(), Some(0));
    assert_eq!(ims_iam(&args("g:SourceIp=192.0.2.1")).status.code(), Some(1));
    assert_eq!(ims_iam(&args("g:SourceIp=not-an-ip")).status.code(), Some(1));
}

#[test]
fn errors_exit_2_and_are_never_allows() {
    let cases: Vec<Vec<String>> = vec![
        // Unroutable target.
        vec![
            "authorize".into(),
            "--format".into(),
            "json".into(),
            "DELETE".into(),
            format!("/v2/images/{UUID}/"),
        ],
        // Unreadable policy.
        vec![
            "authorize".into(),
            "--policy".into(),
            "nope.json".into(),
            "--format".into(),
            "json".into(),
            "GET".into(),
            "/".into(),
        ],
        // Bad scope.
        vec![
            "authorize".into(),
            "--policy".into(),
            "policies/ims-full-access.json@project:".into(),
            "--format".into(),
            "json".into(),
            "GET".into(),
            "/".into(),
        ],
        // Path project and context project differ.
        vec![
            "authorize".into(),
            "--policy".into(),
            "policies/ims-full-access.json".into(),
            "--project".into(),
            "fedcba9876543210fedcba9876543210".into(),
            "--format".into(),
            "json".into(),
            "GET".into(),
            "/v2/0123456789abcdef0123456789abcdef/images/tags".into(),
        ],
    ];
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ims_iam(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let v = json(&out);
        assert_eq!(v["decision"], "deny", "{args:?}");
        assert_eq!(v["reason"], "error", "{args:?}");
        assert!(
            v["error"]["kind"].is_string() && v["error"]["message"].is_string(),
            "{v}"
        );
    }
}

#[test]
fn an_invalid_policy_is_an_error_with_its_location() {
    let dir = std::env::temp_dir().join(format!("ims-iam-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    std::fs::write(&file, "{\n  \"Version\": \"1.1\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"ims:*:*\"], \"Effect\": \"Deny\"}]\n}\n").unwrap();
    let out = ims_iam(&[
        "authorize",
        "--policy",
        file.to_str().unwrap(),
        "GET",
        "/v2/cloudimages",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.json:3:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(ims_iam(&["authorize"]).status.code(), Some(2));
    assert_eq!(
        ims_iam(&["authorize", "--format", "yaml", "GET", "/"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(ims_iam(&["test"]).status.code(), Some(2));
}

#[test]
fn test_command_exit_codes() {
    let ok = ims_iam(&["test", "policies/tests"]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(
        String::from_utf8(ok.stdout)
            .unwrap()
            .contains(" passed, 0 failed")
    );

    let dir = std::env::temp_dir().join(format!("ims-iam-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let failing = dir.join("failing.test.json");
    std::fs::write(
        &failing,
        r#"{"cases": [{"name": "nothing is allowed by nothing", "method": "GET", "target": "/v2/cloudimages", "expect": "allow"}]}"#,
    )
    .unwrap();
    let out = ims_iam(&["test", failing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("FAIL nothing is allowed by nothing")
    );

    let invalid = dir.join("invalid.test.json");
    std::fs::write(&invalid, r#"{"cases": [{"name": "x"}]}"#).unwrap();
    assert_eq!(
        ims_iam(&["test", invalid.to_str().unwrap()]).status.code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
