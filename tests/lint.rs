//! The linter: a fixture per rule that triggers it and a near-miss that does not, exact locations,
//! snapshots of the three output formats, the bundled policies, and the rule table of the docs.
//!
//! Snapshots are plain files in `tests/fixtures/lint/snapshots/`; after a deliberate change, rewrite
//! them with `UPDATE_SNAPSHOTS=1 cargo test --test lint` and review the diff.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use ims_iam::Scope;
use ims_iam::lint::{
    Finding, Options, RULES, Severity, collect_files, lint_bytes, lint_file, lint_files, lint_run, lint_str,
    rule, summary, to_json, to_sarif, to_text,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

/// Lints a fixture with the name findings carry relative to the crate root.
fn lint_fixture(name: &str, options: &Options) -> Vec<Finding> {
    if name.starts_with("IMS008.") {
        // A principals file: recognised by its shape in a run.
        return lint_run(&[fixtures().join(name)], options).findings;
    }
    let text = std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    lint_bytes(&format!("tests/fixtures/lint/{name}"), &text, options)
}

fn options_for(code: &str) -> Options {
    if code == "IMS060" {
        Options::default().with_scope(Scope::EnterpriseProject("ep-1".to_owned()))
    } else {
        Options::default()
    }
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(Finding::code).collect()
}

#[test]
fn every_rule_has_a_fixture_that_triggers_it_and_a_near_miss_that_does_not() {
    for rule in RULES {
        let code = rule.code();
        let options = options_for(code);
        let bad = lint_fixture(&format!("{code}.bad.json"), &options);
        assert!(
            codes(&bad).contains(&code),
            "{code}.bad.json does not trigger {code}: {:?}",
            codes(&bad)
        );
        for f in bad.iter().filter(|f| f.code() == code) {
            // A rule reports at its severity or below (IMS050 lowers some findings to suggestions).
            assert!(
                rule.severity().is_at_least(f.severity()),
                "{code}: {:?}",
                f.severity()
            );
            assert!(!f.message().is_empty());
            assert!(
                f.message().starts_with(|c: char| !c.is_ascii_uppercase()),
                "{code}: messages start in lowercase: {}",
                f.message()
            );
        }
        let ok = lint_fixture(&format!("{code}.ok.json"), &options);
        assert!(
            !codes(&ok).contains(&code),
            "{code}.ok.json triggers {code}: {:?}",
            ok.iter().map(Finding::message).collect::<Vec<_>>()
        );
    }
}

#[test]
fn near_misses_of_the_loader_rules_load_cleanly() {
    for code in [
        "IMS001", "IMS002", "IMS003", "IMS004", "IMS005", "IMS006", "IMS007",
    ] {
        let ok = lint_fixture(&format!("{code}.ok.json"), &Options::default());
        assert!(
            ok.iter().all(|f| f.code() > "IMS007"),
            "{code}.ok.json: {:?}",
            codes(&ok)
        );
    }
}

#[test]
fn without_an_enterprise_project_scope_ims060_is_silent() {
    for scope in [Scope::Global, Scope::Project("p".to_owned())] {
        let findings = lint_fixture("IMS060.bad.json", &Options::default().with_scope(scope));
        assert!(!codes(&findings).contains(&"IMS060"));
    }
}

/// (code, line, column) of each finding.
fn places(findings: &[Finding]) -> Vec<(&'static str, usize, usize)> {
    findings
        .iter()
        .map(|f| (f.code(), f.line(), f.column()))
        .collect()
}

#[test]
fn findings_point_at_the_offending_value() {
    let findings = lint_fixture("showcase.json", &Options::default());
    assert_eq!(
        places(&findings),
        vec![
            ("IMS021", 7, 39),
            ("IMS023", 7, 56),
            ("IMS034", 9, 9),
            ("IMS033", 10, 26),
            ("IMS072", 16, 21),
            ("IMS070", 17, 20),
        ]
    );
    let unknown = &findings[0];
    assert_eq!(unknown.statement(), Some(0));
    assert_eq!(unknown.sid(), Some("TagImages"));
    assert!(unknown.message().contains("did you mean `ims:images:get`?"));
    assert!(findings[3].message().contains("did you mean `g:UserName`?"));
}

#[test]
fn loader_errors_are_one_finding_at_their_place() {
    let duplicate = lint_fixture("IMS002.bad.json", &Options::default());
    assert_eq!(places(&duplicate), vec![("IMS002", 7, 7)]);
    assert!(duplicate[0].message().starts_with("duplicate key `Action`"));
    assert_eq!(duplicate[0].statement(), None);
    let missing = lint_fixture("IMS004.bad.json", &Options::default());
    assert_eq!(places(&missing), vec![("IMS004", 4, 5)]);
    let version = lint_fixture("IMS006.bad.json", &Options::default());
    assert_eq!(places(&version), vec![("IMS006", 2, 14)]);
}

#[test]
fn a_file_that_is_not_utf8_is_a_finding_at_its_first_invalid_byte() {
    let findings = lint_bytes("x.json", b"{\n  \"Version\": \"1.1\xff\"}", &Options::default());
    assert_eq!(places(&findings), vec![("IMS001", 2, 18)]);
    assert!(findings[0].message().contains("not valid UTF-8"));
}

#[test]
fn no_input_panics_and_every_finding_has_a_place() {
    let inputs = [
        "",
        " ",
        "[]",
        "null",
        "{",
        "{}",
        r#"{"Version": "1.1"}"#,
        r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": "é:ü:*", "Resource": "x"}]}"#,
        r#"{"Version": "1.1", "Statement": [{"Effect": "Deny", "NotAction": "*", "Condition": {"ForAnyValue:StringLike": {"g:TagKeys": "a*"}}}]}"#,
        r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ":", "Condition": {"IfExists": {"": 1}}}]}"#,
        "{\"role\": {\"policy\": {\"Version\": \"1.0\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"ims:*:*\"]}]}}}",
    ];
    for input in inputs {
        for f in lint_str("x.json", input, &Options::default()) {
            assert!(f.line() >= 1 && f.column() >= 1, "{input}: {f:?}");
        }
    }
}

