//! Declarative decision tests: policy files with scopes, requests, and the decisions they must get.
//!
//! `ims-iam test FILE...` runs them; so can your own `cargo test`:
//!
//! ```
//! let report = ims_iam::testing::run_str(r#"{
//!   "policies": [
//!     {"name": "readers", "scope": "global",
//!      "document": {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}]}}
//!   ],
//!   "cases": [
//!     {"name": "list images", "method": "GET", "target": "/v2/cloudimages", "expect": "allow",
//!      "expect_statements": [{"policy": "readers", "statement": 0}]},
//!     {"name": "no delete", "method": "DELETE", "target": "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11",
//!      "expect": "implicit_deny"}
//!   ]
//! }"#, std::path::Path::new("."), "inline").unwrap();
//! assert!(report.passed(), "{report}");
//! assert_eq!(report.cases.len(), 2);
//! ```
//!
//! # File format (JSON)
//!
//! | field | meaning |
//! |---|---|
//! | `description` | optional text |
//! | `cloud` | optional: the cloud profile whose permission table the cases use (`otc`, `huawei-cloud`, `eu-west-0`); absent: the caller's default ([`Cloud::default`], or `ims-iam test --cloud`) |
//! | `policies` | the attachments every case uses: `{"file": "path.json", "scope": "global"}` (path relative to the test file; the policy's name is the path as written; a list response `{"roles": [...]}` gives one policy per role, named by the role's `name` or `display_name`) or `{"name": "...", "scope": "...", "document": {...}}` (an inline document, role object or envelope) |
//! | `cases[].name` | the case's name |
//! | `cases[].method`, `cases[].target` | the raw request |
//! | `cases[].policies` | optional: replaces the file's `policies` for this case |
//! | `cases[].project`, `cases[].enterprise_project` | the request's IAM project / enterprise project |
//! | `cases[].context` | condition keys: `{"g:SourceIp": "10.0.0.1", "g:TagKeys": ["a", "b"]}` (an array is multi-valued); bounded by the default [`ContextLimits`] (128 values, keys of 1,024 bytes, values of 4,096 bytes): a case over them makes the file invalid |
//! | `cases[].situations` | situation ids that hold (`enterprise-projects-enabled`, ...) |
//! | `cases[].current_time` | pins `g:CurrentTime` (ISO 8601 / RFC 3339) |
//! | `cases[].expect` | `allow` (also matches `no_action_required`), `deny` (explicit or implicit), `explicit_deny`, `implicit_deny`, `no_action_required`, or `error` (unroutable or invalid request) |
//! | `cases[].expect_error` | with `error`: the error kind (`not_found`, `project_mismatch`, ...) |
//! | `cases[].expect_statements` | the statements that decided the decision, as `{"policy", "statement"}`, in any order: for an allow, the Allow statements that allowed each action; for an explicit deny, the Deny statements that applied; for an implicit deny, none (`[]`) |
//!
//! A file that does not parse, names a policy that does not load or compile, or has an unknown field,
//! is an error ([`TestFileError`]), never a passing or failing case.

mod coverage;
mod formats;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::Cloud;

use serde::Deserialize;
use serde_json::value::RawValue;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::compile::{Policy, PolicySet, Scope};
use crate::eval::{Decision, Reason};
use crate::matrix::Situation;
use crate::policy::{Limits, PolicyDocument};
use crate::request::{Context, ContextLimits, Request};
pub use coverage::Coverage;
use coverage::{Exercised, Recorder};
pub use formats::{to_json, to_junit};

/// Why a decision-test file could not be run.
#[derive(Debug, thiserror::Error)]
pub enum TestFileError {
    /// The file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid decision-test file.
    #[error("`{file}`: {message}")]
    Invalid {
        /// The file's name.
        file: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec<'a> {
    #[serde(default)]
    #[allow(dead_code, reason = "documentation for readers of the file")]
    description: Option<String>,
    #[serde(default)]
    cloud: Option<String>,
    #[serde(default, borrow)]
    policies: Vec<PolicySpec<'a>>,
    #[serde(borrow)]
    cases: Vec<CaseSpec<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySpec<'a> {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default, borrow)]
    document: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseSpec<'a> {
    name: String,
    method: String,
    target: String,
    #[serde(default, borrow)]
    policies: Option<Vec<PolicySpec<'a>>>,
    #[serde(default)]
    project: Option<String>,
    #[serde(default)]
    enterprise_project: Option<String>,
    #[serde(default)]
    context: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    situations: Vec<String>,
    #[serde(default)]
    current_time: Option<String>,
    expect: String,
    #[serde(default)]
    expect_error: Option<String>,
    #[serde(default)]
    expect_statements: Option<Vec<StatementSpec>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct StatementSpec {
    policy: String,
    statement: usize,
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Whether it got what it expected.
    pub passed: bool,
    /// What it expected, e.g. `allow` or `explicit_deny by p.json statement 1`.
    pub expected: String,
    /// What it got.
    pub actual: String,
    /// The explanation of the decision (summary and notes), for failure reports.
    pub explanation: String,
}

/// The results of one decision-test file.
#[derive(Debug, Clone)]
pub struct TestReport {
    /// The file's name.
    pub file: String,
    /// One result per case, in file order.
    pub cases: Vec<CaseResult>,
    /// Warnings about the policies the cases use: action patterns that name no documented IMS action
    /// (see [`PolicySet::warnings`]), each once.
    pub warnings: Vec<String>,
    /// What the cases exercised, for [`Coverage`].
    exercised: Exercised,
}

impl TestReport {
    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.cases.iter().all(|c| c.passed)
    }
    /// The cases that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| !c.passed)
    }
}

