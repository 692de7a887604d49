//! Helpers shared by the integration tests: run the `ims-iam` binary from the crate root and read its
//! output; example paths of the permission matrix's rows.

#![allow(dead_code, reason = "each test file uses the helpers it needs")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(feature = "serve")]
pub mod server;

use std::process::{Command, Output};

use serde_json::Value;

/// Runs `ims-iam ARGS...` in the crate root and waits for it.
pub fn ims_iam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ims-iam"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// The exit code.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Standard output as JSON.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// The example ids that `Operation::example_path` writes: `image_id`, `project_id`, and `member_id`
/// (also `job_id`).
pub const IMAGE: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
/// See [`IMAGE`].
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// See [`IMAGE`].
pub const MEMBER: &str = "fedcba9876543210fedcba9876543210";

/// The example path of a row, with `tag` as its `{tag}` and `{key}` (written as given).
pub fn path_with_tag(op: &ims_iam::Operation, tag: &str) -> String {
    op.path_with(|name| matches!(name, "tag" | "key").then_some(tag))
}

/// The row of `method` and `template` in the default cloud profile.
pub fn row(method: ims_iam::Method, template: &str) -> &'static ims_iam::Operation {
    ims_iam::operations()
        .iter()
        .find(|op| op.method() == method && op.template() == template)
        .unwrap_or_else(|| panic!("no row {method} {template}"))
}

/// Malformed request targets, each with the kind of error it must get: the library's refusal is
/// checked by `tests/route.rs`, the command line's by `tests/hostile.rs`.
pub const MALFORMED_TARGETS: &[(&str, &str, &str)] = &[
    ("GET", "", "empty_target"),
    ("GET", "v2/cloudimages", "not_absolute"),
    ("GET", "http://evil/v2/cloudimages", "not_absolute"),
    ("GET", "*", "not_absolute"),
    ("GET", "/v2/cloudimages#x", "fragment"),
    ("GET", "/v2/cloud images", "invalid_character"),
    ("GET", "/v2/cloudimages\\..\\x", "invalid_character"),
    ("GET", "/v2/cloudimages\r\nX-Injected: 1", "invalid_character"),
    ("GET", "/v2/clöudimages", "invalid_character"),
    ("GET", "/v2//cloudimages", "empty_segment"),
    (
        "DELETE",
        "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/",
        "empty_segment",
    ),
    ("GET", "/v2/images/../cloudimages", "dot_segment"),
    ("GET", "/v2/images/%2e%2E/cloudimages", "dot_segment"),
    ("GET", "/v2/images/.%2e", "dot_segment"),
    ("GET", "/v2/images/%zz", "invalid_escape"),
    ("GET", "/v2/images/%", "invalid_escape"),
    ("GET", "/v2/images/%ff%fe", "invalid_utf8"),
    ("GET", "/v2/images/%00", "control_character"),
    ("GET", "/v2/images/a%0d%0ab", "control_character"),
    ("get", "/v2/cloudimages", "unknown_method"),
    ("TRACE", "/v2/cloudimages", "unknown_method"),
    ("GET\0", "/v2/cloudimages", "unknown_method"),
    ("GET", "/v2/images/not-a-uuid", "invalid_param"),
    (
        "GET",
        "/v2/images/0B3B6D4E-8F0A-4C1E-9A57-3C0B8F6F2D1",
        "invalid_param",
    ),
    ("GET", "/v2/%69mages", "not_found"),
    (
        "PUT",
        "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/a/b",
        "not_found",
    ),
];