#[test]
fn ignored_rules_are_dropped_and_unknown_ones_refused() {
    let options = Options::default()
        .ignore("IMS021")
        .unwrap()
        .ignore("narrow-resource")
        .unwrap();
    let findings = lint_fixture("showcase.json", &options);
    assert_eq!(codes(&findings), vec!["IMS023", "IMS034", "IMS033", "IMS072"]);
    assert!(Options::default().ignore("IMS999").is_err());
    assert_eq!(rule("ims021").map(|r| r.code()), Some("IMS021"));
}

#[test]
fn the_cloud_limits_are_measured_as_documented() {
    let long = lint_fixture("IMS010.bad.json", &Options::default());
    let f = long.iter().find(|f| f.code() == "IMS010").unwrap();
    assert_eq!((f.line(), f.column()), (1, 1));
    assert!(f.message().contains("6148 characters"), "{}", f.message());
    let statements = lint_fixture("IMS011.bad.json", &Options::default());
    let f = statements.iter().find(|f| f.code() == "IMS011").unwrap();
    assert_eq!(f.statement(), Some(8));
    // Roles (Version 1.0) are not custom policies: the limits are not checked.
    let role = lint_fixture("IMS011.bad.json", &Options::default());
    assert!(!role.is_empty());
    let text = std::fs::read_to_string(fixtures().join("IMS011.bad.json")).unwrap();
    let as_role = text.replacen("\"1.1\"", "\"1.0\"", 1);
    assert!(!codes(&lint_str("r.json", &as_role, &Options::default())).contains(&"IMS011"));
}

fn policy(actions: &str) -> String {
    format!(r#"{{"Version": "1.1", "Statement": [{{"Effect": "Allow", "Action": {actions}}}]}}"#)
}

fn ims050(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|f| f.code() == "IMS050").collect()
}