impl fmt::Display for TestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.failures().count();
        writeln!(
            f,
            "{}: {} passed, {} failed",
            self.file,
            self.cases.len() - failed,
            failed
        )?;
        for c in self.failures() {
            writeln!(f, "  FAIL {}: expected {}, got {}", c.name, c.expected, c.actual)?;
            for line in c.explanation.lines() {
                writeln!(f, "       {line}")?;
            }
        }
        Ok(())
    }
}

/// Reads and runs a decision-test file; policy files are found relative to it.
pub fn run_file(path: &Path) -> Result<TestReport, TestFileError> {
    run_file_in(path, Cloud::default())
}

/// [`run_file`] with the cloud profile for files that name none (a file's `cloud` field wins).
pub fn run_file_in(path: &Path, default_cloud: Cloud) -> Result<TestReport, TestFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| TestFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    run_str_in(&text, base, &path.display().to_string(), default_cloud)
}

/// Runs a decision-test file's text; `base` is the directory policy files are relative to, `name` names
/// the file in reports and errors.
pub fn run_str(text: &str, base: &Path, name: &str) -> Result<TestReport, TestFileError> {
    run_str_in(text, base, name, Cloud::default())
}

/// [`run_str`] with the cloud profile for a file that names none (the file's `cloud` field wins).
///
/// ```
/// use ims_iam::Cloud;
/// let file = r#"{"cloud": "eu-west-0",
///   "policies": [{"name": "deleter",
///     "document": {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:delete"]}]}}],
///   "cases": [{"name": "delete needs get too", "method": "DELETE",
///     "target": "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11", "expect": "implicit_deny"}]}"#;
/// let report = ims_iam::testing::run_str_in(file, std::path::Path::new("."), "eu", Cloud::Otc).unwrap();
/// assert!(report.passed(), "{report}");
/// ```
pub fn run_str_in(
    text: &str,
    base: &Path,
    name: &str,
    default_cloud: Cloud,
) -> Result<TestReport, TestFileError> {
    let invalid = |message: String| TestFileError::Invalid {
        file: name.to_owned(),
        message,
    };
    let spec: FileSpec<'_> = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let cloud = match &spec.cloud {
        None => default_cloud,
        Some(id) => Cloud::parse(id).ok_or_else(|| {
            let known: Vec<&str> = Cloud::ALL.iter().map(|c| c.id()).collect();
            invalid(format!("unknown cloud `{id}` (expected one of {known:?})"))
        })?,
    };
    let router = crate::route::Router::default().with_cloud(cloud);
    let mut exercised = Exercised::default();
    let file_set = compile_specs(&spec.policies, base, &mut exercised).map_err(invalid)?;
    let mut warnings = Vec::new();
    let mut warn = |set: &PolicySet| {
        for w in set.warnings() {
            let w = format!("{name}: {w}");
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
    };
    warn(&file_set);
    let mut cases = Vec::with_capacity(spec.cases.len());
    for case in &spec.cases {
        let own;
        let set = match &case.policies {
            Some(specs) => {
                own = compile_specs(specs, base, &mut exercised)
                    .map_err(|m| invalid(format!("case `{}`: {m}", case.name)))?;
                warn(&own);
                &own
            }
            None => &file_set,
        };
        cases.push(
            run_case(case, set, router, &mut exercised)
                .map_err(|m| invalid(format!("case `{}`: {m}", case.name)))?,
        );
    }
    Ok(TestReport {
        file: name.to_owned(),
        cases,
        warnings,
        exercised,
    })
}

