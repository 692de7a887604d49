//! The JSON Schemas of `ims-iam schema`: the bundled policies, the example principals file, the
//! exported fixtures and every decision-test file validate; documents with typical mistakes do not.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).unwrap_or_else(|e| panic!("the schema itself is invalid: {e}"))
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_valid(v: &jsonschema::Validator, path: &Path) {
    let doc = read(path);
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
}

fn files(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if keep(&path.file_name().unwrap().to_string_lossy()) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn bundled_policies_and_exported_fixtures_validate() {
    let v = validator(&ims_iam::schema::policy());
    let policies = files("policies", |n| n.ends_with(".json") && !n.ends_with(".test.json"));
    assert!(policies.len() >= 6);
    let exports = files("tests/fixtures/exports", |n| {
        n.ends_with(".json") && !n.ends_with(".test.json") && n != "principals.json"
    });
    assert!(!exports.is_empty());
    for path in policies.iter().chain(&exports) {
        assert_valid(&v, path);
    }
}

#[test]
fn principals_files_validate() {
    let v = validator(&ims_iam::schema::principals());
    assert_valid(&v, &root().join("examples/principals.json"));
    assert_valid(&v, &root().join("tests/fixtures/exports/principals.json"));
}

/// Inline policies of decision tests that hold, on purpose, an action no IMS API requires (they check
/// that such a typo grants nothing): the schema flags them, as the linter does.
const DELIBERATE: &[(&str, &str)] = &[("tests/cases/wildcards.test.json", "/cases/16/policies/0/document")];

#[test]
fn every_decision_test_file_validates() {
    let v = validator(&ims_iam::schema::test());
    let tests = files(".", |n| n.ends_with(".test.json"));
    let tests: Vec<&PathBuf> = tests
        .iter()
        .filter(|p| !p.starts_with(root().join("./target")))
        .collect();
    assert!(tests.len() >= 13, "{tests:?}");
    for path in tests {
        let relative = path
            .strip_prefix(root().join("."))
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let doc = read(path);
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| e.instance_path().to_string())
            .filter(|at| !DELIBERATE.contains(&(relative.as_str(), at.as_str())))
            .collect();
        assert!(errors.is_empty(), "{relative}: {errors:#?}");
    }
    // The exceptions are real mistakes: the linter reports each of them as an error.
    for (file, pointer) in DELIBERATE {
        let document = read(&root().join(file)).pointer(pointer).unwrap().to_string();
        let findings = ims_iam::lint::lint_str("inline.json", &document, &ims_iam::lint::Options::default());
        assert!(
            findings
                .iter()
                .any(|f| f.severity() == ims_iam::lint::Severity::Error),
            "{file}{pointer}: {findings:?}"
        );
    }
}

#[test]
fn typical_mistakes_are_rejected() {
    let v = validator(&ims_iam::schema::policy());
    let doc = |statement: Value| json!({"Version": "1.1", "Statement": [statement]});
    for bad in [
        // A typo in an IMS action.
        doc(json!({"Effect": "Allow", "Action": ["ims:images:updat"]})),
        // An effect in the wrong case.
        doc(json!({"Effect": "allow", "Action": ["ims:images:get"]})),
        // An unknown operator, and a misspelt global key.
        doc(
            json!({"Effect": "Allow", "Action": ["ims:images:get"], "Condition": {"StringEqual": {"g:UserName": ["a"]}}}),
        ),
        doc(
            json!({"Effect": "Allow", "Action": ["ims:images:get"], "Condition": {"IpAddress": {"g:SourceIP4": ["10.0.0.0/8"]}}}),
        ),
        // Both `Action` and `NotAction`, and neither.
        doc(json!({"Effect": "Deny", "Action": ["ims:*:*"], "NotAction": ["ims:images:get"]})),
        doc(json!({"Effect": "Deny"})),
        // An unknown key, an unsupported version.
        doc(json!({"Effect": "Allow", "Action": ["ims:images:get"], "Actions": []})),
        json!({"Version": "5.0", "Statement": []}),
    ] {
        assert!(!v.is_valid(&bad), "accepted: {bad}");
    }
    for good in [
        doc(json!({"Effect": "Allow", "Action": "ims:*:get*"})),
        doc(json!({"Effect": "Allow", "Action": ["obs:bucket:*", "*:*:*", "ims:*"]})),
        doc(json!({"Effect": "Allow", "Action": ["ims:images:get"],
                   "Condition": {"ForAnyValue:StringLikeIfExists": {"g:ResourceTag/env": ["prod*"], "ims:imageType": "x"}}})),
    ] {
        let errors: Vec<String> = v.iter_errors(&good).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{good}: {errors:?}");
    }

    let principals = validator(&ims_iam::schema::principals());
    assert!(
        !principals.is_valid(&json!({"groups": {}})),
        "`policies` is required"
    );
    assert!(!principals.is_valid(
        &json!({"policies": {}, "groups": {"g": {"attachments": [{"policy": "p", "scope": "proj:1"}]}}})
    ));
    assert!(!principals.is_valid(&json!({"policies": {"a,b": "x.json"}})));

    let test = validator(&ims_iam::schema::test());
    let case = |extra: Value| {
        let mut c = json!({"name": "n", "method": "GET", "target": "/v2/cloudimages", "expect": "allow"});
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"cases": [c]})
    };
    assert!(test.is_valid(&case(json!({}))));
    assert!(!test.is_valid(&case(json!({"expect": "allowed"}))));
    assert!(!test.is_valid(&case(json!({"situations": ["foo"]}))));
    assert!(!test.is_valid(&json!({"cloud": "aws", "cases": []})));
}

#[test]
fn the_cli_prints_the_same_schemas() {
    for (kind, schema) in [
        ("policy", ims_iam::schema::policy()),
        ("principals", ims_iam::schema::principals()),
        ("test", ims_iam::schema::test()),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ims-iam"))
            .args(["schema", kind])
            .output()
            .unwrap();
        assert!(out.status.success());
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(printed, schema, "{kind}");
    }
}