#[test]
fn partial_grants_are_one_finding_per_statement_and_missing_action() {
    // `update` alone can tag nothing: one warning for `get` listing every API that needs it, one for
    // `upload` (the image-file upload also needs it).
    let findings = lint_fixture("IMS050.bad.json", &Options::default());
    let partial = ims050(&findings);
    assert_eq!(partial.len(), 2, "{partial:#?}");
    assert!(partial.iter().all(|f| f.severity() == Severity::Warning));
    let get = partial
        .iter()
        .find(|f| f.message().starts_with("`ims:images:get` is not allowed"))
        .unwrap();
    for api in [
        "`PUT /v2/images/{image_id}/tags/{tag}`",
        "`DELETE /v2/images/{image_id}/tags/{tag}`",
        "`PUT /v1/cloudimages/tags`",
        "`PUT /v2/images/{image_id}/file` (with `ims:images:upload`)",
    ] {
        assert!(get.message().contains(api), "{api}: {}", get.message());
    }
    assert!(
        get.message()
            .contains("none of the APIs that need `ims:images:update` is complete")
    );
}

#[test]
fn partial_grants_skip_what_is_deliberate() {
    let lint = |text: &str| lint_str("p.json", text, &Options::default());
    // A tagging policy (`get` + `update`) does not mean to upload image files: no finding about
    // `PUT /v2/images/{image_id}/file` needing `ims:images:upload`.
    let tagger = lint(&policy(r#"["ims:images:get", "ims:images:update"]"#));
    assert!(ims050(&tagger).is_empty(), "{:#?}", ims050(&tagger));
    // A read-only policy does not mean to tag: no suggestion that tagging needs `update`.
    let read = lint(&policy(r#"["ims:images:get"]"#));
    assert!(read.is_empty(), "{:?}", codes(&read));
    // A missing action that the policy denies is deliberate.
    let denied = lint(
        r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:update"]},
            {"Effect": "Deny", "Action": ["ims:images:get"]}]}"#,
    );
    assert!(!codes(&denied).contains(&"IMS050"));
    // Sharing without `get`: every API of several actions needs `get`, so nothing is complete.
    let sharer = lint(&policy(r#"["ims:images:share"]"#));
    let partial = ims050(&sharer);
    assert_eq!(partial.len(), 1, "{partial:#?}");
    assert_eq!(partial[0].severity(), Severity::Warning);
}

#[test]
fn fail_on_warning_fails_a_policy_that_can_tag_nothing() {
    let findings = lint_fixture("IMS050.bad.json", &Options::default());
    assert!(
        findings
            .iter()
            .any(|f| f.severity().is_at_least(Severity::Warning))
    );
}

/// A directory with policies and a principals file attaching them.
fn principals_dir(name: &str, principals: &str, policies: &[(&str, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ims-iam-lint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("principals.json"), principals).unwrap();
    for (file, text) in policies {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

#[test]
fn principals_judge_partial_grants_on_what_a_caller_gets() {
    let policies = [
        ("get.json", policy(r#"["ims:images:get"]"#)),
        ("update.json", policy(r#"["ims:images:update"]"#)),
    ];
    // The group gets both policies: `update.json` is completed by `get.json`.
    let dir = principals_dir(
        "combined",
        r#"{"policies": {"get": "get.json", "update": "update.json"},
            "groups": {"taggers": {"attachments": [{"policy": "get"}, {"policy": "update"}]}}}"#,
        &policies,
    );
    let report = lint_run(&collect_files(&[&dir]).unwrap(), &Options::default());
    assert!(report.errors.is_empty());
    // No IMS003 for the principals file, no IMS050 for the completed grant.
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.files, 3);
    // Alone, it is a warning.
    let alone = lint_file(&dir.join("update.json"), &Options::default()).unwrap();
    assert_eq!(ims050(&alone).len(), 2);

    // One group gets both, the other only `update`: the finding names who is left short.
    let dir = principals_dir(
        "partial",
        r#"{"policies": {"get": "get.json", "update": "update.json"},
            "groups": {"taggers": {"attachments": [{"policy": "get"}, {"policy": "update"}]},
                       "writers": {"attachments": [{"policy": "update"}]}},
            "users": {"bob": {"groups": ["writers"], "attachments": [{"policy": "get"}]}}}"#,
        &policies,
    );
    let options = Options::default().with_principals(dir.join("principals.json"));
    let report = lint_run(&[], &options);
    let partial = ims050(&report.findings);
    assert_eq!(partial.len(), 2, "{partial:#?}");
    for f in partial {
        assert!(f.file().ends_with("update.json"));
        assert!(f.message().ends_with("(for group `writers`)"), "{}", f.message());
        assert!(f.message().contains("the caller's policies"), "{}", f.message());
    }

    // A project-scoped `get` does not complete a global `update` everywhere.
    let dir = principals_dir(
        "scoped",
        r#"{"policies": {"get": "get.json", "update": "update.json"},
            "groups": {"taggers": {"attachments": [
                {"policy": "get", "scope": "project:0123456789abcdef0123456789abcdef"},
                {"policy": "update"}]}}}"#,
        &policies,
    );
    let report = lint_run(&[dir.join("principals.json")], &Options::default());
    assert_eq!(ims050(&report.findings).len(), 2, "{:#?}", report.findings);
}

#[test]
fn principals_judge_missing_dependencies_on_what_a_caller_gets() {
    let dir = principals_dir(
        "deps",
        r#"{"policies": {"upload": "upload.json", "obs": "obs.json"},
            "groups": {"uploaders": {"attachments": [{"policy": "upload"}, {"policy": "obs"}]}}}"#,
        &[
            ("upload.json", policy(r#"["ims:images:upload"]"#)),
            (
                "obs.json",
                policy(
                    r#"["obs:bucket:*", "obs:object:*", "kms:*:*", "ims:images:get", "ims:images:update"]"#,
                ),
            ),
        ],
    );
    let alone = lint_file(&dir.join("upload.json"), &Options::default()).unwrap();
    assert!(codes(&alone).contains(&"IMS051"));
    let report = lint_run(&[dir.join("principals.json")], &Options::default());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn an_invalid_principals_file_is_a_finding_at_its_place() {
    let dir = principals_dir(
        "invalid",
        "{\"policies\": {\"p\": \"missing.json\"},\n \"groups\": {\"g\": {\"attachments\": [{\"policy\": \"p\"}]}}}",
        &[],
    );
    let report = lint_run(&[dir.join("principals.json")], &Options::default());
    let f = report.findings.iter().find(|f| f.code() == "IMS008").unwrap();
    assert!(f.message().contains("missing.json"), "{}", f.message());
    let bad_json = principals_dir("syntax", "{\"policies\": {},\n \"users\": 3}", &[]);
    let report = lint_run(&[bad_json.join("principals.json")], &Options::default());
    let f = report.findings.iter().find(|f| f.code() == "IMS008").unwrap();
    assert_eq!(f.line(), 2);
}

#[test]
fn enterprise_project_scope_lists_every_api_without_effect() {
    let findings = lint_fixture("IMS060.bad.json", &options_for("IMS060"));
    let f = findings.iter().find(|f| f.code() == "IMS060").unwrap();
    for api in [
        "`PUT /v2/images/{image_id}/tags/{tag}`",
        "`DELETE /v2/images/{image_id}/tags/{tag}`",
        "`PUT /v1/cloudimages/tags`",
        "`HEAD /v1/images/{image_id}`",
    ] {
        assert!(f.message().contains(api), "{api} missing from {}", f.message());
    }
    // `GET /v2/images/{image_id}` can be authorized in an enterprise project.
    assert!(!f.message().contains("`GET /v2/images/{image_id}`"));
}

#[test]
fn dead_grants_and_redundant_statements_name_the_other_statement() {
    let dead = lint_fixture("IMS040.bad.json", &Options::default());
    let f = dead.iter().find(|f| f.code() == "IMS040").unwrap();
    assert_eq!(f.statement(), Some(0));
    assert!(
        f.message().contains("statement 1 (`DenyImages`)"),
        "{}",
        f.message()
    );
    let redundant = lint_fixture("IMS041.bad.json", &Options::default());
    let f = redundant.iter().find(|f| f.code() == "IMS041").unwrap();
    assert_eq!(f.statement(), Some(1));
    assert!(f.message().contains("statement 0 (`All`)"), "{}", f.message());
    // Of two equal statements, the later one is reported, once.
    let twice = lint_str(
        "t.json",
        r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"]},
            {"Effect": "Allow", "Action": ["IMS:IMAGES:GET"]}]}"#,
        &Options::default().ignore("IMS023").unwrap(),
    );
    assert_eq!(places(&twice), vec![("IMS041", 2, 24)]);
}

/// Compares with a snapshot file, or rewrites it when `UPDATE_SNAPSHOTS` is set.
fn check_snapshot(name: &str, actual: &str) {
    let path = fixtures().join("snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if actual != expected {
        let new = std::env::temp_dir().join(format!("{name}.new"));
        std::fs::write(&new, actual).unwrap();
        panic!(
            "snapshot {name} differs; the new output is in {} (UPDATE_SNAPSHOTS=1 rewrites the snapshot)",
            new.display()
        );
    }
}

fn snapshot_findings() -> Vec<Finding> {
    let files = vec![
        PathBuf::from("tests/fixtures/lint/showcase.json"),
        PathBuf::from("tests/fixtures/lint/IMS001.bad.json"),
        PathBuf::from("tests/fixtures/lint/IMS060.bad.json"),
    ];
    // `cargo test` runs integration tests from the package root, so the relative names resolve.
    let options = Options::default().with_scope(Scope::EnterpriseProject("ep-1".to_owned()));
    let (findings, errors) = lint_files(&files, &options);
    assert!(errors.is_empty(), "{errors:?}");
    findings
}

#[test]
fn text_output_snapshot() {
    let findings = snapshot_findings();
    let text = format!("{}{}\n", to_text(&findings), summary(&findings, 3));
    check_snapshot("showcase.txt", &text);
}

#[test]
fn json_output_snapshot() {
    let json = to_json(&snapshot_findings());
    check_snapshot("showcase.json", &format!("{json:#}\n"));
    for f in json["findings"].as_array().unwrap() {
        for key in [
            "file",
            "line",
            "column",
            "code",
            "severity",
            "message",
            "statement",
        ] {
            assert!(f.get(key).is_some(), "missing {key} in {f}");
        }
    }
}

#[test]
fn sarif_output_snapshot() {
    let sarif = to_sarif(&snapshot_findings());
    // The version of `ims-iam` changes with releases; the snapshot holds a placeholder.
    let text = format!("{sarif:#}\n").replace(
        &format!("\"semanticVersion\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"semanticVersion\": \"VERSION\"",
    );
    check_snapshot("showcase.sarif", &text);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for r in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(r.get(key).is_some(), "missing {key} in {r}");
        }
    }
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn bundled_policies_lint_clean_at_fail_on_warning() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = collect_files(&[root.join("policies")]).unwrap();
    // The decision tests under `policies/tests/` are not policies and are skipped.
    assert_eq!(files.len(), 6, "{files:?}");
    assert!(files.iter().all(|f| !f.to_string_lossy().ends_with(".test.json")));
    for file in &files {
        let findings = lint_file(file, &Options::default()).unwrap();
        for f in &findings {
            assert!(
                !f.severity().is_at_least(Severity::Warning),
                "{}: {}",
                file.display(),
                f.message()
            );
            // The only findings are deliberate suggestions:
            // - IMS051: the full-access, conditional and administrator examples grant `ims:*:*` alone;
            //   the OBS, KMS, ECS, EVS and BMS actions that some IMS APIs depend on come from other
            //   policies of the same users.
            // - IMS050: the tag operator grants `get` and `update` for tagging, which also covers
            //   `PUT /v2/images/{image_id}/file` except its `ims:images:upload`: uploading is not the
            //   operator's job.
            let name = file.file_name().unwrap().to_str().unwrap();
            match f.code() {
                "IMS051" => assert!(
                    matches!(
                        name,
                        "ims-full-access.json" | "ims-conditional.json" | "ims-administrator-role.json"
                    ),
                    "{name}: {}",
                    f.message()
                ),
                "IMS050" => {
                    assert_eq!(name, "ims-tag-operator.json");
                    assert!(
                        f.message()
                            .starts_with("`PUT /v2/images/{image_id}/file` needs `ims:images:upload`")
                    );
                }
                other => panic!("{name}: unexpected {other}: {}", f.message()),
            }
        }
    }
    for clean in ["ims-read-only.json", "ims-deny-delete.json"] {
        assert!(
            lint_file(&root.join("policies").join(clean), &Options::default())
                .unwrap()
                .is_empty()
        );
    }
}

/// The rule table as the docs show it.
fn rule_table(prefix: &str) -> String {
    let mut out = format!("{prefix}| code | name | severity | what it catches | example |\n");
    out.push_str(&format!("{prefix}|---|---|---|---|---|\n"));
    for r in RULES {
        let example = if r.example().starts_with(['{', '[', '"']) {
            format!("`{}`", r.example())
        } else {
            r.example().to_owned()
        };
        out.push_str(&format!(
            "{prefix}| `{}` | `{}` | {} | {} | {example} |\n",
            r.code(),
            r.name(),
            r.severity(),
            r.summary(),
        ));
    }
    out
}

#[test]
fn the_docs_list_every_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, prefix) in [("README.md", ""), ("src/lint/mod.rs", "//! ")] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let table = rule_table(prefix);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() && !text.contains(&table) {
            eprintln!("{file}: replace the rule table with:\n{table}");
        }
        assert!(
            text.contains(&table),
            "{file} has a stale rule table; expected:\n{table}"
        );
    }
}

#[test]
fn directories_and_patterns_skip_decision_tests_and_hidden_files() {
    let dir = std::env::temp_dir().join(format!("ims-iam-lint-collect-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(dir.join(".hidden")).unwrap();
    for f in [
        "b.json",
        "a.json",
        "sub/c.json",
        "sub/c.test.json",
        ".hidden/d.json",
        "notes.txt",
    ] {
        std::fs::write(dir.join(f), "{}").unwrap();
    }
    let files = collect_files(&[&dir]).unwrap();
    assert_eq!(
        files,
        vec![dir.join("a.json"), dir.join("b.json"), dir.join("sub/c.json")]
    );
    let pattern = dir.join("sub/*.json");
    assert_eq!(collect_files(&[&pattern]).unwrap(), vec![dir.join("sub/c.json")]);
    assert!(collect_files(&[dir.join("none/*.json")]).is_err());
    assert!(collect_files(&[dir.join("missing.json")]).is_err());
    // An explicitly named decision-test file is linted as what it is.
    assert_eq!(collect_files(&[dir.join("sub/c.test.json")]).unwrap().len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn did_you_mean_suggests_close_spellings_only() {
    let suggestion = |action: &str| {
        let text =
            format!(r#"{{"Version": "1.1", "Statement": [{{"Effect": "Deny", "Action": ["{action}"]}}]}}"#);
        let findings = lint_str("p.json", &text, &Options::default());
        let f = findings.iter().find(|f| f.code() == "IMS021").unwrap();
        f.message()
            .split("did you mean `")
            .nth(1)
            .map(|rest| rest.trim_end_matches("`?").to_owned())
    };
    assert_eq!(suggestion("ims:image:get").as_deref(), Some("ims:images:get"));
    assert_eq!(suggestion("ims:imgs:lst").as_deref(), Some("ims:images:list"));
    assert_eq!(
        suggestion("IMS:serverImage:create").as_deref(),
        Some("ims:serverImages:create")
    );
    assert_eq!(suggestion("ims:quota:get").as_deref(), Some("ims:quotas:get"));
    assert_eq!(suggestion("ims:images:read"), None);
    assert_eq!(suggestion("ims:volumes:get"), None);
}

#[test]
fn a_huge_file_is_read_only_up_to_the_size_limit_and_reported() {
    // `/dev/zero` never ends: an unbounded read would never return.
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        return;
    }
    let findings = ims_iam::lint::lint_file(zero, &ims_iam::lint::Options::default()).unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code(), "IMS007");
    assert!(
        findings[0].message().contains("max_document_bytes"),
        "{}",
        findings[0].message()
    );
}