fn compile_specs(
    specs: &[PolicySpec<'_>],
    base: &Path,
    exercised: &mut Exercised,
) -> Result<PolicySet, String> {
    let mut policies = Vec::with_capacity(specs.len());
    for spec in specs {
        let scope: Scope = match &spec.scope {
            Some(s) => s.parse().map_err(|e| format!("{e}"))?,
            None => Scope::Global,
        };
        // One policy, or one per role of a list response (named by the role), by the one loader.
        let named: Vec<(String, PolicyDocument)> = match (&spec.file, spec.document) {
            (Some(file), None) => {
                let name = spec.name.as_deref().unwrap_or(file);
                crate::policy::load_file(name, &base.join(file), &Limits::default()).map_err(|e| match e {
                    crate::policy::LoadError::Read { source, .. } => {
                        format!("cannot read policy `{file}`: {source}")
                    }
                    crate::policy::LoadError::Parse { source, .. } => format!("policy `{file}`: {source}"),
                })?
            }
            (None, Some(raw)) => {
                let name = spec.name.as_deref().ok_or("an inline policy needs a `name`")?;
                crate::policy::parse_named(name, raw.get(), &Limits::default())
                    .map_err(|e| format!("policy `{name}`: {e}"))?
            }
            _ => return Err("a policy needs exactly one of `file` and `document`".into()),
        };
        for (name, document) in named {
            exercised.add_policy(&name, &document);
            policies.push(Policy::new(name, scope.clone(), document));
        }
    }
    PolicySet::new(policies).map_err(|e| e.to_string())
}

fn run_case(
    case: &CaseSpec<'_>,
    set: &PolicySet,
    router: crate::route::Router,
    exercised: &mut Exercised,
) -> Result<CaseResult, String> {
    let pairs: Vec<(&str, &str)> = case
        .context
        .iter()
        .flat_map(|(key, values)| {
            let values = match values {
                OneOrMany::One(v) => std::slice::from_ref(v),
                OneOrMany::Many(vs) => vs.as_slice(),
            };
            values.iter().map(move |v| (key.as_str(), v.as_str()))
        })
        .collect();
    let mut ctx = Context::from_untrusted(pairs.iter().copied(), &ContextLimits::default())
        .map_err(|e| format!("`context`: {e}"))?;
    if let Some(p) = &case.project {
        ctx = ctx.with_project(p);
    }
    if let Some(e) = &case.enterprise_project {
        ctx = ctx.with_enterprise_project(e);
    }
    for s in &case.situations {
        let situation = Situation::parse(s).ok_or_else(|| {
            let ids: Vec<&str> = Situation::ALL.iter().map(|s| s.id()).collect();
            format!(
                "unknown situation `{s}` in `situations`: expected one of `{}`",
                ids.join("`, `")
            )
        })?;
        ctx = ctx.with_situation(situation);
    }
    if let Some(t) = &case.current_time {
        let now =
            OffsetDateTime::parse(t, &Rfc3339).map_err(|e| format!("invalid `current_time` `{t}`: {e}"))?;
        ctx = ctx.with_current_time(now);
    }
    let expect = case.expect.as_str();
    if !EXPECT.contains(&expect) {
        return Err(format!(
            "invalid `expect` `{expect}`: expected one of `{}`",
            EXPECT.join("`, `")
        ));
    }
    let mut expected = expect.to_owned();
    if let Some(kind) = &case.expect_error {
        expected = format!("error {kind}");
    }
    let want_statements = case.expect_statements.as_ref().map(|list| {
        let mut list = list.clone();
        list.sort();
        list
    });
    if let Some(list) = &want_statements {
        expected.push_str(&format!(" by {}", cite(list)));
    }

    let (actual, passed, explanation) = match router.route(&case.method, &case.target) {
        Err(e) => {
            let passed = expect == "error" && case.expect_error.as_deref().is_none_or(|k| k == e.kind());
            (
                format!("error {}", e.kind()),
                passed,
                format!("the request does not route: {e}"),
            )
        }
        Ok(route) => {
            let mut recorder = Recorder {
                explanation: crate::eval::Explanation::default(),
                exercised,
            };
            set.decide(&Request::new(&route, &ctx), &mut recorder);
            let explanation = recorder.explanation;
            let decision = explanation.decision();
            let mut got: Vec<StatementSpec> = explanation
                .deciding()
                .into_iter()
                .map(|s| StatementSpec {
                    policy: s.policy.clone(),
                    statement: s.statement,
                })
                .collect();
            got.sort();
            got.dedup();
            let reason_ok = reason_matches(expect, case.expect_error.as_deref(), &decision);
            let statements_ok = want_statements.as_ref().is_none_or(|w| *w == got);
            let mut actual = match decision.reason() {
                Reason::Error(e) => format!("error {}", e.kind()),
                r => r.as_str().to_owned(),
            };
            if want_statements.is_some() {
                actual.push_str(&format!(" by {}", cite(&got)));
            }
            let mut text = explanation.summary();
            for note in explanation.notes() {
                text.push_str(&format!("\n{note}"));
            }
            (actual, reason_ok && statements_ok, text)
        }
    };
    Ok(CaseResult {
        name: case.name.clone(),
        passed,
        expected,
        actual,
        explanation,
    })
}

/// The values of `cases[].expect`.
const EXPECT: [&str; 6] = [
    "allow",
    "deny",
    "explicit_deny",
    "implicit_deny",
    "no_action_required",
    "error",
];

fn reason_matches(expect: &str, error_kind: Option<&str>, decision: &Decision) -> bool {
    match (expect, decision.reason()) {
        ("allow", Reason::Allow | Reason::NoActionRequired) => true,
        ("deny", Reason::ExplicitDeny | Reason::ImplicitDeny) => true,
        ("error", Reason::Error(e)) => error_kind.is_none_or(|k| k == e.kind()),
        (e, r) => e == r.as_str(),
    }
}

fn cite(list: &[StatementSpec]) -> String {
    if list.is_empty() {
        return "no statement".into();
    }
    list.iter()
        .map(|s| format!("{} statement {}", s.policy, s.statement))
        .collect::<Vec<_>>()
        .join(", ")
}
