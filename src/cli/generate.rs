//! `ims-iam generate`: the smallest policy for observed calls (SPEC section 6).
//!
//! Output: by default the policy alone on standard output and the report on standard error; with
//! `--format json`, `{"policy", "covers", "collateral", "unrouted", ...}` on standard output.
//!
//! Exit codes: 0 every call routed; 1 some lines did not route but a policy was produced from the others
//! (they are listed); 2 usage, an unreadable input or one past its bounds, or nothing routable.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use ims_iam::Situation;
use ims_iam::generate::{Access, Generated, Generator, InputFormat, ScopeSuggestion, Unrouted};
use serde_json::{Value, json};

use super::json::{error_json, operation_json};
use super::{EXIT_ERROR, Format};

/// What the input files hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum From {
    /// `METHOD TARGET [situation=ID]... [project=ID]` per line; `#` comments.
    Calls,
    /// The JSON decision logs of `ims-iam serve --log-format json`.
    Log,
    /// Cloud Trace Service trace files (their IMS traces do not identify the API: listed as unrouted).
    Cts,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 every call routed; 1 some lines did not route but a policy was produced \
                        from the others (they are listed); 2 usage error, an unreadable input or one past its \
                        bounds, or nothing routable."
)]
pub(crate) struct Args {
    /// What the files hold.
    #[arg(long = "from", value_enum, default_value_t = From::Calls)]
    from: From,
    /// `text`: the policy on standard output, the report on standard error; `json`: both on standard
    /// output.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Merge actions into wildcards where that provably changes nothing the policy allows.
    #[arg(long)]
    compact: bool,
    /// A documented situation that held for every call (repeatable); calls files can also annotate
    /// single lines with `situation=ID`.
    #[arg(long = "situation", value_name = "ID")]
    situations: Vec<String>,
    /// With `--from log`: only the decision records of this user.
    #[arg(long, value_name = "NAME")]
    principal: Option<String>,
    /// The input files (`-`: standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let mut generator = Generator::default();
    for id in &args.situations {
        match Situation::parse(id) {
            Some(s) => generator = generator.with_situation(s),
            None => {
                let known: Vec<&str> = Situation::ALL.iter().map(|s| s.id()).collect();
                eprintln!(
                    "error (usage): unknown situation `{id}`: expected one of {}",
                    known.join(", ")
                );
                return ExitCode::from(EXIT_ERROR);
            }
        }
    }
    if let Some(p) = &args.principal {
        generator = generator.with_principal(p.clone());
    }
    if args.compact {
        generator = generator.compact();
    }
    let from = match args.from {
        From::Calls => InputFormat::Calls,
        From::Log => InputFormat::Log,
        From::Cts => InputFormat::Cts,
    };
    for file in &args.files {
        if let Err(e) = generator.read_file(file, from) {
            eprintln!("error ({}): {e}", e.kind());
            return ExitCode::from(EXIT_ERROR);
        }
    }
    let generated = generator.generate();
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&to_json(&generated, args.compact)) {
            Ok(text) => super::out(&format!("{text}\n")),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_ERROR);
            }
        },
        Format::Text => {
            if let Some(policy) = generated.policy_text() {
                super::out(&policy);
            }
            eprint!("{}", report(&generated));
        }
    }
    if generated.covers().is_empty() {
        if args.format == Format::Text {
            eprintln!("error (nothing_routable): no call in the input routes to a documented IMS API");
        }
        ExitCode::from(EXIT_ERROR)
    } else if generated.unrouted().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn access_json(access: &Access) -> Value {
    let mut value = operation_json(access.operation());
    if let Some(map) = value.as_object_mut() {
        let situations: Vec<&str> = access.situations().map(Situation::id).collect();
        map.insert("situations".into(), json!(situations));
        map.insert(
            "required_actions".into(),
            json!(access.required_actions().collect::<Vec<_>>()),
        );
    }
    value
}

fn unrouted_json(u: &Unrouted) -> Value {
    json!({
        "file": u.file(),
        "line": u.line(),
        "method": u.method(),
        "target": u.target(),
        "error": error_json(u.kind(), u.message()),
        "detail": u.detail(),
    })
}

