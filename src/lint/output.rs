//! The three output formats: compiler-style text, JSON (SPEC section 4) and SARIF 2.1.0.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::RULES;
use super::finding::Finding;
use super::rule::Rule;
use super::severity::Severity;

/// Findings as compiler-style diagnostics: `file:line:column: severity[CODE]: message`, then the
/// offending line with a caret under the column.
///
/// ```
/// use ims_iam::lint::{Options, lint_str, to_text};
///
/// let text = "{\"Version\": \"1.1\", \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": [\"*:*:*\"]}\n]}";
/// let out = to_text(&lint_str("p.json", text, &Options::default()));
/// let mut lines = out.lines();
/// assert!(lines.next().unwrap().starts_with("p.json:2:34: security_warning[IMS071]: `*:*:*` allows"));
/// assert_eq!(lines.next().unwrap(), "  |");
/// assert_eq!(lines.next().unwrap(), "2 |   {\"Effect\": \"Allow\", \"Action\": [\"*:*:*\"]}");
/// assert_eq!(lines.next().unwrap(), "  |                                  ^");
/// ```
pub fn to_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let number = f.line().to_string();
        let pad = " ".repeat(number.len());
        let caret: String = f
            .source_line()
            .chars()
            .chain(std::iter::repeat(' '))
            .take(f.column().saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            f.file(),
            f.line(),
            f.column(),
            f.severity(),
            f.code(),
            f.message()
        );
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{number} | {}", f.source_line());
        let _ = writeln!(out, "{pad} | {caret}^");
    }
    out
}

/// One line counting findings by severity, e.g. `1 error, 0 warnings, 2 suggestions in 3 files`
/// (security warnings are counted with warnings and also named when there are any).
///
/// ```
/// assert_eq!(ims_iam::lint::summary(&[], 2), "no findings in 2 files");
/// ```
pub fn summary(findings: &[Finding], files: usize) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity() == s).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let in_files = plural(files, "file");
    if findings.is_empty() {
        return format!("no findings in {in_files}");
    }
    let security = count(Severity::SecurityWarning);
    let warnings = count(Severity::Warning) + security;
    let warnings = if security > 0 {
        format!("{} ({security} security)", plural(warnings, "warning"))
    } else {
        plural(warnings, "warning")
    };
    format!(
        "{}, {warnings}, {} in {in_files}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Suggestion), "suggestion")
    )
}

/// Findings as JSON (SPEC section 4): `{"findings": [{"file", "line", "column", "code", "severity",
/// "message", "statement"}]}`, plus the extensions `rule` (the rule's name) and `sid`. `statement` is
/// the statement's index, or `null` for a finding about the whole file.
///
/// ```
/// use ims_iam::lint::{Options, lint_str, to_json};
///
/// let text = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "NotAction": ["ims:images:delete"]}]}"#;
/// let json = to_json(&lint_str("p.json", text, &Options::default()));
/// let f = &json["findings"][0];
/// assert_eq!(f["code"], "IMS072");
/// assert_eq!(f["severity"], "security_warning");
/// assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(1), Some(68)));
/// assert_eq!(f["statement"], 0);
/// ```
pub fn to_json(findings: &[Finding]) -> Value {
    let items: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "file": f.file(),
                "line": f.line(),
                "column": f.column(),
                "code": f.code(),
                "severity": f.severity().as_str(),
                "message": f.message(),
                "statement": f.statement(),
                "rule": f.rule().name(),
                "sid": f.sid(),
            })
        })
        .collect();
    json!({ "findings": items })
}

/// The SARIF level of a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::SecurityWarning | Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// A rule's example in Markdown: code in backticks, prose as it is.
fn example_markdown(rule: &Rule) -> String {
    let example = rule.example();
    if example.starts_with(['{', '[', '"']) {
        format!("`{example}`")
    } else {
        example.to_owned()
    }
}

fn rule_json(rule: &Rule) -> Value {
    let mut properties = json!({
        "tags": [match rule.severity() {
            Severity::SecurityWarning => "security",
            Severity::Error => "correctness",
            Severity::Warning => "reliability",
            Severity::Suggestion => "maintainability",
        }],
        "severity": rule.severity().as_str(),
    });
    if rule.severity() == Severity::SecurityWarning {
        properties["security-severity"] = json!("7.0");
    }
    json!({
        "id": rule.code(),
        "name": rule.name(),
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": rule.description() },
        "help": {
            "text": format!("{}\n\nExample: {}", rule.description(), rule.example()),
            "markdown": format!("{}\n\nExample: {}", rule.description(), example_markdown(rule)),
        },
        "defaultConfiguration": { "level": level(rule.severity()) },
        "properties": properties,
    })
}

/// Characters left as they are in a relative path's URI.
const URI_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A file name as a SARIF artifact location: relative paths stay relative to `%SRCROOT%` (the checkout
/// root when the linter runs from it), absolute ones become `file://` URIs.
fn artifact(file: &str) -> Value {
    let unix = file.replace('\\', "/");
    let relative = unix.strip_prefix("./").unwrap_or(&unix);
    if relative.starts_with('/') {
        json!({ "uri": format!("file://{}", utf8_percent_encode(relative, URI_KEEP)) })
    } else {
        json!({ "uri": utf8_percent_encode(relative, URI_KEEP).to_string(), "uriBaseId": "%SRCROOT%" })
    }
}

/// Findings as a SARIF 2.1.0 log with one run: the driver `ims-iam` with every rule's metadata (id, name,
/// short and full description, help, default level), and one result per finding with its rule, level,
/// message and physical location (start line and column, in Unicode code points).
///
/// ```
/// use ims_iam::lint::{Options, lint_str, to_sarif};
///
/// let text = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:image:get"]}]}"#;
/// let sarif = to_sarif(&lint_str("policies/p.json", text, &Options::default()));
/// assert_eq!(sarif["version"], "2.1.0");
/// let run = &sarif["runs"][0];
/// assert_eq!(run["tool"]["driver"]["name"], "ims-iam");
/// let result = &run["results"][0];
/// assert_eq!(result["ruleId"], "IMS021");
/// assert_eq!(result["level"], "error");
/// let location = &result["locations"][0]["physicalLocation"];
/// assert_eq!(location["artifactLocation"]["uri"], "policies/p.json");
/// assert_eq!(location["region"]["startColumn"], 65);
/// ```
pub fn to_sarif(findings: &[Finding]) -> Value {
    let rules: Vec<Value> = RULES.iter().map(rule_json).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = RULES.iter().position(|r| r.code() == f.code());
            json!({
                "ruleId": f.code(),
                "ruleIndex": index,
                "level": level(f.severity()),
                "message": { "text": f.message() },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact(f.file()),
                        "region": {
                            "startLine": f.line(),
                            "startColumn": f.column(),
                            "snippet": { "text": f.source_line() },
                        },
                    },
                }],
                "properties": { "severity": f.severity().as_str(), "statement": f.statement() },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ims-iam",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
