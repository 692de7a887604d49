//! `ims-iam lint`: checks policy files before they reach the cloud.
//!
//! Each [`Finding`] names a [`Rule`] (a stable code such as `IMS021`, a name, a [`Severity`]), says what
//! is wrong and how to fix it, and points at the offending JSON value: file, 1-based line, and column in
//! characters. The rules reuse the evaluator's pieces: the strict parser ([`PolicyDocument::parse`]),
//! the action patterns and the condition compiler of [`crate::compile`], and the permission matrix.
//!
//! A file that the strict parser refuses gets one finding (IMS001 to IMS007) and no other: nothing else
//! can be known about it. Otherwise every other rule runs. Findings are sorted by file, line, column and
//! code.
//!
//! ```
//! use ims_iam::Scope;
//! use ims_iam::lint::{Options, Severity, lint_str};
//!
//! let text = r#"{"Version": "1.1", "Statement": [
//!     {"Effect": "Allow", "Action": ["ims:images:update"]}
//! ]}"#;
//! let options = Options::default().with_scope(Scope::EnterpriseProject("0".into()));
//! let findings = lint_str("tagger.json", text, &options);
//! let codes: Vec<&str> = findings.iter().map(|f| f.code()).collect();
//! // Tagging needs `ims:images:get` too (IMS050); in an enterprise project the tagging APIs ignore the
//! // policy (IMS060).
//! assert!(codes.contains(&"IMS050") && codes.contains(&"IMS060"));
//! assert!(findings.iter().all(|f| !f.severity().is_at_least(Severity::Error)));
//! ```
//!
//! # Rules
//!
//! Severities follow IAM Access Analyzer's categories. `--fail-on` (default `error`) decides which ones
//! fail a run; a security warning counts as a warning.
//!
//! | code | name | severity | what it catches | example |
//! |---|---|---|---|---|
//! | `IMS001` | `invalid-json` | error | the file is not one JSON value: a syntax error, an empty file, trailing data or invalid UTF-8 | `{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:*:get"],}]}` |
//! | `IMS002` | `duplicate-key` | error | a key appears twice in one JSON object | `{"Effect": "Allow", "Action": ["ims:images:get"], "Action": ["ims:images:list"]}` |
//! | `IMS003` | `schema-error` | error | an unknown key, a value of the wrong JSON type, or a value out of its domain | `{"Effect": "allow", "Action": ["ims:images:get"]}` |
//! | `IMS004` | `missing-element` | error | a required element is missing: `Version`, `Statement`, `Effect`, `Action`/`NotAction` | `{"Version": "1.1", "Statement": [{"Action": ["ims:images:get"]}]}` |
//! | `IMS005` | `action-and-not-action` | error | a statement has both `Action` and `NotAction` | `{"Effect": "Deny", "Action": ["ims:*:*"], "NotAction": ["ims:images:get"]}` |
//! | `IMS006` | `unsupported-version` | error | `Version` is not `1.0` or `1.1` (`5.0` identity policies are not supported yet) | `{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"]}]}` |
//! | `IMS007` | `loader-limit` | error | the file exceeds a bound of the loader (1 MiB, nesting depth 32, 1,000 entries per list, ...) | a file of 2 MiB |
//! | `IMS008` | `invalid-principals` | error | a principals file that does not load: bad JSON or shape, an undefined policy or group, an invalid scope or name, a policy file that is missing or does not parse | `{"policies": {}, "users": {"alice": {"groups": ["admins"]}}}` |
//! | `IMS010` | `policy-too-long` | error | the policy document has more than 6,144 characters | a document of 6,145 characters |
//! | `IMS011` | `too-many-statements` | warning | the policy has more than 8 statements | a `Statement` list of 9 statements |
//! | `IMS012` | `too-many-actions` | warning | a statement lists more than 100 actions | an `Action` list of 101 actions |
//! | `IMS013` | `action-too-long` | warning | an action string is longer than 128 characters | an action of 129 characters |
//! | `IMS014` | `too-many-conditions` | warning | a statement's `Condition` has more than 10 operators | a `Condition` block with 11 operators |
//! | `IMS015` | `too-many-condition-keys` | warning | one condition operator has more than 10 keys | a `StringEquals` operator with 11 keys |
//! | `IMS016` | `too-many-resources` | warning | a statement lists more than 10 resources | a `Resource` list of 11 entries |
//! | `IMS017` | `resource-too-long` | warning | a resource string is longer than 128 characters | a resource of 129 characters |
//! | `IMS020` | `invalid-action` | error | an action with an empty part between `:` or a character no action has | `"Action": ["ims::list"]` |
//! | `IMS021` | `unknown-action` | error | an IMS action that no documented IMS API requires (with a did-you-mean) | `"Action": ["ims:image:get"]` |
//! | `IMS022` | `wildcard-matches-nothing` | warning | an `ims:` pattern with `*` or `?` that matches no IMS action | `"Action": ["ims:*:gets*"]` |
//! | `IMS023` | `service-not-lowercase` | warning | the service part of an action is not lowercase (`IMS:images:list`) | `"Action": ["IMS:images:list"]` |
//! | `IMS024` | `action-not-three-parts` | suggestion | an action pattern that is not `service:resourceType:operation` (`ims:*`) | `"Action": ["ims:*"]` |
//! | `IMS030` | `unknown-operator` | error | a condition operator that IAM does not define (names are case-sensitive) | `"Condition": {"StringEqual": {"g:UserName": ["alice"]}}` |
//! | `IMS031` | `invalid-condition-value` | error | a condition value that does not parse for its operator (number, date, CIDR, boolean) | `"Condition": {"IpAddress": {"g:SourceIp": ["10.0.0.0/33"]}}` |
//! | `IMS032` | `if-exists-on-null` | error | `IfExists` or a `ForAnyValue:`/`ForAllValues:` prefix on `Null` or `IsNullOrEmpty` | `"Condition": {"NullIfExists": {"g:MFAAge": ["true"]}}` |
//! | `IMS033` | `unknown-condition-key` | error | a `g:` condition key that is not a global key (with a did-you-mean), or a key with no service | `"Condition": {"IpAddress": {"g:SourceIP4": ["10.0.0.0/8"]}}` |
//! | `IMS034` | `condition-type-mismatch` | error | a number, date, boolean or IP operator on a global key of another type | `"Condition": {"NumberEquals": {"g:SourceIp": [10]}}` |
//! | `IMS035` | `string-operator-on-typed-key` | warning | a `String...` operator on a key that holds an IP address, a date, a number or a boolean | `"Condition": {"StringEquals": {"g:SourceIp": ["10.0.0.1"]}}` |
//! | `IMS040` | `dead-grant` | warning | an Allow every IMS action of which a Deny of the same file denies unconditionally | `[{"Effect": "Allow", "Action": ["ims:images:delete"]}, {"Effect": "Deny", "Action": ["ims:*:*"]}]` |
//! | `IMS041` | `redundant-statement` | suggestion | a statement whose actions another statement with the same effect and no conditions covers | `[{"Effect": "Allow", "Action": ["ims:*:*"]}, {"Effect": "Allow", "Action": ["ims:images:get"]}]` |
//! | `IMS050` | `partial-api-grant` | warning | an action that IMS APIs need besides what the policy allows (warning when the grant completes none of the APIs it takes part in, suggestion otherwise) | `{"Effect": "Allow", "Action": ["ims:images:update"]}` |
//! | `IMS051` | `missing-dependency` | suggestion | IMS APIs the policy grants whose dependent actions (`obs:bucket:*`, `kms:*:*`, ...) it does not grant | `{"Effect": "Allow", "Action": ["ims:images:upload"]}` |
//! | `IMS060` | `no-effect-in-enterprise-project` | warning | (with `--scope enterprise-project:ID`) APIs the statement grants or denies that enterprise-project policies cannot authorize | `{"Effect": "Allow", "Action": ["ims:images:get", "ims:images:update"]}` |
//! | `IMS070` | `narrow-resource` | warning | a statement covering IMS actions whose `Resource` does not cover every resource | `{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["ims:*:*:image:0b3b6d4e-*"]}` |
//! | `IMS071` | `allow-all-actions` | security_warning | an Allow of `*:*:*` (or `*`): every action of every cloud service | `{"Effect": "Allow", "Action": ["*:*:*"]}` |
//! | `IMS072` | `allow-not-action` | security_warning | an Allow with `NotAction`: every action of every service except those listed | `{"Effect": "Allow", "NotAction": ["ims:images:delete"]}` |
//!
//! The cloud's limits (IMS010 to IMS017) come from the Huawei Cloud IAM user guide, "Notes and
//! Constraints" (6,144 characters per custom policy; statements, actions, resources and conditions
//! "Unlimited") and the Open Telekom Cloud IAM API reference, "Listing Custom Policies" (at most 8
//! statements, 100 actions and 10 conditions per statement, 10 keys per operator, 10 resources of at
//! most 128 characters). Only the 6,144 characters are an error; the counts, on which the two pages
//! disagree, are warnings; no page gives a length for actions (IMS013 borrows the resource limit).
//!
//! [`PolicyDocument::parse`]: crate::policy::PolicyDocument::parse

