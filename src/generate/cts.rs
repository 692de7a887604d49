//! The `cts` input: Cloud Trace Service trace files.
//!
//! What the documented trace format carries (CTS user guide, "Trace Structure", OTC and Huawei Cloud
//! editions): `time`, `user`, `request` (the request *body*, as a string), `response`, `code` (the HTTP
//! status), `service_type` (`IMS`), `resource_type`, `resource_name`, `resource_id`, `source_ip`,
//! `trace_name` (an operation name such as `createImage`), `trace_rating`, `trace_type`, `api_version`,
//! `message`, `record_time`, `trace_id`, and in newer editions `project_id`, `operation_id`,
//! `read_only`, `tracker_name`, `resource_account_id`.
//!
//! None of them is the HTTP method or the request path, and no IMS page documents which `trace_name` a
//! given API produces. So a trace does not identify the IMS API that was called (`v1` and `v2` APIs, the
//! native and the OpenStack ones, share operations such as updating an image, with different required
//! actions), and mapping `trace_name` to an API would be a guess. `generate` does not guess: every IMS
//! trace is listed as unrouted (kind `cts_no_request_line`) with its `trace_name` and `resource_id`, so
//! that the calls can be written down as a `calls` file; traces of other services are skipped.
//!
//! Accepted layouts: a JSON array of traces (a trace file as CTS writes it to OBS, once decompressed), the
//! `{"traces": [...]}` answer of the `ListTraces` API, one trace object, or one trace per line.

use serde_json::Value;

use super::input::shown;

/// One trace of an IMS call that cannot be mapped, with where it starts.
#[derive(Debug)]
pub(crate) struct CtsTrace {
    pub(crate) line: u64,
    pub(crate) detail: String,
}

/// The IMS traces of a trace file, and how many traces of other services it held.
#[derive(Debug, Default)]
pub(crate) struct CtsFile {
    pub(crate) ims: Vec<CtsTrace>,
    pub(crate) other_services: u64,
}

/// Why a trace file cannot be read: (line, column, message).
pub(crate) type CtsSyntax = (u64, u64, String);

/// Reads a whole trace file (already bounded in size).
pub(crate) fn parse(text: &str) -> Result<CtsFile, CtsSyntax> {
    let (traces, lines): (Vec<Value>, Vec<u64>) = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => {
            let lines = element_lines(text, 1, items.len());
            (items, lines)
        }
        Ok(Value::Object(mut map)) if map.get("traces").is_some_and(Value::is_array) => {
            let items = match map.remove("traces") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            let lines = element_lines(text, 2, items.len());
            (items, lines)
        }
        Ok(one @ Value::Object(_)) => (vec![one], vec![first_line(text)]),
        Ok(_) => {
            return Err((
                1,
                1,
                "expected a trace, a list of traces or `{\"traces\": [...]}`".into(),
            ));
        }
        Err(whole) => {
            // One trace per line, or not JSON at all (then the whole-text error is the useful one).
            let mut items = Vec::new();
            let mut lines = Vec::new();
            for (n, line) in (1u64..).zip(text.lines()) {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(v) => {
                        items.push(v);
                        lines.push(n);
                    }
                    Err(_) => {
                        return Err((whole.line() as u64, whole.column() as u64, whole.to_string()));
                    }
                }
            }
            (items, lines)
        }
    };
    let mut file = CtsFile::default();
    for (trace, line) in traces.iter().zip(lines) {
        let field = |name: &str| trace.get(name).and_then(Value::as_str);
        let Some(service) = field("service_type") else {
            return Err((
                line,
                1,
                "a trace without `service_type`: is this a CTS trace file?".into(),
            ));
        };
        if !service.eq_ignore_ascii_case("IMS") {
            file.other_services += 1;
            continue;
        }
        let mut detail = format!("trace_name {}", shown(field("trace_name").unwrap_or("-")));
        for name in ["resource_type", "resource_id", "api_version"] {
            if let Some(value) = field(name) {
                detail.push_str(&format!(", {name} {}", shown(value)));
            }
        }
        file.ims.push(CtsTrace { line, detail });
    }
    Ok(file)
}

fn first_line(text: &str) -> u64 {
    let start = text.len() - text.trim_start().len();
    line_at(text, start)
}

fn line_at(text: &str, offset: usize) -> u64 {
    let before = text.as_bytes().get(..offset).unwrap_or_default();
    1 + before.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The line where each object element of the list at `depth` (1: the top-level array; 2: an array held
/// by the top-level object) starts. The text is valid JSON (already parsed); when the scan does not find
/// `expected` elements (a list holding other values too), each trace is numbered instead (1, 2, ...).
fn element_lines(text: &str, depth: usize, expected: usize) -> Vec<u64> {
    let mut starts = Vec::new();
    let mut stack: Vec<u8> = Vec::new();
    let (mut in_string, mut escaped, mut line) = (false, false, 1u64);
    for &b in text.as_bytes() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                if b == b'{' && stack.len() == depth && stack.last() == Some(&b'[') {
                    starts.push(line);
                }
                stack.push(b);
            }
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    if starts.len() == expected {
        starts
    } else {
        (1..=expected as u64).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = r#"{"service_type": "IMS", "resource_type": "image", "trace_name": "updateImage",
  "resource_id": "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11", "trace_id": "t1", "code": "200"}"#;

    #[test]
    fn layouts() {
        let array = format!("[\n{TRACE},\n{{\"service_type\": \"ECS\", \"trace_name\": \"x\"}}\n]");
        let file = parse(&array).unwrap();
        assert_eq!((file.ims.len(), file.other_services), (1, 1));
        assert_eq!(file.ims[0].line, 2);
        assert!(
            file.ims[0].detail.contains("updateImage"),
            "{}",
            file.ims[0].detail
        );

        let listed = format!("{{\"meta_data\": {{\"count\": 2}},\n \"traces\": [\n{TRACE},\n{TRACE}]}}");
        let lines: Vec<u64> = parse(&listed).unwrap().ims.iter().map(|t| t.line).collect();
        assert_eq!(lines, [3, 5]);

        let per_line = format!("{}\n\n{}\n", TRACE.replace('\n', ""), TRACE.replace('\n', ""));
        let lines: Vec<u64> = parse(&per_line).unwrap().ims.iter().map(|t| t.line).collect();
        assert_eq!(lines, [1, 3]);

        assert_eq!(parse(&format!("\n\n{TRACE}")).unwrap().ims[0].line, 3);
    }

    #[test]
    fn strings_with_brackets_do_not_confuse_the_line_scan() {
        let tricky = format!("[\n{{\"service_type\": \"IMS\", \"trace_name\": \"a{{[\\\"\"}},\n{TRACE}]");
        let lines: Vec<u64> = parse(&tricky).unwrap().ims.iter().map(|t| t.line).collect();
        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn not_a_trace_file() {
        assert_eq!(parse("[1, 2").unwrap_err().0, 1);
        assert!(parse("42").is_err());
        assert!(
            parse(r#"[{"trace_name": "x"}]"#)
                .unwrap_err()
                .2
                .contains("service_type")
        );
    }
}