fn to_json(g: &Generated, compact: bool) -> Value {
    let covers: Vec<Value> = g
        .covers()
        .iter()
        .zip(g.calls())
        .map(|(access, calls)| {
            let mut value = access_json(access);
            if let Some(map) = value.as_object_mut() {
                map.insert("calls".into(), json!(calls));
            }
            value
        })
        .collect();
    let dependencies: Vec<Value> = g
        .dependencies()
        .iter()
        .map(|(op, group)| {
            json!({"operation": op.to_string(), "of": group.of(), "note": group.note(), "actions": group.actions()})
        })
        .collect();
    let (suggestion, why) = scope_text(g.scope());
    json!({
        "policy": g.policy(),
        "covers": covers,
        "collateral": g.collateral().iter().map(access_json).collect::<Vec<_>>(),
        "unrouted": g.unrouted().iter().map(unrouted_json).collect::<Vec<_>>(),
        "actions": g.actions(),
        "exact_actions": g.exact_actions(),
        "compact": compact,
        "dependencies": dependencies,
        "scope": {"suggestion": suggestion, "reason": why},
        "ignored": g.ignored(),
    })
}

/// The suggested scope (`project:ID`), if any, and a sentence saying why.
fn scope_text(scope: &ScopeSuggestion) -> (Option<String>, String) {
    match scope {
        ScopeSuggestion::Project(id) => (
            Some(format!("project:{id}")),
            format!("every call that needs an action was in project {id}"),
        ),
        ScopeSuggestion::SeveralProjects => (None, "the calls were in several projects".to_owned()),
        ScopeSuggestion::Unknown(n) => (
            None,
            format!("{n} call(s) do not say their project (no `{{project_id}}` in the path, no `project=`)"),
        ),
        ScopeSuggestion::None => (None, "no call needs a project-scoped grant".to_owned()),
    }
}

fn report(g: &Generated) -> String {
    let mut out = String::new();
    let width = g
        .covers()
        .iter()
        .chain(g.collateral())
        .map(|a| a.to_string().len())
        .max()
        .unwrap_or(0);
    let calls: u64 = g.calls().iter().sum();
    let _ = writeln!(
        out,
        "covers {} operation(s), from {calls} call(s):",
        g.covers().len()
    );
    for (access, n) in g.covers().iter().zip(g.calls()) {
        let actions: Vec<&str> = access.required_actions().collect();
        let actions = if actions.is_empty() {
            "(no action required)".to_owned()
        } else {
            actions.join(", ")
        };
        let _ = writeln!(out, "  {:width$}  {n:>5}x  {actions}", access.to_string());
    }
    match g.policy() {
        None if g.covers().is_empty() => {
            let _ = writeln!(out, "no policy: no call routed");
        }
        None => {
            let _ = writeln!(out, "no policy: the calls require no action");
        }
        Some(_) if g.collateral().is_empty() => {
            let _ = writeln!(out, "collateral: none; the policy allows nothing else");
        }
        Some(_) => {
            let _ = writeln!(
                out,
                "collateral: the policy also allows {} operation(s) nobody called:",
                g.collateral().len()
            );
            for access in g.collateral() {
                let actions: Vec<&str> = access.required_actions().collect();
                let _ = writeln!(
                    out,
                    "  {:width$}         {}",
                    access.to_string(),
                    actions.join(", ")
                );
            }
        }
    }
    if !g.unrouted().is_empty() {
        let _ = writeln!(
            out,
            "unrouted: {} line(s), not in the policy:",
            g.unrouted().len()
        );
        for u in g.unrouted() {
            let detail = u.detail().map(|d| format!(" [{d}]")).unwrap_or_default();
            let _ = writeln!(out, "  {u}{detail}");
        }
    }
    let dependencies = g.dependencies();
    if !dependencies.is_empty() {
        let _ = writeln!(
            out,
            "dependencies (advisory, not in the policy: grant them in those services' policies if the workload needs them):"
        );
        for (op, group) in dependencies {
            let note = group.note().map(|n| format!(" ({n})")).unwrap_or_default();
            let of = group.of().map(|a| format!(" for {a}")).unwrap_or_default();
            let _ = writeln!(out, "  {op}{of}: {}{note}", group.actions().join(", "));
        }
    }
    let (suggestion, why) = scope_text(g.scope());
    match suggestion {
        Some(scope) => {
            let _ = writeln!(out, "scope: {why}: attach the policy with `{scope}`");
        }
        None => {
            let _ = writeln!(out, "scope: global ({why})");
        }
    }
    out
}
