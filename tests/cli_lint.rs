//! The `lint` command's contract (SPEC 4): exit codes 0/1/2, `--fail-on`, `--ignore`, `--scope`, the
//! formats, and which files a directory contributes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{code, stdout};

use std::process::Output;

use serde_json::Value;

/// Runs `ims-iam lint ARGS...`.
fn ims_iam(args: &[&str]) -> Output {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    common::ims_iam(&all)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

const FIX: &str = "tests/fixtures/lint";

#[test]
fn clean_files_exit_0() {
    let out = ims_iam(&["policies/ims-deny-delete.json", "policies/ims-read-only.json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(stdout(&out), "no findings in 2 files\n");
}

#[test]
fn the_bundled_policies_pass_at_fail_on_warning_but_not_at_suggestion() {
    let out = ims_iam(&["--fail-on", "warning", "policies/"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(
        stdout(&out).ends_with("0 errors, 0 warnings, 12 suggestions in 6 files\n"),
        "{}",
        stdout(&out)
    );
    let out = ims_iam(&["--fail-on", "suggestion", "policies/"]);
    assert_eq!(code(&out), 1);
    // Every suggestion is a missing dependency (OBS, KMS, ECS, EVS for the image-creation APIs): no
    // partial grant, not even the tag operator's `get` + `update` without `upload`.
    assert!(!stdout(&out).contains("IMS050"), "{}", stdout(&out));
    let out = ims_iam(&["--fail-on", "suggestion", "--ignore", "IMS051", "policies"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

#[test]
fn a_policy_that_can_tag_nothing_fails_at_fail_on_warning() {
    let file = format!("{FIX}/IMS050.bad.json");
    assert_eq!(code(&ims_iam(&[&file])), 0);
    let out = ims_iam(&["--fail-on", "warning", &file]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(
        stdout(&out).ends_with("0 errors, 2 warnings, 0 suggestions in 1 file\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn principals_files_are_checked_not_linted_as_policies() {
    // The README's layout: the example principals file beside the policies it names.
    let out = ims_iam(&["--principals", "examples/principals.json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).ends_with("in 5 files\n"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("(for group `project-admins`, user `carol`)"),
        "{}",
        stdout(&out)
    );
    // Found in a directory: recognised by its shape, no IMS003.
    let out = ims_iam(&["examples"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(!stdout(&out).contains("IMS003"), "{}", stdout(&out));
    // An invalid one is an error finding.
    let out = ims_iam(&[&format!("{FIX}/IMS008.bad.json")]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(stdout(&out).contains("error[IMS008]: user `alice` is a member of the undefined group `admins`"));
}

#[test]
fn principals_check_exits_0_1_2() {
    let check = |file: &str| common::ims_iam(&["principals", "check", file]);
    let out = check("examples/principals.json");
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "examples/principals.json: valid: 4 policies, 3 groups, 3 users\n"
    );
    let out = check(&format!("{FIX}/IMS008.bad.json"));
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("undefined group `admins`"),
        "{}",
        stdout(&out)
    );
    let out = check("policies/ims-read-only.json");
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).starts_with("policies/ims-read-only.json:2:"),
        "{}",
        stdout(&out)
    );
    assert_eq!(code(&check("no/such/principals.json")), 2);
}

#[test]
fn errors_exit_1_and_the_fail_on_level_decides_for_the_rest() {
    assert_eq!(code(&ims_iam(&[&format!("{FIX}/IMS021.bad.json")])), 1);
    // A warning passes by default and fails from `--fail-on warning` down.
    let warning = format!("{FIX}/IMS023.bad.json");
    assert_eq!(code(&ims_iam(&[&warning])), 0);
    assert_eq!(code(&ims_iam(&["--fail-on", "warning", &warning])), 1);
    assert_eq!(code(&ims_iam(&["--fail-on", "suggestion", &warning])), 1);
    // A security warning counts as a warning.
    let security = format!("{FIX}/IMS072.bad.json");
    assert_eq!(code(&ims_iam(&[&security])), 0);
    assert_eq!(code(&ims_iam(&["--fail-on", "warning", &security])), 1);
    // A suggestion fails only `--fail-on suggestion`.
    let suggestion = format!("{FIX}/IMS024.bad.json");
    assert_eq!(code(&ims_iam(&["--fail-on", "warning", &suggestion])), 0);
    assert_eq!(code(&ims_iam(&["--fail-on", "suggestion", &suggestion])), 1);
}

#[test]
fn ignored_rules_do_not_fail_the_run() {
    let bad = format!("{FIX}/IMS021.bad.json");
    let out = ims_iam(&["--ignore", "IMS021", &bad]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(code(&ims_iam(&["--ignore", "unknown-action", &bad])), 0);
    assert_eq!(code(&ims_iam(&["--ignore", "ims021", &bad])), 0);
}

#[test]
fn usage_errors_and_unreadable_input_exit_2() {
    let bad = format!("{FIX}/IMS021.bad.json");
    for args in [
        vec![],
        vec!["--ignore", "IMS999", bad.as_str()],
        vec!["--fail-on", "never", bad.as_str()],
        vec!["--format", "xml", bad.as_str()],
        vec!["--scope", "enterprise-project:", bad.as_str()],
        vec!["no/such/file.json"],
        vec!["no/such/*.json"],
        vec![bad.as_str(), "no/such/file.json"],
    ] {
        let out = ims_iam(&args);
        assert_eq!(
            code(&out),
            2,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    // A path that does not exist stops the run before anything is linted, and says which.
    let out = ims_iam(&[&bad, "no/such/file.json"]);
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `no/such/file.json`"));
}

#[test]
fn malformed_json_is_a_finding_not_unreadable_input() {
    let out = ims_iam(&["--format", "json", &format!("{FIX}/IMS001.bad.json")]);
    assert_eq!(code(&out), 1);
    let findings = &json(&out)["findings"];
    assert_eq!(findings[0]["code"], "IMS001");
    assert_eq!(findings[0]["statement"], Value::Null);
}

#[test]
fn json_output_has_the_contract_fields_in_order() {
    let out = ims_iam(&[
        "--format",
        "json",
        &format!("{FIX}/showcase.json"),
        &format!("{FIX}/IMS021.bad.json"),
    ]);
    assert_eq!(code(&out), 1);
    let findings = json(&out)["findings"].as_array().unwrap().clone();
    let keys: Vec<(String, u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "findings are sorted by file, line, column, code");
    assert_eq!(keys[0].0, format!("{FIX}/IMS021.bad.json"));
    let first = &findings[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["statement"], 0);
    assert!(first["message"].as_str().unwrap().contains("ims:images:get"));
}

#[test]
fn sarif_output_is_a_sarif_log() {
    let out = ims_iam(&["--format", "sarif", &format!("{FIX}/showcase.json")]);
    assert_eq!(code(&out), 1);
    let sarif = json(&out);
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "ims-iam");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/lint/showcase.json"
    );
}

#[test]
fn the_scope_enables_the_enterprise_project_rule() {
    let file = format!("{FIX}/IMS060.bad.json");
    let out = ims_iam(&["--format", "json", &file]);
    assert!(
        json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "IMS060")
    );
    let out = ims_iam(&[
        "--format",
        "json",
        "--scope",
        "enterprise-project:0",
        "--fail-on",
        "warning",
        &file,
    ]);
    assert_eq!(code(&out), 1);
    assert!(
        json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "IMS060")
    );
}

#[test]
fn directories_skip_decision_tests() {
    let out = ims_iam(&["--format", "json", "policies"]);
    let findings = json(&out)["findings"].as_array().unwrap().clone();
    assert!(
        findings
            .iter()
            .all(|f| !f["file"].as_str().unwrap().ends_with(".test.json"))
    );
    let out = ims_iam(&["policies/"]);
    assert!(stdout(&out).ends_with("in 6 files\n"));
}

#[test]
fn text_output_matches_the_library_snapshot() {
    let out = ims_iam(&[
        "--scope",
        "enterprise-project:ep-1",
        &format!("{FIX}/showcase.json"),
        &format!("{FIX}/IMS001.bad.json"),
        &format!("{FIX}/IMS060.bad.json"),
    ]);
    assert_eq!(code(&out), 1);
    let expected = std::fs::read_to_string(format!(
        "{}/{FIX}/snapshots/showcase.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    assert_eq!(stdout(&out), expected);
}
