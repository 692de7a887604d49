//! `ims-iam generate`: the output contract (SPEC section 6) and the exit codes (0 every call routed, 1 some
//! lines did not route but a policy was produced, 2 usage, unreadable or unbounded input, nothing routable).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::{code, ims_iam, json, stdout};
use ims_iam::{Policy, Scope};

const PIPELINE: &str = "tests/fixtures/generate/image-pipeline.calls";
const CTS: &str = "tests/fixtures/generate/cts-traces.json";

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn temp(name: &str, text: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ims-iam-cli-generate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn the_policy_alone_on_stdout_the_report_on_stderr() {
    let out = ims_iam(&["generate", PIPELINE]);
    assert_eq!(code(&out), 1, "one line of the fixture does not route");
    // Standard output is the policy document itself: it loads as a policy.
    let policy = stdout(&out);
    Policy::parse("generated.json", Scope::Global, &policy).unwrap();
    assert!(policy.starts_with("{\n  \"Version\": \"1.1\""), "{policy}");
    let report = stderr(&out);
    for needle in [
        "covers 9 operation(s), from 10 call(s):",
        "collateral: the policy also allows 28 operation(s) nobody called:",
        "POST /v2/cloudimages/quickimport/action [system-disk-image-import]",
        "unrouted: 1 line(s), not in the policy:",
        "GET /v1/{project_id}/jobs/{job_id}                                        1x  (no action required)",
        "image-pipeline.calls:15: DELETE /v2/images/6a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/tags/: ",
        "(empty_segment)",
        "dependencies (advisory, not in the policy",
        "scope: global (7 call(s) do not say their project",
    ] {
        assert!(report.contains(needle), "{needle:?} not in:\n{report}");
    }
}

#[test]
fn json_has_the_contract_fields() {
    let out = ims_iam(&["generate", "--format", "json", PIPELINE]);
    assert_eq!(code(&out), 1);
    assert!(out.stderr.is_empty());
    let v = json(&out);
    assert_eq!(v["policy"]["Version"], "1.1");
    assert_eq!(v["policy"]["Statement"][0]["Action"], v["actions"]);
    assert_eq!(v["covers"].as_array().unwrap().len(), 9);
    assert_eq!(v["covers"][0]["template"], "/v2/cloudimages");
    assert_eq!(v["covers"][0]["calls"], 2);
    assert_eq!(v["collateral"].as_array().unwrap().len(), 28);
    let unrouted = v["unrouted"].as_array().unwrap();
    assert_eq!(unrouted.len(), 1);
    assert_eq!(unrouted[0]["line"], 15);
    assert_eq!(unrouted[0]["method"], "DELETE");
    assert_eq!(
        unrouted[0]["target"],
        "/v2/images/6a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/tags/"
    );
    assert_eq!(unrouted[0]["error"]["kind"], "empty_segment");
    assert_eq!(v["dependencies"][0]["operation"], "POST /v2/cloudimages/action");
    assert_eq!(v["scope"]["suggestion"], serde_json::Value::Null);
}

#[test]
fn exit_0_when_every_call_routes_with_a_scope_suggestion() {
    let file = temp(
        "native-tags.calls",
        b"POST /v2/0123456789abcdef0123456789abcdef/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/action\n\
          GET /v2/0123456789abcdef0123456789abcdef/images/tags\n",
    );
    let out = ims_iam(&["generate", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(code(&out), 0);
    let v = json(&out);
    assert_eq!(
        v["actions"],
        serde_json::json!(["ims:images:list", "ims:images:update"])
    );
    assert_eq!(
        v["scope"]["suggestion"],
        "project:0123456789abcdef0123456789abcdef"
    );
    let text = ims_iam(&["generate", file.to_str().unwrap()]);
    assert!(
        stderr(&text).contains("attach the policy with `project:0123456789abcdef0123456789abcdef`"),
        "{}",
        stderr(&text)
    );
}

#[test]
fn exit_2_when_nothing_routes_or_the_input_is_bad() {
    let junk = temp("junk.calls", b"GET /nothing\nhello world\n");
    let out = ims_iam(&["generate", junk.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("nothing_routable"));

    let empty = temp("empty.calls", b"# nothing\n");
    assert_eq!(code(&ims_iam(&["generate", empty.to_str().unwrap()])), 2);

    let out = ims_iam(&["generate", "no/such/file.calls"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("error (io): cannot read `no/such/file.calls`"));

    let out = ims_iam(&["generate", "--situation", "nope", PIPELINE]);
    assert_eq!(code(&out), 2);
    assert_eq!(code(&ims_iam(&["generate", "--from", "har", PIPELINE])), 2);
    assert_eq!(code(&ims_iam(&["generate"])), 2);
}

#[test]
fn endless_and_binary_input_stop_with_a_bound() {
    // An endless line (no newline ever) stops after 16 x 64 KiB.
    if std::path::Path::new("/dev/zero").exists() {
        let out = ims_iam(&["generate", "/dev/zero"]);
        assert_eq!(code(&out), 2);
        assert!(
            stderr(&out).contains("limit `max_line_bytes`"),
            "{}",
            stderr(&out)
        );
    }
    // A long line and a binary line among good ones are listed, not fatal.
    let mut text = b"GET /v2/cloudimages\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', 70_000));
    text.extend(b"\n\xff\xfe\nGET /v2/images\n");
    let file = temp("mixed.calls", &text);
    let out = ims_iam(&["generate", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    let v = json(&out);
    let kinds: Vec<(u64, &str)> = v["unrouted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["line"].as_u64().unwrap(), u["error"]["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [(2, "line_too_long"), (3, "invalid_utf8")]);
    assert_eq!(v["actions"], serde_json::json!(["ims:images:list"]));
}

#[test]
fn standard_input_situations_and_compact() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ims-iam"))
        .args([
            "generate",
            "--situation",
            "system-disk-image-import",
            "--compact",
            "--format",
            "json",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"POST /v2/cloudimages/quickimport/action\nPOST /v2/images\nPOST /v1/cloudimages/dataimages/action\n\
              POST /v1/cloudimages/wholeimages/action\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["actions"], serde_json::json!(["ims:*:create"]));
    assert_eq!(
        v["exact_actions"],
        serde_json::json!([
            "ims:dataImages:create",
            "ims:images:create",
            "ims:serverImages:create",
            "ims:wholeImages:create"
        ])
    );
    assert_eq!(
        v["covers"][0]["situations"],
        serde_json::json!(["system-disk-image-import"])
    );
}

#[test]
fn cts_traces_do_not_identify_the_api() {
    let out = ims_iam(&["generate", "--from", "cts", "--format", "json", CTS]);
    assert_eq!(code(&out), 2, "no IMS trace can be mapped");
    let v = json(&out);
    assert_eq!(v["ignored"], 1, "the ECS trace");
    let unrouted = v["unrouted"].as_array().unwrap();
    let lines: Vec<u64> = unrouted.iter().map(|u| u["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 29]);
    assert_eq!(unrouted[0]["error"]["kind"], "cts_no_request_line");
    assert!(unrouted[0]["detail"].as_str().unwrap().contains("createImage"));
    assert_eq!(unrouted[0]["method"], serde_json::Value::Null);

    let broken = temp("broken.json", b"[{\"service_type\": \"IMS\",\n  ");
    let out = ims_iam(&["generate", "--from", "cts", broken.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("error (syntax): "), "{}", stderr(&out));
}

#[test]
fn decision_logs_are_replayed_per_principal() {
    let log = temp(
        "serve.log",
        br#"{"timestamp":"2026-11-20T10:00:00Z","level":"INFO","message":"listening on 127.0.0.1:9090","target":"ims_iam::serve"}
{"timestamp":"2026-11-20T10:00:01Z","level":"INFO","message":"decision","decision_id":"a1","enforced":false,"principal":"bob","method":"GET","request_target":"/v2/cloudimages?limit=5","decision":"deny","reason":"implicit_deny","status":403,"revision":1,"target":"ims_iam::decision"}
{"timestamp":"2026-11-20T10:00:02Z","level":"INFO","message":"decision","decision_id":"a2","enforced":false,"principal":"alice","method":"DELETE","request_target":"/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11","decision":"deny","reason":"implicit_deny","status":403,"revision":1,"target":"ims_iam::decision"}
{"timestamp":"2026-11-20T10:00:03Z","level":"INFO","message":"decision","decision_id":"a3","enforced":false,"principal":"bob","method":"GET","request_target":"/v2/images/%2e%2e","decision":"deny","reason":"error","status":400,"revision":1,"target":"ims_iam::decision"}
"#,
    );
    let path = log.to_str().unwrap();
    let out = ims_iam(&["generate", "--from", "log", "--format", "json", path]);
    assert_eq!(code(&out), 1);
    let v = json(&out);
    assert_eq!(
        v["actions"],
        serde_json::json!(["ims:images:delete", "ims:images:list"])
    );
    assert_eq!(v["unrouted"][0]["line"], 4);
    assert_eq!(v["unrouted"][0]["error"]["kind"], "dot_segment");
    let bob = json(&ims_iam(&[
        "generate",
        "--from",
        "log",
        "--principal",
        "bob",
        "--format",
        "json",
        path,
    ]));
    assert_eq!(bob["actions"], serde_json::json!(["ims:images:list"]));
    assert_eq!(bob["ignored"], 2, "the listening event and alice's record");
}
