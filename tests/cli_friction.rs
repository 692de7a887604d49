//! What a new user hits first (issue 16): scope typos, positions, typo'd actions, empty inputs, errors
//! that say what to do, `--help`, `lint -`, colour, completions and the man page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use common::{code, ims_iam, json, stdout};

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ims-iam-friction-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `ims-iam ARGS...` with `env` set, `stdin` as standard input, output piped (never a terminal).
fn run_with(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ims-iam"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

const TYPO: &str = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list", "ims:images:updat"]}]}"#;

#[test]
fn a_scope_typo_is_an_invalid_scope_with_the_valid_forms() {
    for scope in ["proj:1", "project", "Global", "enterprise:1", ""] {
        let arg = format!("policies/ims-read-only.json@{scope}");
        let out = ims_iam(&[
            "authorize",
            "--policy",
            &arg,
            "--format",
            "json",
            "GET",
            "/v2/cloudimages",
        ]);
        assert_eq!(code(&out), 2, "{arg}");
        let v = json(&out);
        assert_eq!(v["error"]["kind"], "invalid_scope", "{arg}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("`project:<id>`") && message.contains("`FILE@global`"),
            "{message}"
        );
    }
    // A file whose name contains `@`: as is when the suffix is a path, and with an explicit scope.
    let dir = temp_dir("at");
    std::fs::copy("policies/ims-read-only.json", dir.join("team@v2")).unwrap();
    std::fs::create_dir_all(dir.join("a@b")).unwrap();
    std::fs::copy("policies/ims-read-only.json", dir.join("a@b/read.json")).unwrap();
    for arg in [
        format!("{}/team@v2@global", dir.display()),
        format!("{}/a@b/read.json", dir.display()),
        format!(
            "{}/a@b/read.json@project:0123456789abcdef0123456789abcdef",
            dir.display()
        ),
    ] {
        let out = ims_iam(&[
            "authorize",
            "--policy",
            &arg,
            "GET",
            "/v2/0123456789abcdef0123456789abcdef/images/tags",
        ]);
        assert_ne!(code(&out), 2, "{arg}: {}", stderr(&out));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_syntax_error_prints_its_position_once() {
    let dir = temp_dir("position");
    let file = dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", 3: 1}]}"#,
    )
    .unwrap();
    let out = ims_iam(&[
        "authorize",
        "--policy",
        file.to_str().unwrap(),
        "GET",
        "/v2/cloudimages",
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("bad.json:1:54: invalid JSON: key must be a string"),
        "{err}"
    );
    assert!(!err.contains("at line"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unknown_ims_action_is_a_warning_naming_the_nearest_action() {
    let dir = temp_dir("typo");
    let policy = dir.join("typo.json");
    std::fs::write(&policy, TYPO).unwrap();
    let out = ims_iam(&[
        "authorize",
        "--policy",
        policy.to_str().unwrap(),
        "GET",
        "/v2/cloudimages",
    ]);
    assert_eq!(code(&out), 0, "a warning, not a refusal");
    let err = stderr(&out);
    assert!(
        err.contains("warning: ")
            && err.contains("`ims:images:updat`")
            && err.contains("did you mean `ims:images:update`?"),
        "{err}"
    );
    // A correct policy warns about nothing.
    let clean = ims_iam(&[
        "authorize",
        "--policy",
        "policies/ims-read-only.json",
        "GET",
        "/v2/cloudimages",
    ]);
    assert_eq!(stderr(&clean), "");

    // Decision tests warn too, once per file.
    std::fs::write(
        dir.join("typo.test.json"),
        r#"{"policies": [{"file": "typo.json"}], "cases": [
            {"name": "a", "method": "GET", "target": "/v2/cloudimages", "expect": "allow"},
            {"name": "b", "method": "GET", "target": "/v2/cloudimages", "expect": "allow"}]}"#,
    )
    .unwrap();
    let out = ims_iam(&["test", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(
        stderr(&out).matches("ims:images:updat`").count(),
        1,
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lint_and_test_on_a_directory_without_files_exit_2() {
    let dir = temp_dir("empty");
    std::fs::write(dir.join("notes.txt"), "no policies here").unwrap();
    let out = ims_iam(&["lint", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no policy file in directory"),
        "{}",
        stderr(&out)
    );
    let out = ims_iam(&["test", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no decision-test file in directory"),
        "{}",
        stderr(&out)
    );
    // The same directory given twice with files is still fine.
    assert_eq!(
        code(&ims_iam(&[
            "lint",
            "policies/ims-deny-delete.json",
            "policies/ims-deny-delete.json"
        ])),
        0
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_say_what_to_do() {
    // An unknown situation lists the valid ids.
    let out = ims_iam(&["authorize", "--situation", "foo", "GET", "/v2/cloudimages"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("expected one of `enterprise-project-migration`"),
        "{}",
        stderr(&out)
    );

    // Quick import names `--situation` and this API's situations.
    let out = ims_iam(&[
        "authorize",
        "--policy",
        "policies/ims-full-access.json",
        "POST",
        "/v2/cloudimages/quickimport/action",
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("--situation ID")
            && err.contains("`system-disk-image-import`, `data-disk-image-import`"),
        "{err}"
    );

    // An unknown attachment scope in a note points to `--project`.
    let out = ims_iam(&[
        "authorize",
        "--policy",
        "policies/ims-full-access.json@project:0123456789abcdef0123456789abcdef",
        "--explain",
        "GET",
        "/v2/cloudimages",
    ]);
    assert!(stdout(&out).contains("`--project ID`"), "{}", stdout(&out));

    // `--project` must look like a project id.
    let out = ims_iam(&["authorize", "--project", "xyz", "GET", "/v2/cloudimages"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("32 hex characters"), "{}", stderr(&out));

    // Test files: an invalid `expect` and an unknown situation list the valid values.
    let dir = temp_dir("errors");
    for (name, case, want) in [
        (
            "expect",
            r#""expect": "allowed""#,
            "expected one of `allow`, `deny`",
        ),
        (
            "situation",
            r#""expect": "allow", "situations": ["foo"]"#,
            "expected one of `enterprise-project-migration`",
        ),
    ] {
        let file = dir.join(format!("{name}.test.json"));
        std::fs::write(
            &file,
            format!(
                r#"{{"cases": [{{"name": "x", "method": "GET", "target": "/v2/cloudimages", {case}}}]}}"#
            ),
        )
        .unwrap();
        let out = ims_iam(&["test", file.to_str().unwrap()]);
        assert_eq!(code(&out), 2);
        assert!(stderr(&out).contains(want), "{name}: {}", stderr(&out));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_command_help_states_exit_codes_and_no_spec_references() {
    for command in [
        &["authorize"][..],
        &["test"],
        &["lint"],
        &["match"],
        &["routes"],
        &["generate"],
        &["serve"],
        &["completions"],
        &["matrix", "diff"],
        &["matrix", "import"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let out = ims_iam(&args);
        assert_eq!(code(&out), 0, "{args:?}");
        let help = stdout(&out);
        assert!(help.contains("Exit codes"), "{args:?}: {help}");
        assert!(!help.contains("SPEC"), "{args:?}: {help}");
    }
    let help = stdout(&ims_iam(&["test", "--help"]));
    assert!(
        help.contains("`cases[]`") && help.contains("expect_statements"),
        "{help}"
    );
}

#[test]
fn lint_reads_standard_input() {
    let out = run_with(&["lint", "-"], &[], TYPO);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("<stdin>:1:") && text.contains("IMS021"), "{text}");
    assert!(text.contains("in 1 file"), "{text}");
    let out = run_with(&["lint", "-"], &[], r#"{"Version": "1.1", "Statement": []}"#);
    assert_ne!(code(&out), 2, "{}", stderr(&out));
}

#[test]
fn colour_only_on_request_and_never_with_no_color() {
    let args = [
        "authorize",
        "--policy",
        "policies/ims-read-only.json",
        "GET",
        "/v2/cloudimages",
    ];
    // Piped output (not a terminal) stays plain.
    let plain = run_with(&args, &[], "");
    assert!(!stdout(&plain).contains('\u{1b}'), "{:?}", stdout(&plain));
    // `--color always` colours the verdict; NO_COLOR does not override an explicit request, but does
    // keep `auto` plain.
    let mut always = args.to_vec();
    always.insert(0, "--color=always");
    let coloured = run_with(&always, &[], "");
    assert!(stdout(&coloured).contains("\u{1b}["), "{:?}", stdout(&coloured));
    let auto_no_color = run_with(&args, &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], "");
    assert!(
        !stdout(&auto_no_color).contains('\u{1b}'),
        "{:?}",
        stdout(&auto_no_color)
    );
    // Lint severities.
    let lint = run_with(&["--color", "always", "lint", "-"], &[], TYPO);
    assert!(stdout(&lint).contains("\u{1b}["), "{:?}", stdout(&lint));
    let lint = run_with(&["lint", "-"], &[], TYPO);
    assert!(!stdout(&lint).contains('\u{1b}'));
    // JSON is never coloured.
    let mut json_args = always.clone();
    json_args.extend(["--format", "json"]);
    json_args.retain(|a| *a != "GET" && *a != "/v2/cloudimages");
    json_args.extend(["GET", "/v2/cloudimages"]);
    assert!(!stdout(&run_with(&json_args, &[], "")).contains('\u{1b}'));
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = ims_iam(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}");
        let script = stdout(&out);
        assert!(script.contains("authorize") && script.contains("lint"), "{shell}");
    }
    assert!(stdout(&ims_iam(&["completions", "bash"])).contains("--fail-on"));
    assert_eq!(code(&ims_iam(&["completions", "tcsh"])), 2);
    let out = ims_iam(&["man"]);
    assert_eq!(code(&out), 0);
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH ims-iam"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains("authorize"));
}

/// Point 13: the nginx end-to-end script takes the binary from the target directory cargo builds into
/// (`CARGO_TARGET_DIR` included), not from a hard-coded `target/debug`. Runs the script's own lines.
#[test]
fn nginx_script_finds_the_binary_in_cargo_target_dir() {
    let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/nginx/run.sh")).unwrap();
    let start = script
        .find("TARGET_DIR=$(cargo metadata")
        .expect("the script asks cargo where it builds");
    let tail = "/debug/ims-iam";
    let end = start + script[start..].find(tail).unwrap() + tail.len();
    let snippet = format!("{}\necho \"$IMS_IAM_BIN\"", &script[start..end]);
    let elsewhere = std::env::temp_dir().join("ims-iam-elsewhere");
    let out = Command::new("bash")
        .arg("-c")
        .arg(&snippet)
        .env("CARGO_TARGET_DIR", &elsewhere)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("{}/debug/ims-iam", elsewhere.display())
    );
}
