//! `ims-iam match METHOD TARGET`: routes one raw request (exit 0 matched, 1 no route or rejected).

use std::process::ExitCode;

use ims_iam::{RouteError, RouteMatch, Router};
use serde_json::{Value, json};

use super::Format;
use super::json::{operation_json, params_json, route_error_json};

/// Exit code 1: the request does not route.
const EXIT_NO_ROUTE: u8 = 1;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 the request routes to a documented API, 1 it does not route or is rejected, 2 usage error."
)]
pub(crate) struct Args {
    /// The HTTP method, case-sensitive (`GET`, not `get`).
    method: String,
    /// The raw request target: the path as sent, percent-encoding untouched, optionally with `?query`.
    #[arg(allow_hyphen_values = true)]
    target: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Accept any non-empty segment for `image_id`, `project_id` and `member_id` instead of checking
    /// that they are a UUID / 32 hex characters.
    #[arg(long)]
    accept_any_param_format: bool,
    #[command(flatten)]
    cloud: super::cloud::CloudArg,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let router = if args.accept_any_param_format {
        Router::default().accept_any_param_format()
    } else {
        Router::default()
    };
    let router = router.with_cloud(args.cloud.cloud);
    let result = router.route(&args.method, &args.target);
    let text = match (args.format, &result) {
        (Format::Json, Ok(m)) => {
            pretty(&json!({"operation": operation_json(m.operation()), "params": params_json(m)}))
        }
        (Format::Json, Err(e)) => pretty(&json!({"error": route_error_json(e)})),
        (Format::Text, Ok(m)) => matched_text(m),
        (Format::Text, Err(e)) => rejected_text(e),
    };
    super::out(&text);
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_NO_ROUTE)
    }
}

fn pretty(value: &Value) -> String {
    // Serializing a `Value` cannot fail; an empty line would be the visible sign if it did.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn matched_text(m: &RouteMatch<'_>) -> String {
    let op = m.operation();
    let mut out = format!("{op}\n  name:        {}\n", op.name());
    if let Some(zh) = op.name_zh() {
        out.push_str(&format!("  name_zh:     {zh}\n"));
    }
    out.push_str(&format!("  section:     {}\n", op.section()));
    if op.actions().is_empty() {
        out.push_str("  actions:     (none required)\n");
    }
    for a in op.actions() {
        let when = a.situation().map(|s| format!(" [if {s}]")).unwrap_or_default();
        out.push_str(&format!("  action:      {}{when}\n", a.action()));
    }
    let deps: Vec<&str> = op.dependency_actions().collect();
    if !deps.is_empty() {
        out.push_str(&format!("  depends on:  {} (advisory)\n", deps.join(", ")));
    }
    let yn = |b: bool| if b { "Y" } else { "x" };
    out.push_str(&format!(
        "  iam project: {}\n  enterprise project: {}\n",
        yn(op.iam_project()),
        yn(op.enterprise_project())
    ));
    for (name, value) in m.params() {
        out.push_str(&format!("  param {name} = `{value}`\n"));
    }
    out
}

fn rejected_text(e: &RouteError) -> String {
    format!("no route ({}): {e}\n", e.kind())
}
