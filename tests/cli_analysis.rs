//! The analysis commands' contract (SPEC 5): exit codes, JSON fields, and the README's CI snippet.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use common::{code, ims_iam, json, stdout};

const FIX: &str = "tests/fixtures/analysis";
const DELETE: &str = "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";

fn f(name: &str) -> String {
    format!("{FIX}/{name}")
}

fn assert_request_fields(r: &serde_json::Value) {
    for field in [
        "method",
        "target",
        "project",
        "enterprise_project",
        "situations",
        "context",
    ] {
        assert!(r.get(field).is_some(), "request lacks `{field}`: {r}");
    }
}

#[test]
fn diff_reports_new_access_with_fields_and_exit_1() {
    let out = ims_iam(&[
        "diff",
        "--format",
        "json",
        "--old",
        &f("base/readers.json"),
        "--old",
        &f("base/no-delete.json"),
        "--new",
        &f("new/readers.json"),
        "--new",
        &f("new/no-delete.json"),
    ]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let new_access = v["new_access"].as_array().unwrap();
    assert!(!new_access.is_empty());
    for c in new_access {
        assert!(c["operation"]["template"].is_string());
        assert!(c["old"] == "implicit_deny" || c["old"] == "explicit_deny");
        assert_eq!(c["new"], "allow");
        assert_request_fields(&c["request"]);
        // The witness reproduces with `ims-iam authorize` on the new policies, and not on the old.
        let r = &c["request"];
        let mut args: Vec<String> = vec!["authorize".into()];
        for p in ["new/readers.json", "new/no-delete.json"] {
            args.extend(["--policy".into(), f(p)]);
        }
        let tail = |args: &mut Vec<String>| {
            if let Some(p) = r["project"].as_str() {
                if !r["target"].as_str().unwrap().contains(p) {
                    args.extend(["--project".into(), p.into()]);
                }
            }
            if let Some(e) = r["enterprise_project"].as_str() {
                args.extend(["--enterprise-project".into(), e.into()]);
            }
            for s in r["situations"].as_array().unwrap() {
                args.extend(["--situation".into(), s.as_str().unwrap().into()]);
            }
            for kv in r["context"].as_array().unwrap() {
                args.extend(["--context".into(), kv.as_str().unwrap().into()]);
            }
            args.extend([
                r["method"].as_str().unwrap().into(),
                r["target"].as_str().unwrap().into(),
            ]);
        };
        tail(&mut args);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(code(&ims_iam(&refs)), 0, "{refs:?}");
        let mut old_args: Vec<String> = vec!["authorize".into(), "--policy".into(), f("base/readers.json")];
        tail(&mut old_args);
        let refs: Vec<&str> = old_args.iter().map(String::as_str).collect();
        assert_eq!(code(&ims_iam(&refs)), 1, "{refs:?}");
    }
    assert_eq!(v["removed_access"].as_array().unwrap().len(), 0);
}

#[test]
fn diff_of_identical_sets_exits_0_and_says_proven() {
    let out = ims_iam(&[
        "diff",
        "--old",
        &f("base/readers.json"),
        "--new",
        &f("base/readers.json"),
    ]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("new access: none (proven)"));
}

#[test]
fn diff_text_is_a_table() {
    let out = ims_iam(&[
        "diff",
        "--old",
        &f("base/readers.json"),
        "--new",
        &f("new/readers.json"),
    ]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("| principal | operation | scope | old -> new | request |"),
        "{text}"
    );
    assert!(text.contains("implicit_deny -> allow"));
    assert!(text.contains("g:SourceIp=10."));
}

#[test]
fn check_exit_codes_and_json() {
    let ok = ims_iam(&[
        "check",
        "--format",
        "json",
        "--principals",
        &f("principals.json"),
        "--never",
        "ims:images:delete",
        "--except",
        "image-admins",
    ]);
    assert_eq!(code(&ok), 0);
    let v = json(&ok);
    assert_eq!(v["holds"], true);
    assert_eq!(v["violations"].as_array().unwrap().len(), 0);

    let bad = ims_iam(&[
        "check",
        "--format",
        "json",
        "--principals",
        &f("principals-leaky.json"),
        "--never",
        "DELETE /v2/images/{image_id}",
        "--except",
        "image-admins",
    ]);
    assert_eq!(code(&bad), 1);
    let v = json(&bad);
    assert_eq!(v["holds"], false);
    let first = &v["violations"][0];
    assert!(first["spec"].is_string() && first["operation"].is_object());
    assert_request_fields(&first["request"]);

    let err = ims_iam(&[
        "check",
        "--format",
        "json",
        "--policy",
        &f("admins.json"),
        "--never",
        "ims::x",
    ]);
    assert_eq!(code(&err), 2);
    assert_eq!(json(&err)["error"]["kind"], "invalid_spec");
    let only = ims_iam(&[
        "check",
        "--policy",
        &f("base/readers.json"),
        "--only",
        "ims:images:list",
        "--only",
        "ims:images:get",
    ]);
    assert_eq!(code(&only), 0, "{}", stdout(&only));
}

#[test]
fn who_can_lists_users_and_groups() {
    let out = ims_iam(&[
        "who-can",
        "--format",
        "json",
        "--principals",
        &f("principals.json"),
        "DELETE",
        DELETE,
    ]);
    assert_eq!(code(&out), 0);
    let v = json(&out);
    assert_eq!(v["operation"]["template"], "/v2/images/{image_id}");
    let names = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{} {}", e["kind"].as_str().unwrap(), e["name"].as_str().unwrap()))
            .collect()
    };
    assert_eq!(names("conditional"), ["group image-admins", "user ann"]);
    assert_eq!(names("denied"), ["group image-readers", "user ben"]);
    assert!(names("allowed").is_empty());
    let c = &v["conditional"][0];
    assert!(
        c["when"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("contractor-*"))
    );
    assert!(c["statements"][0]["policy"].is_string());
    // A pinned user name decides the condition.
    let out = ims_iam(&[
        "who-can",
        "--format",
        "json",
        "--principals",
        &f("principals.json"),
        "--context",
        "g:UserName=ann",
        "DELETE",
        DELETE,
    ]);
    let v = json(&out);
    assert_eq!(v["allowed"].as_array().unwrap().len(), 2, "{v}");
}

