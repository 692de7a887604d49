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
    /// JSON (SPEC section 4).
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
                        files."
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
    /// Policy files, directories, or glob patterns.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    cloud: super::cloud::CloudArg,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let mut options = Options::default()
        .with_scope(args.scope.clone())
        .with_cloud(args.cloud.cloud);
    for code in &args.ignore {
        options = match options.ignore(code) {
            Ok(options) => options,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_ERROR);
            }
        };
    }
    let files = match lint::collect_files(&args.paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let (findings, errors) = lint::lint_files(&files, &options);
    let output = match args.format {
        LintFormat::Text => format!(
            "{}{}\n",
            lint::to_text(&findings),
            lint::summary(&findings, files.len().saturating_sub(errors.len()))
        ),
        LintFormat::Json => format!("{:#}\n", lint::to_json(&findings)),
        LintFormat::Sarif => format!("{:#}\n", lint::to_sarif(&findings)),
    };
    super::out(&output);
    for e in &errors {
        eprintln!("error: {e}");
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