mod combined;
mod context;
mod files;
mod finding;
mod output;
mod rule;
mod rules;
mod severity;

use std::path::{Path, PathBuf};

pub use files::collect_files;
pub use finding::Finding;
pub use output::{summary, to_json, to_sarif, to_text};
pub use rule::Rule;
pub use severity::Severity;

use crate::policy::{Limits, PolicyDocument, PolicyFile, read_bytes};
use crate::{Cloud, Scope};
use context::{Ctx, Sink};

/// Every rule, in code order.
///
/// ```
/// let codes: Vec<&str> = ims_iam::lint::RULES.iter().map(|r| r.code()).collect();
/// let mut sorted = codes.clone();
/// sorted.sort();
/// sorted.dedup();
/// assert_eq!(codes, sorted);
/// ```
pub const RULES: &[Rule] = rules::ALL;

/// The rule with this code (`IMS021`, any case) or name (`unknown-action`).
pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.code().eq_ignore_ascii_case(code_or_name) || r.name() == code_or_name)
}

/// Why a lint run could not read its input.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// A file or directory that cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The path as given.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A glob pattern that does not parse.
    #[error("invalid pattern `{pattern}`: {message}")]
    Pattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        message: String,
    },
    /// A glob pattern that matches no policy file.
    #[error("no policy file matches `{pattern}`")]
    NoMatch {
        /// The pattern as given.
        pattern: String,
    },
    /// A directory with no policy file below it.
    #[error(
        "no policy file in directory `{path}`: lint reads every `*.json` below a directory, except \
         `*.test.json` decision tests and hidden files"
    )]
    EmptyDirectory {
        /// The directory as given.
        path: String,
    },
    /// A rule code or name that does not exist (`--ignore`).
    #[error("unknown rule `{code}`: rules are `IMS001` to `IMS072`, see `ims-iam lint --help`")]
    UnknownRule {
        /// The code as given.
        code: String,
    },
}

