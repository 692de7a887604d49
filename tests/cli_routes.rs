#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `routes` and `match` commands: exit codes and JSON field names (SPEC section 4).

use std::process::{Command, Output};

use serde_json::Value;

const IMAGE: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ims-iam"))
        .args(args)
        .output()
        .unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

const FIXED: [&str; 8] = [
    "name",
    "section",
    "method",
    "template",
    "actions",
    "dependencies",
    "iam_project",
    "enterprise_project",
];

fn assert_operation_object(op: &Value) {
    for field in FIXED {
        assert!(op.get(field).is_some(), "missing `{field}` in {op}");
    }
    for field in ["name", "section", "method", "template"] {
        assert!(op[field].is_string(), "`{field}` in {op}");
    }
    for field in ["iam_project", "enterprise_project"] {
        assert!(op[field].is_boolean(), "`{field}` in {op}");
    }
    for field in ["actions", "dependencies", "sources", "api_notes"] {
        assert!(
            op[field].as_array().unwrap().iter().all(Value::is_string),
            "`{field}` in {op}"
        );
    }
    for c in op["conditional_actions"].as_array().unwrap() {
        assert!(c["action"].is_string() && c["situation"].is_string(), "{c}");
    }
    for g in op["dependency_groups"].as_array().unwrap() {
        assert!(g["actions"].is_array(), "{g}");
    }
}

#[test]
fn routes_json_is_an_array_of_every_operation() {
    let out = run(&["routes", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let all = json(&out);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), ims_iam::operations().len());
    for (op, want) in all.iter().zip(ims_iam::operations()) {
        assert_operation_object(op);
        assert_eq!(op["template"], want.template());
        assert_eq!(op["method"], want.method().as_str());
    }
    let put_tag = all
        .iter()
        .find(|o| o["method"] == "PUT" && o["template"] == "/v2/images/{image_id}/tags/{tag}")
        .unwrap();
    assert_eq!(
        put_tag["actions"],
        serde_json::json!(["ims:images:get", "ims:images:update"])
    );
    assert_eq!(put_tag["section"], "Image Tagging");
    assert_eq!(put_tag["iam_project"], true);
    assert_eq!(put_tag["enterprise_project"], false);
    // A conditional action is among `actions` and described in `conditional_actions`.
    let conditional = all
        .iter()
        .find(|o| !o["conditional_actions"].as_array().unwrap().is_empty())
        .unwrap();
    let action = &conditional["conditional_actions"][0]["action"];
    assert!(conditional["actions"].as_array().unwrap().contains(action));
}

#[test]
fn routes_default_is_a_compact_table_within_100_columns_and_csv_parses() {
    let out = run(&["routes"]);
    assert_eq!(code(&out), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("METHOD"), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    assert!(text.contains("ims:images:list"), "{text}");

    let csv = String::from_utf8(run(&["routes", "--format", "csv"]).stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("method,template,actions,iam_project,enterprise_project,basis,section")
    );
    assert_eq!(lines.count(), ims_iam::operations().len());
}

#[test]
fn routes_text_is_an_aligned_table() {
    let out = run(&["routes", "--format", "text"]);
    assert_eq!(code(&out), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        columns,
        ["METHOD", "TEMPLATE", "ACTIONS", "IAM", "EP", "BASIS", "SECTION"]
    );
    let rows: Vec<&str> = lines.take_while(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), ims_iam::operations().len());
    let at = header.find("IAM").unwrap();
    let basis = header.find("BASIS").unwrap();
    for row in &rows {
        assert!(matches!(&row[at..at + 1], "Y" | "x"), "{row}");
        let word = row[basis..].split_whitespace().next().unwrap();
        assert!(
            matches!(word, "permission-table" | "inferred" | "decision"),
            "{row}"
        );
    }
    assert!(
        rows.iter()
            .any(|r| r.contains("[if enterprise-projects-enabled]"))
    );
    assert!(text.contains("\n[if SITUATION]"));
}

#[test]
fn match_json_names_the_operation_and_params() {
    let target = format!("/v2/images/{IMAGE}/tags/a%2Fb?x=1");
    let out = run(&["match", "PUT", &target, "--format", "json"]);
    assert_eq!(code(&out), 0);
    let v = json(&out);
    assert_operation_object(&v["operation"]);
    assert_eq!(v["operation"]["template"], "/v2/images/{image_id}/tags/{tag}");
    assert_eq!(v["operation"]["method"], "PUT");
    assert_eq!(v["params"], serde_json::json!({"image_id": IMAGE, "tag": "a/b"}));
    assert!(v.get("error").is_none());
}

#[test]
fn match_rejected_json_has_kind_and_message() {
    for (method, target, kind) in [
        ("DELETE", format!("/v2/images/{IMAGE}/"), "empty_segment"),
        ("PUT", format!("/v2/images/{IMAGE}/tags/a/b"), "not_found"),
        ("GET", "/v2/images/%2e%2e".to_owned(), "dot_segment"),
        ("get", "/v2/images".to_owned(), "unknown_method"),
        ("GET", "-v2/images".to_owned(), "not_absolute"),
        ("GET", "/v2/images/nope".to_owned(), "invalid_param"),
    ] {
        let out = run(&["match", method, &target, "--format", "json"]);
        assert_eq!(code(&out), 1, "{method} {target}");
        let v = json(&out);
        assert_eq!(v["error"]["kind"], kind, "{method} {target}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
        assert!(v.get("operation").is_none());
    }
}

#[test]
fn match_text() {
    let out = run(&["match", "GET", &format!("/v2/images/{IMAGE}")]);
    assert_eq!(code(&out), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("GET /v2/images/{image_id}\n"), "{text}");
    assert!(text.contains(&format!("param image_id = `{IMAGE}`")), "{text}");
    let out = run(&["match", "DELETE", &format!("/v2/images/{IMAGE}/")]);
    assert_eq!(code(&out), 1);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("no route (empty_segment): ")
    );
}

#[test]
fn match_can_relax_formats_visibly() {
    assert_eq!(code(&run(&["match", "GET", "/v2/images/my-image"])), 1);
    let out = run(&[
        "match",
        "GET",
        "/v2/images/my-image",
        "--accept-any-param-format",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["params"]["image_id"], "my-image");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&run(&["match", "GET"])), 2);
    assert_eq!(code(&run(&["match"])), 2);
    assert_eq!(code(&run(&["match", "GET", "/v2/images", "--format", "yaml"])), 2);
    assert_eq!(code(&run(&["routes", "--format", "xml"])), 2);
    assert_eq!(code(&run(&["routes", "extra"])), 2);
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ims-iam"))
        .args(["routes", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the command writes, like `ims-iam routes | true`.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0));
}
