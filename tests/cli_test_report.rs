//! `ims-iam test --format junit|json` and `--coverage [--threshold PCT]`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::{code, json, stdout};

/// A decision-test file with one passing and one failing case, and a conditional statement that only
/// one case evaluates.
fn fixture(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ims-iam-test-report-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("office.test.json");
    std::fs::write(
        &file,
        r#"{"policies": [{"name": "office", "document": {"Version": "1.1", "Statement": [
            {"Effect": "Allow", "Action": ["ims:images:list"],
             "Condition": {"IpAddress": {"g:SourceIp": ["10.0.0.0/8"]}}},
            {"Effect": "Deny", "Action": ["ims:images:delete"]}]}}],
          "cases": [
            {"name": "list from the office", "method": "GET", "target": "/v2/cloudimages",
             "context": {"g:SourceIp": "10.1.2.3"}, "expect": "allow"},
            {"name": "list <wrongly> expected denied", "method": "GET", "target": "/v2/cloudimages",
             "context": {"g:SourceIp": "10.1.2.3"}, "expect": "deny"}
          ]}"#,
    )
    .unwrap();
    file
}

#[test]
fn text_stays_the_default() {
    let file = fixture("text");
    let out = common::ims_iam(&["test", file.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.contains(": 1 passed, 1 failed\n"), "{text}");
    assert!(
        text.contains("  FAIL list <wrongly> expected denied: expected deny, got allow\n"),
        "{text}"
    );
    assert!(text.ends_with("1 passed, 1 failed\n"), "{text}");
}

#[test]
fn junit_has_one_suite_per_file_and_one_case_per_case() {
    let file = fixture("junit");
    let out = common::ims_iam(&[
        "test",
        "--format",
        "junit",
        file.to_str().unwrap(),
        "policies/tests",
    ]);
    assert_eq!(code(&out), 1);
    let xml = stdout(&out);
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "),
        "{xml}"
    );
    assert_eq!(xml.matches("<testsuite name=").count(), 6, "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 34, "{xml}");
    assert!(
        xml.contains(r#"<testcase name="list &lt;wrongly&gt; expected denied""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure message="expected deny, got allow" type="decision">allowed: ims:images:list allowed by office statement 0"#),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 1);
    // Balanced elements.
    assert_eq!(
        xml.matches("<testsuite ").count(),
        xml.matches("</testsuite>").count()
    );
    assert!(xml.ends_with("</testsuites>\n"));
}

#[test]
fn json_lists_each_case() {
    let file = fixture("json");
    let out = common::ims_iam(&["test", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    let v = json(&out);
    assert_eq!(v["passed"], 1);
    assert_eq!(v["failed"], 1);
    let cases = v["files"][0]["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[1]["name"], "list <wrongly> expected denied");
    assert_eq!(cases[1]["passed"], false);
    assert_eq!(cases[1]["expected"], "deny");
    assert_eq!(cases[1]["actual"], "allow");
    assert!(cases[1]["message"].as_str().unwrap().starts_with("allowed: "));
    assert_eq!(v["files"][0]["passed"], false);
}

#[test]
fn coverage_reports_operations_statements_and_conditions() {
    let file = fixture("coverage");
    let out = common::ims_iam(&["test", "--coverage", file.to_str().unwrap()]);
    let text = stdout(&out);
    // One row (`GET /v2/cloudimages`) of the table; the Deny statement is never considered; the
    // condition held but never failed.
    assert!(text.contains("  statements: 1/2 (50.0%)\n"), "{text}");
    assert!(
        text.contains("  conditions: 0/1 both ways (0.0%), 1/1 at least once\n"),
        "{text}"
    );
    assert!(
        text.contains("  uncovered statement: office statement 1\n"),
        "{text}"
    );
    assert!(
        text.contains("  uncovered condition: office statement 0: IpAddress on g:SourceIp (never failed)\n"),
        "{text}"
    );
    assert!(text.contains("  uncovered operation: GET /v2/images\n"), "{text}");
    assert!(
        !text.contains("  uncovered operation: GET /v2/cloudimages\n"),
        "{text}"
    );
    // JSON keeps standard output machine-readable: coverage goes to standard error.
    let out = common::ims_iam(&["test", "--format", "json", "--coverage", file.to_str().unwrap()]);
    json(&out);
    assert!(String::from_utf8(out.stderr).unwrap().contains("statements: 1/2"));
}

#[test]
fn the_threshold_fails_a_run_under_it() {
    // The bundled tests consider every statement and evaluate each condition both ways, but cover only
    // some of the table's rows.
    let out = common::ims_iam(&["test", "--coverage", "--threshold", "25", "policies/tests"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("  statements: 6/6 (100.0%)\n"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("  conditions: 2/2 both ways (100.0%)"),
        "{}",
        stdout(&out)
    );
    let out = common::ims_iam(&["test", "--coverage", "--threshold", "90", "policies/tests"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("coverage is under the threshold of 90%"));
    // A threshold needs `--coverage` and a percentage.
    assert_eq!(
        code(&common::ims_iam(&["test", "--threshold", "90", "policies/tests"])),
        2
    );
    assert_eq!(
        code(&common::ims_iam(&[
            "test",
            "--coverage",
            "--threshold",
            "101",
            "policies/tests"
        ])),
        2
    );
}
