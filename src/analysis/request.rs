//! Witnesses: complete requests that reproduce an answer with `ims-iam authorize`.

use std::fmt;

use crate::matrix::{Method, Operation, Situation};

/// A concrete request: method, a target with valid ids, project, enterprise project, situations and
/// condition-key values. Every witness the analysis prints has been decided again by the evaluator.
///
/// ```
/// use ims_iam::analysis::access;
/// use ims_iam::{Policy, Scope};
/// let p = Policy::parse("p.json", Scope::Global,
///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list"],
///        "Condition":{"Bool":{"g:MFAPresent":["true"]}}}]}"#).unwrap();
/// let report = access(&[p]).unwrap();
/// let row = report.rows().iter().find(|r| r.operation().template() == "/v2/cloudimages").unwrap();
/// let example = row.allow_example().unwrap();
/// assert_eq!(example.context(), [("g:MFAPresent".to_owned(), "true".to_owned())]);
/// assert!(example.command_line().starts_with("ims-iam authorize"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) target: String,
    /// The `{project_id}` of the target, if the template has one.
    pub(crate) path_project: Option<String>,
    /// The project given besides the target (templates without `{project_id}`).
    pub(crate) project: Option<String>,
    pub(crate) enterprise_project: Option<String>,
    pub(crate) situations: Vec<Situation>,
    pub(crate) context: Vec<(String, String)>,
}

/// An image id for witness targets.
const IMAGE: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
/// A member id for witness targets.
const MEMBER: &str = "fedcba9876543210fedcba9876543210";

impl Request {
    /// A request for `operation` in `project` (put in the path when the template has `{project_id}`).
    pub(crate) fn new(
        operation: &Operation,
        project: Option<&str>,
        enterprise_project: Option<&str>,
        situations: Vec<Situation>,
    ) -> Request {
        let has_path_project = operation.template().contains("{project_id}");
        let target = operation
            .template()
            .replace("{image_id}", IMAGE)
            .replace("{member_id}", MEMBER)
            .replace("{project_id}", project.unwrap_or(""))
            .replace("{tag}", "env")
            .replace("{key}", "env");
        Request {
            method: operation.method(),
            target,
            path_project: if has_path_project {
                project.map(str::to_owned)
            } else {
                None
            },
            project: if has_path_project {
                None
            } else {
                project.map(str::to_owned)
            },
            enterprise_project: enterprise_project.map(str::to_owned),
            situations,
            context: Vec::new(),
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }
    /// The request-target.
    pub fn target(&self) -> &str {
        &self.target
    }
    /// The request's IAM project (the path's `{project_id}` or the one given besides), if known.
    pub fn project(&self) -> Option<&str> {
        self.path_project.as_deref().or(self.project.as_deref())
    }
    /// The enterprise project of the resource, if known.
    pub fn enterprise_project(&self) -> Option<&str> {
        self.enterprise_project.as_deref()
    }
    /// The situations that hold.
    pub fn situations(&self) -> &[Situation] {
        &self.situations
    }
    /// The condition-key values, in order (a key given twice is multi-valued).
    pub fn context(&self) -> &[(String, String)] {
        &self.context
    }

    /// The `ims-iam authorize` arguments that reproduce the request (shell-quoted where needed).
    pub fn command_line(&self) -> String {
        let mut out = String::from("ims-iam authorize");
        if let Some(p) = &self.project {
            out.push_str(&format!(" --project {}", quote(p)));
        }
        if let Some(e) = &self.enterprise_project {
            out.push_str(&format!(" --enterprise-project {}", quote(e)));
        }
        for s in &self.situations {
            out.push_str(&format!(" --situation {s}"));
        }
        for (k, v) in &self.context {
            out.push_str(&format!(" --context {}", quote(&format!("{k}={v}"))));
        }
        out.push_str(&format!(" {} {}", self.method.as_str(), quote(&self.target)));
        out
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.target)?;
        if let Some(p) = &self.project {
            write!(f, " project={p}")?;
        }
        if let Some(e) = &self.enterprise_project {
            write!(f, " enterprise-project={e}")?;
        }
        for s in &self.situations {
            write!(f, " situation={s}")?;
        }
        for (k, v) in &self.context {
            write!(f, " {k}={v:?}")?;
        }
        Ok(())
    }
}

/// Quotes a shell word unless it is made of safe characters only.
fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
