//! The parsed form of what users write: a policy document, mirroring IAM's JSON.

use std::fmt;

/// A position in a JSON text: 1-based line and column (column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value with the location of its first character in the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it starts.
    pub location: Location,
}

/// The `Version` of a policy document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `"1.0"`: a system role (coarse-grained; may carry `Depends`).
    V1_0,
    /// `"1.1"`: a fine-grained policy.
    V1_1,
}

impl Version {
    /// The version string.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1_0 => "1.0",
            Version::V1_1 => "1.1",
        }
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Allow"`
    Allow,
    /// `"Deny"`
    Deny,
}

impl Effect {
    /// The effect as IAM spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// `Action` or `NotAction`: a statement has exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionSpec {
    /// `Action`: the patterns the statement covers.
    Action(Vec<Spanned<String>>),
    /// `NotAction`: the statement covers every action none of these patterns match.
    NotAction(Vec<Spanned<String>>),
}

impl ActionSpec {
    /// The patterns, whichever the kind.
    pub fn patterns(&self) -> &[Spanned<String>] {
        match self {
            ActionSpec::Action(p) | ActionSpec::NotAction(p) => p,
        }
    }
}

/// A value in a `Condition` block, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionValue {
    /// A JSON string.
    String(String),
    /// A JSON number, as its source text (`1e3`, `-2`, `0.5`).
    Number(String),
    /// A JSON boolean.
    Bool(bool),
}

impl ConditionValue {
    /// The value as text: strings as they are, numbers as written, booleans as `true`/`false`.
    pub fn as_text(&self) -> &str {
        match self {
            ConditionValue::String(s) | ConditionValue::Number(s) => s,
            ConditionValue::Bool(true) => "true",
            ConditionValue::Bool(false) => "false",
        }
    }
}

/// One `"<Operator>": {"<key>": [values]}` pair of a `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionEntry {
    /// The operator as written, prefixes and `IfExists` included (`ForAnyValue:StringEqualsIfExists`).
    pub operator: Spanned<String>,
    /// The condition key as written (`g:SourceIp`).
    pub key: Spanned<String>,
    /// The values (a single value in the JSON becomes a list of one).
    pub values: Vec<Spanned<ConditionValue>>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, if any.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Spanned<Effect>,
    /// `Action` or `NotAction`.
    pub actions: ActionSpec,
    /// `Resource`, if present: the list, or the `uri` list of the agency form `{"uri": [...]}`.
    pub resource: Option<Vec<Spanned<String>>>,
    /// How `Resource` was written.
    pub resource_form: ResourceForm,
    /// The `Condition` block flattened, in document order; empty when absent.
    pub conditions: Vec<ConditionEntry>,
    /// Where the statement's `{` is.
    pub location: Location,
}

/// How a statement's `Resource` is written.
///
/// ```
/// use ims_iam::{PolicyDocument, ResourceForm};
/// let doc = PolicyDocument::parse(r#"{"Version": "1.1", "Statement": [{"Effect": "Allow",
///     "Action": ["iam:agencies:assume"], "Resource": {"uri": ["/iam/agencies/07805acaba800fdd4fbdc00b8f888c7c"]}}]}"#)?;
/// assert_eq!(doc.statements[0].resource_form, ResourceForm::Uri);
/// # Ok::<(), ims_iam::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceForm {
    /// A list of resource URNs (`["*"]`, `["ims:*:*:image:*"]`), or no `Resource` at all.
    #[default]
    List,
    /// The agency form `{"uri": ["/iam/agencies/<id>"]}`: resource paths, never "every resource" for
    /// IMS actions (IMS has no resource-level authorization, so such a statement is narrow).
    Uri,
}

/// A role's `Depends` entry: another role the role needs (advisory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDependency {
    /// `catalog`
    pub catalog: String,
    /// `display_name`
    pub display_name: String,
}

/// A parsed policy document: a bare document, or the one inside a role object or `{"role": ...}`
/// envelope, with the role's names when it had them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// `Version`.
    pub version: Version,
    /// `Statement`, in order.
    pub statements: Vec<Statement>,
    /// `Depends` (roles).
    pub depends: Vec<RoleDependency>,
    /// The role's `display_name` (or `name`) when the file was a role object.
    pub display_name: Option<String>,
}