/// What a lint run checks: the attachment scope the policies are meant for, and the rules to ignore.
///
/// ```
/// use ims_iam::Scope;
/// use ims_iam::lint::Options;
///
/// let options = Options::default()
///     .with_scope("enterprise-project:0".parse::<Scope>()?)
///     .ignore("IMS051")?
///     .ignore("redundant-statement")?;
/// assert!(options.is_ignored("IMS041"));
/// assert!(Options::default().ignore("IMS999").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Options {
    scope: Scope,
    ignore: Vec<&'static str>,
    cloud: Cloud,
    principals: Vec<PathBuf>,
}

impl Options {
    /// A principals file to check with the run (`--principals`): [`lint_run`] reports why it does not
    /// load (IMS008), lints the policy files it names, and judges each one's grant rules (IMS050,
    /// IMS051) on the combined grant of every group and user that gets it. Repeatable. Files of that
    /// shape among the linted files are treated the same way without this.
    pub fn with_principals(mut self, path: impl Into<PathBuf>) -> Options {
        let path = path.into();
        if !self.principals.contains(&path) {
            self.principals.push(path);
        }
        self
    }

    /// The cloud profile whose permission table the rules consult (default [`Cloud::default`]): the
    /// required and dependent actions of each API differ between profiles.
    ///
    /// ```
    /// use ims_iam::Cloud;
    /// use ims_iam::lint::{Options, lint_str};
    /// let text = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:delete"]}]}"#;
    /// let codes = |cloud| -> Vec<&str> {
    ///     lint_str("p.json", text, &Options::default().with_cloud(cloud)).iter().map(|f| f.code()).collect()
    /// };
    /// assert!(codes(Cloud::Otc).is_empty());
    /// // eu-west-0 also requires `ims:images:get` to delete an image: a partial grant.
    /// assert_eq!(codes(Cloud::EuWest0), ["IMS050"]);
    /// ```
    pub fn with_cloud(mut self, cloud: Cloud) -> Options {
        self.cloud = cloud;
        self
    }