#[test]
fn access_formats() {
    let out = ims_iam(&[
        "access",
        "--format",
        "json",
        "--principals",
        &f("principals.json"),
        "--user",
        "ben",
    ]);
    assert_eq!(code(&out), 0);
    let v = json(&out);
    let rows = v["access"].as_array().unwrap();
    let get = rows
        .iter()
        .find(|r| r["operation"]["template"] == "/v2/images/{image_id}" && r["operation"]["method"] == "GET")
        .unwrap();
    assert_eq!(get["answer"], "allow");
    assert_eq!(get["statements"][0]["effect"], "Allow");
    assert_request_fields(&get["allow_example"]);
    let csv = ims_iam(&["access", "--format", "csv", "--policy", &f("new/readers.json")]);
    let text = stdout(&csv);
    assert!(text.starts_with("method,template,name,project,enterprise_project,situations,answer,"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("PATCH,/v2/images/{image_id},") && l.contains(",conditional,"))
    );
    let err = ims_iam(&[
        "access",
        "--format",
        "json",
        "--principals",
        &f("principals.json"),
        "--user",
        "nobody",
    ]);
    assert_eq!(code(&err), 2);
    assert_eq!(json(&err)["error"]["kind"], "unknown_principal");
}

/// The README's pull-request snippet is `examples/ci/policy-check.sh`; run it on the fixtures.
#[test]
fn readme_ci_snippet_runs() {
    let script = std::fs::read_to_string("examples/ci/policy-check.sh").unwrap();
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(
        readme.contains(&script),
        "the README must show examples/ci/policy-check.sh verbatim"
    );
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_ims-iam"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let work = std::env::temp_dir().join(format!("ims-iam-ci-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |base: &str, new: &str, principals: &str| {
        Command::new("sh")
            .arg(root.join("examples/ci/policy-check.sh"))
            .args([root.join(f(base)), root.join(f(new)), root.join(f(principals))])
            .env("PATH", &path)
            .current_dir(&work)
            .output()
            .unwrap()
    };
    let same = run("base", "base", "principals.json");
    assert_eq!(code(&same), 0, "{}", String::from_utf8_lossy(&same.stdout));
    let changed = run("base", "new", "principals.json");
    assert_eq!(code(&changed), 1);
    assert!(String::from_utf8_lossy(&changed.stdout).contains("PATCH /v2/images/{image_id}"));
    let leaky = run("base", "base", "principals-leaky.json");
    assert_eq!(code(&leaky), 1);
    let _ = std::fs::remove_dir_all(&work);
}
