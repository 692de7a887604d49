#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Policies exactly as the IAM API returns them (SPEC 3.1): custom agency policies whose `Resource` is
//! `{"uri": [...]}`, and list responses `{"roles": [...], "links": {...}}`, loaded by the parser, the
//! command line (`authorize`, `test`, `lint`) and the principals file; strict errors with line and column
//! for every other shape. Also `--cloud` changing decisions where the profiles' facts differ.

mod common;

use common::{code, ims_iam, json, stdout};
use ims_iam::{PolicyDocument, PolicyFile, ResourceForm};

const AGENCY: &str = "tests/fixtures/exports/agency-policy.json";
const LIST: &str = "tests/fixtures/exports/roles-list.json";
const IMAGE: &str = "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";

fn fixture(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn an_agency_policy_loads_and_its_uri_resource_is_narrow() {
    let doc = PolicyDocument::parse(&fixture(AGENCY)).unwrap();
    assert_eq!(doc.statements[0].resource_form, ResourceForm::Uri);
    assert_eq!(doc.statements[1].resource_form, ResourceForm::List);
    let uri = &doc.statements[0].resource.as_ref().unwrap()[0];
    assert_eq!(uri.value, "/iam/agencies/07805acaba800fdd4fbdc00b8f888c7c");
    assert_eq!((uri.location.line, uri.location.column), (18, 32));

    // `{"uri": ["*"]}` is still narrow: the object form is judged like any narrow resource.
    let star = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"],
        "Resource": {"uri": ["*"]}}]}"#;
    let policy = ims_iam::Policy::parse("star", ims_iam::Scope::Global, star).unwrap();
    let set = ims_iam::PolicySet::new([policy]).unwrap();
    let request = ims_iam::route("GET", IMAGE).unwrap();
    let ctx = ims_iam::Context::default();
    assert!(!set.authorize(&ims_iam::Request::new(&request, &ctx)).is_allowed());
}

