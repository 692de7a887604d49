//! Any bytes as a policy file: linting never panics, every finding points inside the text, and the
//! three outputs render.
#![no_main]

use ims_iam::lint::{Options, lint_bytes, to_json, to_sarif, to_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let findings = lint_bytes("fuzz.json", data, &Options::default());
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    for f in &findings {
        assert!(f.line() >= 1 && f.line() <= lines.max(1), "line {} of {lines}", f.line());
        assert!(f.column() >= 1, "column {}", f.column());
    }
    let _ = to_text(&findings);
    let _ = to_json(&findings);
    let _ = to_sarif(&findings);
});
