//! `ims-iam lint`: check policy files (see `ims_iam::lint`).
//!
//! Exit codes: 0 nothing at or above the `--fail-on` level, 1 otherwise, 2 usage errors or unreadable
//! input.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use ims_iam::Scope;
use ims_iam::lint::{self, Options, Severity};

use super::EXIT_ERROR;

/// Output format of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum LintFormat {
    /// Compiler-style diagnostics with the offending line and a caret.
    #[default]
    Text,
    /// JSON: `{"findings": [...]}`, each with `file`, `line`, `column`, `code`, `rule`, `severity`,
    /// `message`, `statement`, `sid`; field names are stable.
    Json,
    /// SARIF 2.1.0, for code-scanning UIs.
    Sarif,
}

/// The lowest severity that makes the run fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum FailOn {
    /// Errors only.
    #[default]
    Error,
    /// Errors, security warnings and warnings.
    Warning,
    /// Any finding.
    Suggestion,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Suggestion => Severity::Suggestion,
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Rules: IMS001-IMS007 loading, IMS010-IMS017 cloud limits, IMS020-IMS024 actions, \
                        IMS030-IMS035 conditions, IMS040-IMS041 statement logic, IMS050-IMS051 grants, \
                        IMS060 enterprise projects, IMS070-IMS072 resources and broad grants. \
                        Directories: every `*.json` below, except `*.test.json` decision tests and hidden \
                        files; principals files found there (by shape: `policies`/`groups`/`users` and no \
                        `Statement`) are checked and used as with `--principals`; a directory or glob pattern with no policy file is an error. `-` reads one \
                        policy from standard input (named `<stdin>` in findings).\n\
                        Exit codes: 0 no finding at or above `--fail-on`, 1 some finding at or above it, \
                        2 usage error, unreadable input, or no policy file."
)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: LintFormat,
    /// The scope the policies are attached with: `global`, `project:ID` or `enterprise-project:ID`.
    #[arg(long, default_value = "global", value_name = "SCOPE")]
    scope: Scope,
    /// Exit 1 when a finding is at or above this level (a security warning counts as a warning).
    #[arg(long, value_enum, default_value_t)]
    fail_on: FailOn,
    /// A rule code (`IMS051`) or name (`missing-dependency`) whose findings are dropped; repeatable.
    #[arg(long, value_name = "CODE")]
    ignore: Vec<String>,
    /// A principals file: checked, the policy files it names linted, and the grant rules (IMS050,
    /// IMS051) judged on what each group and user gets; repeatable. Principals files among PATH (by
    /// shape: `policies`/`groups`/`users` and no `Statement`) are treated the same way.
    #[arg(long, value_name = "FILE")]
    principals: Vec<PathBuf>,
    /// Policy files, directories, or glob patterns; `-` for standard input.
    #[arg(required_unless_present = "principals", value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    cloud: super::cloud::CloudArg,
}

/// The name findings of `lint -` carry.
const STDIN_NAME: &str = "<stdin>";

/// Standard input, at most the parser's size limit plus one byte (so an oversized input is reported
/// as such without reading all of it).
fn read_stdin() -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let cap = ims_iam::Limits::default().max_document_bytes;
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    std::io::stdin().lock().take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let mut options = Options::default()
        .with_scope(args.scope.clone())
        .with_cloud(args.cloud.cloud);
    for path in &args.principals {
        options = options.with_principals(path);
    }
    for code in &args.ignore {
        options = match options.ignore(code) {
            Ok(options) => options,
            Err(e) => {
                super::error(&e.to_string());
                return ExitCode::from(EXIT_ERROR);
            }
        };
    }
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let paths: Vec<&PathBuf> = args.paths.iter().filter(|p| p.as_os_str() != "-").collect();
    let files = match lint::collect_files(&paths) {
        Ok(files) => files,
        Err(e) => {
            super::error(&e.to_string());
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let mut findings = Vec::new();
    if stdin {
        match read_stdin() {
            Ok(bytes) => findings = lint::lint_bytes(STDIN_NAME, &bytes, &options),
            Err(e) => {
                super::error(&format!("cannot read standard input: {e}"));
                return ExitCode::from(EXIT_ERROR);
            }
        }
    }
    let report = lint::lint_run(&files, &options);
    findings.extend(report.findings);
    let errors = report.errors;
    let linted = report.files.saturating_sub(errors.len()) + usize::from(stdin);
    let output = match args.format {
        LintFormat::Text => super::style::lint_text(&format!(
            "{}{}\n",
            lint::to_text(&findings),
            lint::summary(&findings, linted)
        )),
        LintFormat::Json => format!("{:#}\n", lint::to_json(&findings)),
        LintFormat::Sarif => format!("{:#}\n", lint::to_sarif(&findings)),
    };
    super::out(&output);
    for e in &errors {
        super::error(&e.to_string());
    }
    if !errors.is_empty() {
        ExitCode::from(EXIT_ERROR)
    } else if findings
        .iter()
        .any(|f| f.severity().is_at_least(args.fail_on.severity()))
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