#[test]
fn other_resource_objects_are_strict_errors_with_line_and_column() {
    let cases = [
        (r#"{"uri": ["/a"], "urn": ["/b"]}"#, "unknown_field"),
        (r#"{}"#, "missing_field"),
        (r#"{"uri": {"a": 1}}"#, "invalid_type"),
        (r#"{"uri": []}"#, "invalid_value"),
    ];
    for (resource, kind) in cases {
        let text = format!(
            "{{\"Version\": \"1.1\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": [\"ims:*:*\"],\n\"Resource\": {resource}}}]}}"
        );
        let err = PolicyDocument::parse(&text).unwrap_err();
        assert_eq!(err.kind(), kind, "{resource}: {err}");
        assert_eq!(err.location().unwrap().line, 2, "{resource}: {err}");
    }
}

#[test]
fn a_list_response_loads_as_one_policy_per_role() {
    let PolicyFile::List(roles) = PolicyDocument::parse_file(&fixture(LIST)).unwrap() else {
        panic!("a list");
    };
    let names: Vec<&str> = roles.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["custom_d78be9e7_ims-tagger", "custom_d78be9e7_ims-no-delete"]
    );
    // The single-document parser says what to do instead of guessing.
    let err = PolicyDocument::parse(&fixture(LIST)).unwrap_err();
    assert!(err.to_string().contains("parse_file"), "{err}");
    assert_eq!(err.location().unwrap().line, 7);
}

#[test]
fn list_responses_get_the_same_strict_errors() {
    let doc = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"]}]}"#;
    let cases = [
        // An unknown key beside `roles`.
        (r#"{"roles": [], "next": 1}"#.to_owned(), "unknown_field", (1, 15)),
        // `roles` is not an array.
        (r#"{"roles": {}}"#.to_owned(), "invalid_type", (1, 11)),
        // A role without a name.
        (format!("{{\"roles\": [\n{{\"policy\": {doc}}}]}}"), "missing_field", (2, 1)),
        // Two roles with one name.
        (
            format!("{{\"roles\": [{{\"name\": \"a\", \"policy\": {doc}}},\n {{\"name\": \"a\", \"policy\": {doc}}}]}}"),
            "invalid_value",
            (2, 2),
        ),
        // A strict error inside a role's document.
        (
            "{\"roles\": [{\"name\": \"a\", \"policy\": {\"Version\": \"1.1\",\n \"Statement\": [{\"Effect\": \"allow\", \"Action\": [\"ims:images:get\"]}]}}]}".to_owned(),
            "invalid_value",
            (2, 27),
        ),
        // Trailing data and duplicate keys, as everywhere.
        (r#"{"roles": [], "roles": []}"#.to_owned(), "duplicate_key", (1, 15)),
    ];
    for (text, kind, (line, column)) in cases {
        let err = PolicyDocument::parse_file(&text).unwrap_err();
        assert_eq!(err.kind(), kind, "{text}: {err}");
        let at = err.location().unwrap();
        assert_eq!((at.line, at.column), (line, column), "{text}: {err}");
    }
    // An empty list loads as no policy at all.
    assert_eq!(
        PolicyDocument::parse_file(r#"{"roles": [], "links": {}}"#).unwrap(),
        PolicyFile::List(vec![])
    );
}

#[test]
fn authorize_decides_with_exported_files() {
    let tag = format!("{IMAGE}/tags/env");
    let out = ims_iam(&["authorize", "--format", "json", "--policy", LIST, "PUT", &tag]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(
        v["actions"][0]["statements"][0]["policy"],
        "custom_d78be9e7_ims-tagger"
    );
    let out = ims_iam(&["authorize", "--format", "json", "--policy", LIST, "DELETE", IMAGE]);
    assert_eq!(code(&out), 1);
    assert_eq!(json(&out)["reason"], "explicit_deny");

    let out = ims_iam(&["authorize", "--policy", AGENCY, "GET", "/v2/cloudimages"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    // The Allow whose Resource is the agency URI grants nothing for IMS.
    let out = ims_iam(&[
        "authorize",
        "--format",
        "json",
        "--policy",
        AGENCY,
        "DELETE",
        IMAGE,
    ]);
    assert_eq!(code(&out), 1);
    assert_eq!(json(&out)["reason"], "implicit_deny");
}

#[test]
fn test_and_lint_take_exported_files() {
    let out = ims_iam(&["test", "tests/fixtures/exports"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("6 passed, 0 failed"), "{}", stdout(&out));

    // No false error: the agency URI is a narrow resource (a warning) on the IMS statement only.
    let out = ims_iam(&["lint", "--format", "json", AGENCY, LIST]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let findings = json(&out)["findings"].as_array().unwrap().clone();
    assert!(findings.iter().all(|f| f["severity"] != "error"), "{findings:?}");
    let narrow: Vec<_> = findings.iter().filter(|f| f["code"] == "IMS070").collect();
    assert_eq!(narrow.len(), 1, "{findings:?}");
    assert_eq!(narrow[0]["statement"], 2);
}

#[test]
fn cloud_changes_decisions_where_the_profiles_differ() {
    let doc = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:delete"]}]}"#;
    let dir = std::env::temp_dir().join(format!("ims-iam-cloud-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("deleter.json");
    std::fs::write(&file, doc).unwrap();
    let file = file.to_str().unwrap();
    let decide = |cloud: &str| {
        code(&ims_iam(&[
            "authorize",
            "--cloud",
            cloud,
            "--policy",
            file,
            "DELETE",
            IMAGE,
        ]))
    };
    assert_eq!(decide("otc"), 0);
    assert_eq!(decide("huawei-cloud"), 0);
    assert_eq!(decide("eu-west-0"), 1);
    // The default is otc.
    assert_eq!(
        code(&ims_iam(&["authorize", "--policy", file, "DELETE", IMAGE])),
        0
    );

    // `test --cloud` is the default for files that name none; a file's `cloud` wins.
    let cases = dir.join("delete.test.json");
    std::fs::write(
        &cases,
        format!(
            r#"{{"policies": [{{"name": "d", "document": {doc}}}],
               "cases": [{{"name": "delete", "method": "DELETE", "target": "{IMAGE}", "expect": "allow"}}]}}"#
        ),
    )
    .unwrap();
    let cases = cases.to_str().unwrap();
    assert_eq!(code(&ims_iam(&["test", cases])), 0);
    assert_eq!(code(&ims_iam(&["test", "--cloud", "eu-west-0", cases])), 1);
    assert_eq!(
        code(&ims_iam(&[
            "test",
            "--cloud",
            "eu-west-0",
            "tests/fixtures/exports/eu-west-0.test.json"
        ])),
        0
    );
    assert_eq!(
        code(&ims_iam(&[
            "test",
            "--cloud",
            "otc",
            "tests/fixtures/exports/eu-west-0.test.json"
        ])),
        0
    );

    // Dependencies are advisory: they change explanations and the linter, not decisions.
    let copy = ims_iam(&[
        "match",
        "--format",
        "json",
        "--cloud",
        "huawei-cloud",
        "POST",
        "/v1/cloudimages/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/cross_region_copy",
    ]);
    let deps = json(&copy)["operation"]["dependencies"].clone();
    assert_eq!(
        deps,
        serde_json::json!([
            "ims:serverImages:create",
            "obs:bucket:*",
            "obs:object:*",
            "kms:*:*"
        ])
    );
    let copy = ims_iam(&[
        "match",
        "--format",
        "json",
        "POST",
        "/v1/cloudimages/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/cross_region_copy",
    ]);
    assert_eq!(json(&copy)["operation"]["dependencies"], serde_json::json!([]));
    let copier = dir.join("copier.json");
    std::fs::write(
        &copier,
        r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:copy"]}]}"#,
    )
    .unwrap();
    let lint = |cloud: &str| {
        let out = ims_iam(&[
            "lint",
            "--format",
            "json",
            "--cloud",
            cloud,
            copier.to_str().unwrap(),
        ]);
        json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "IMS051" && f["message"].as_str().unwrap().contains("cross_region_copy"))
            .count()
    };
    assert_eq!(lint("otc"), 0);
    assert_eq!(lint("huawei-cloud"), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn routes_and_matrix_diff_show_profiles_and_bases() {
    let out = ims_iam(&["routes", "--format", "json", "--cloud", "eu-west-0"]);
    let rows = json(&out);
    let delete = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["method"] == "DELETE" && r["template"] == "/v2/images/{image_id}")
        .unwrap();
    assert_eq!(
        delete["actions"],
        serde_json::json!(["ims:images:get", "ims:images:delete"])
    );
    assert_eq!(delete["cloud"], "eu-west-0");
    let job = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["template"] == "/v1/{project_id}/jobs/{job_id}")
        .unwrap();
    assert_eq!(job["basis"], "decision");
    assert!(job["basis_note"].as_str().unwrap().contains("changes nothing"));

    let text = stdout(&ims_iam(&["routes", "--format", "text"]));
    assert!(
        text.contains("POST /v2.1/cloudimages/action (inferred): inferred from POST /v2/cloudimages/action"),
        "{text}"
    );

    let out = ims_iam(&[
        "matrix",
        "diff",
        "--cloud",
        "otc",
        "--cloud",
        "eu-west-0",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 1);
    let v = json(&out);
    assert_eq!(v["clouds"], serde_json::json!(["otc", "eu-west-0"]));
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["template"], "/v2/images/{image_id}");
    assert_eq!(
        rows[0]["otc"]["actions"],
        serde_json::json!(["ims:images:delete"])
    );
    let text = stdout(&ims_iam(&[
        "matrix",
        "diff",
        "--cloud",
        "otc",
        "--cloud",
        "huawei-cloud",
    ]));
    assert!(
        text.contains("POST /v1/cloudimages/{image_id}/cross_region_copy"),
        "{text}"
    );
    assert!(
        text.ends_with("1 rows differ between otc and huawei-cloud\n"),
        "{text}"
    );
    assert_eq!(
        code(&ims_iam(&["matrix", "diff", "--cloud", "otc", "--cloud", "otc"])),
        0
    );
    assert_eq!(code(&ims_iam(&["matrix", "diff", "--cloud", "otc"])), 2);
    assert_eq!(code(&ims_iam(&["routes", "--cloud", "mars"])), 2);
}
