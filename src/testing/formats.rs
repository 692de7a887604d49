//! Machine-readable reports of decision tests: JUnit XML for CI systems that render test reports, and
//! JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::TestReport;

/// Escapes text for XML attributes and content; characters XML 1.0 does not allow become U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The reports as JUnit XML: one `<testsuite>` per file, one `<testcase>` per case (`classname` the
/// file), and for a failing case a `<failure>` whose `message` is `expected X, got Y` and whose text is
/// the decision's explanation.
///
/// ```
/// let report = ims_iam::testing::run_str(r#"{"policies": [], "cases": [
///   {"name": "list <all>", "method": "GET", "target": "/v2/cloudimages", "expect": "allow"}]}"#,
///   std::path::Path::new("."), "empty.test.json").unwrap();
/// let xml = ims_iam::testing::to_junit(&[report]);
/// assert!(xml.contains(r#"<testsuite name="empty.test.json" tests="1" failures="1" errors="0" skipped="0">"#));
/// assert!(xml.contains(r#"<testcase name="list &lt;all&gt;" classname="empty.test.json">"#));
/// assert!(xml.contains(r#"<failure message="expected allow, got implicit_deny" type="decision">"#));
/// ```
pub fn to_junit(reports: &[TestReport]) -> String {
    let tests: usize = reports.iter().map(|r| r.cases.len()).sum();
    let failures: usize = reports.iter().map(|r| r.failures().count()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"ims-iam test\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for r in reports {
        let file = xml(&r.file);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{file}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            r.cases.len(),
            r.failures().count()
        );
        for c in &r.cases {
            let name = xml(&c.name);
            if c.passed {
                let _ = writeln!(out, "    <testcase name=\"{name}\" classname=\"{file}\"/>");
            } else {
                let _ = writeln!(out, "    <testcase name=\"{name}\" classname=\"{file}\">");
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"decision\">{}</failure>",
                    xml(&format!("expected {}, got {}", c.expected, c.actual)),
                    xml(&c.explanation)
                );
                let _ = writeln!(out, "    </testcase>");
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The reports as JSON: `{"files": [{"file", "passed", "cases": [{"name", "passed", "expected",
/// "actual", "message"}]}], "passed", "failed"}`, `message` being the decision's explanation and the
/// top-level `passed`/`failed` counting cases.
///
/// ```
/// let report = ims_iam::testing::run_str(r#"{"policies": [], "cases": [
///   {"name": "nothing", "method": "GET", "target": "/v2/cloudimages", "expect": "implicit_deny"}]}"#,
///   std::path::Path::new("."), "t").unwrap();
/// let json = ims_iam::testing::to_json(&[report]);
/// assert_eq!(json["passed"], 1);
/// assert_eq!(json["files"][0]["cases"][0]["actual"], "implicit_deny");
/// ```
pub fn to_json(reports: &[TestReport]) -> Value {
    let failed: usize = reports.iter().map(|r| r.failures().count()).sum();
    let total: usize = reports.iter().map(|r| r.cases.len()).sum();
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let cases: Vec<Value> = r
                .cases
                .iter()
                .map(|c| {
                    json!({
                        "name": c.name,
                        "passed": c.passed,
                        "expected": c.expected,
                        "actual": c.actual,
                        "message": c.explanation,
                    })
                })
                .collect();
            json!({"file": r.file, "passed": r.passed(), "cases": cases})
        })
        .collect();
    json!({"files": files, "passed": total - failed, "failed": failed})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_forbidden_characters() {
        assert_eq!(xml("a<b>&\"'\u{1}\n"), "a&lt;b&gt;&amp;&quot;&apos;\u{FFFD}\n");
    }
}