    /// The cloud profile.
    pub fn cloud(&self) -> Cloud {
        self.cloud
    }

    /// The scope the policies are attached with (default `global`): with an enterprise project, IMS060
    /// reports the APIs on which the policy has no effect.
    pub fn with_scope(mut self, scope: Scope) -> Options {
        self.scope = scope;
        self
    }

    /// Ignores the rule with this code or name; an unknown one is an error.
    pub fn ignore(mut self, code_or_name: &str) -> Result<Options, LintError> {
        let rule = rule(code_or_name).ok_or_else(|| LintError::UnknownRule {
            code: code_or_name.to_owned(),
        })?;
        if !self.ignore.contains(&rule.code()) {
            self.ignore.push(rule.code());
        }
        Ok(self)
    }

    /// The attachment scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Whether findings of the rule with this code are dropped.
    pub fn is_ignored(&self, code: &str) -> bool {
        self.ignore.contains(&code)
    }
}

/// Lints the text of one policy file; `file` is the name findings carry. Never fails and never panics:
/// a file that does not parse is itself a finding.
///
/// ```
/// use ims_iam::lint::{Options, lint_str};
///
/// let text = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:*:get*", "ims:*:list*"]}]}"#;
/// let findings = lint_str("read-only.json", text, &Options::default());
/// // A read-only policy is not told that sharing or tagging would also need a writing action.
/// assert!(findings.is_empty());
///
/// let broken = lint_str("broken.json", r#"{"Version": "1.1", "Statement": [}"#, &Options::default());
/// assert_eq!(broken[0].code(), "IMS001");
/// ```
pub fn lint_str(file: &str, text: &str, options: &Options) -> Vec<Finding> {
    let mut sink = Sink::new(file, text);
    match PolicyDocument::parse_file(text) {
        Err(err) => rules::parse::report(&err, &mut sink),
        Ok(PolicyFile::Single(doc)) => {
            sink.set_sids(&doc);
            let cx = Ctx::new(text, &doc, options);
            rules::run(&cx, &mut sink);
        }
        // A list response: each role's document, with positions in the whole file.
        Ok(PolicyFile::List(roles)) => {
            for (_, doc) in &roles {
                sink.set_sids(doc);
                let cx = Ctx::new(text, doc, options);
                rules::run(&cx, &mut sink);
            }
        }
    }
    finish(sink.findings, options)
}

/// Lints the bytes of one policy file (which must be UTF-8; otherwise that is the finding).
pub fn lint_bytes(file: &str, bytes: &[u8], options: &Options) -> Vec<Finding> {
    match std::str::from_utf8(bytes) {
        Ok(text) => lint_str(file, text, options),
        Err(err) => {
            let valid = bytes
                .get(..err.valid_up_to())
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default();
            let mut sink = Sink::new(file, valid);
            rules::parse::report_not_utf8(valid, &mut sink);
            finish(sink.findings, options)
        }
    }
}

