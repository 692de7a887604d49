//! The data-driven suite: every `*.test.json` under `tests/cases/` (cases worked out by hand from the
//! SPEC) and `policies/tests/` (the bundled policies), run through the public runner.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".test.json"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no test file in {}", dir.display());
    out
}

fn run(dir: &str) -> usize {
    let mut total = 0;
    let mut failures = String::new();
    for file in files(dir) {
        let report = ims_iam::testing::run_file(&file).unwrap_or_else(|e| panic!("{e}"));
        total += report.cases.len();
        if !report.passed() {
            failures.push_str(&report.to_string());
        }
    }
    assert!(failures.is_empty(), "{failures}");
    total
}

#[test]
fn hand_worked_cases_pass() {
    let n = run("tests/cases");
    assert!(n >= 100, "only {n} hand-worked cases");
}

#[test]
fn bundled_policy_tests_pass() {
    assert!(run("policies/tests") >= 20);
}

#[test]
fn a_failing_case_is_reported_with_its_explanation() {
    let report = ims_iam::testing::run_str(
        r#"{"policies": [{"name": "p", "document": {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:update"]}]}}],
            "cases": [{"name": "tag", "method": "PUT", "target": "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/a", "expect": "allow"}]}"#,
        Path::new("."),
        "inline",
    )
    .unwrap();
    assert!(!report.passed());
    let text = report.to_string();
    assert!(
        text.contains("FAIL tag: expected allow, got implicit_deny"),
        "{text}"
    );
    assert!(
        text.contains("ims:images:get is not allowed by any statement"),
        "{text}"
    );
}

#[test]
fn invalid_test_files_are_errors() {
    for bad in [
        r#"{"cases": [{"name": "x", "method": "GET", "target": "/", "expect": "maybe"}]}"#,
        r#"{"cases": [{"name": "x", "method": "GET", "target": "/", "expect": "allow", "surprise": 1}]}"#,
        r#"{"policies": [{"name": "p", "document": {"Version": "1.1"}}], "cases": []}"#,
        r#"{"policies": [{"file": "does-not-exist.json"}], "cases": []}"#,
        r#"{"cases": [{"name": "x", "method": "GET", "target": "/", "expect": "allow", "situations": ["nope"]}]}"#,
        "not json",
    ] {
        assert!(
            ims_iam::testing::run_str(bad, Path::new("."), "bad").is_err(),
            "{bad}"
        );
    }
}