/// Reads and lints one policy file; findings carry the path as displayed.
///
/// ```
/// use ims_iam::lint::{Options, lint_file};
///
/// let findings = lint_file(std::path::Path::new("policies/ims-deny-delete.json"), &Options::default())?;
/// assert!(findings.is_empty());
/// assert!(lint_file(std::path::Path::new("no/such/file.json"), &Options::default()).is_err());
/// # Ok::<(), ims_iam::lint::LintError>(())
/// ```
pub fn lint_file(path: &Path, options: &Options) -> Result<Vec<Finding>, LintError> {
    // Read no more than the parser accepts (plus one byte, so it reports the size limit): a huge file
    // costs 1 MiB, not its size.
    let bytes = read_bytes(path, &Limits::default()).map_err(|source| LintError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(lint_bytes(&path.display().to_string(), &bytes, options))
}

/// Lints several files: the findings of every readable file, sorted by file, line, column and code, and
/// the errors of the files that could not be read (see [`lint_run`]).
pub fn lint_files(files: &[PathBuf], options: &Options) -> (Vec<Finding>, Vec<LintError>) {
    let report = lint_run(files, options);
    (report.findings, report.errors)
}

/// What a lint run found.
#[derive(Debug)]
#[non_exhaustive]
pub struct Report {
    /// The findings, sorted by file, line, column and code.
    pub findings: Vec<Finding>,
    /// The files that could not be read.
    pub errors: Vec<LintError>,
    /// How many files the run read: policy files (including those principals files name) and
    /// principals files.
    pub files: usize,
}

/// Lints several files. A file shaped like a principals file (a top-level `policies`, `groups` or
/// `users` key and no `Statement`) is not a policy: like a principals file of
/// [`Options::with_principals`], it is checked (IMS008), the policy files it names join the run, and
/// the grant rules (IMS050, IMS051) judge each of them on the combined grant of each group and user
/// that gets it (with the other attachments that apply wherever it applies: `global` ones and those of
/// the same scope). A finding that several of them share is reported once, naming them.
///
/// ```
/// use ims_iam::lint::{Options, lint_run};
///
/// let dir = std::env::temp_dir().join(format!("ims-iam-lint-run-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let policy = |actions: &str| format!(r#"{{"Version": "1.1", "Statement": [{{"Effect": "Allow", "Action": {actions}}}]}}"#);
/// std::fs::write(dir.join("get.json"), policy(r#"["ims:images:get"]"#))?;
/// std::fs::write(dir.join("update.json"), policy(r#"["ims:images:update"]"#))?;
/// // Alone, `update.json` can tag nothing (IMS050)...
/// let alone = lint_run(&[dir.join("update.json")], &Options::default());
/// assert!(alone.findings.iter().any(|f| f.code() == "IMS050"));
/// // ...but the group that gets it also gets `get.json`.
/// std::fs::write(dir.join("principals.json"), r#"{"policies": {"get": "get.json", "update": "update.json"},
///     "groups": {"taggers": {"attachments": [{"policy": "get"}, {"policy": "update"}]}}}"#)?;
/// let combined = lint_run(&[dir.join("principals.json")], &Options::default());
/// assert!(combined.findings.is_empty(), "{:?}", combined.findings);
/// assert_eq!(combined.files, 3);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lint_run(files: &[PathBuf], options: &Options) -> Report {
    let mut principals = options.principals.clone();
    let mut policies = Vec::new();
    for file in files {
        if combined::is_principals(file) {
            if !principals.contains(file) {
                principals.push(file.clone());
            }
        } else {
            policies.push(file.clone());
        }
    }
    let (mut findings, errors, files) = combined::lint(&policies, &principals, options);
    findings.retain(|f| !options.is_ignored(f.code()));
    sort(&mut findings);
    Report {
        findings,
        errors,
        files,
    }
}

fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}

fn finish(mut findings: Vec<Finding>, options: &Options) -> Vec<Finding> {
    findings.retain(|f| !options.is_ignored(f.code()));
    sort(&mut findings);
    findings
}
