//! Strict reading of policy files into the model.
//!
//! The shape of a file is decided by its top-level keys: `Version` or `Statement` make it a bare
//! document; `role` a `{"role": {...}}` envelope; `policy` or a role metadata key a role object. The
//! envelope must hold `role` only; a role object may hold any metadata besides `policy`, but `name` and
//! `display_name` must be strings when present. The document itself is strict everywhere.

use super::error::{Detail, ParseError};
use super::json::{self, Member, Node, Path, Source, Value};
use super::limits::Limits;
use super::model::{
    ActionSpec, ConditionEntry, ConditionValue, Effect, Location, PolicyDocument, ResourceForm,
    RoleDependency, Spanned, Statement, Version,
};
use crate::quote::Quoted;

/// The keys of a policy document.
const DOCUMENT_FIELDS: &[&str] = &["Version", "Statement", "Depends"];
/// The keys of a statement.
const STATEMENT_FIELDS: &[&str] = &["Sid", "Effect", "Action", "NotAction", "Resource", "Condition"];
/// The keys of a `Depends` entry.
const DEPENDS_FIELDS: &[&str] = &["catalog", "display_name"];
/// The keys of the `{"role": {...}}` envelope.
const ENVELOPE_FIELDS: &[&str] = &["role"];
/// Metadata keys the IAM API returns on a role (other keys are accepted as well).
const ROLE_METADATA: &[&str] = &[
    "id",
    "name",
    "display_name",
    "type",
    "catalog",
    "flag",
    "domain_id",
    "description",
    "description_cn",
    "display_name_cn",
    "links",
    "created_time",
    "updated_time",
    "references",
];

impl PolicyDocument {
    /// Parses a policy file with the default [`Limits`]: a bare document, a role object as the IAM API
    /// returns it (document under `policy`), or the API's `{"role": {...}}` envelope.
    ///
    /// Rejected, each with its own [`ParseError::kind`] and the line and column of the offending token:
    /// invalid JSON, trailing data, duplicate keys anywhere in the file, unknown keys in the document or
    /// a statement, missing `Version`, `Statement`, `Effect` or `Action`/`NotAction`, both `Action` and
    /// `NotAction`, wrong JSON types, `Effect` other than `Allow` or `Deny` (case-sensitive), `Version`
    /// other than `1.0` or `1.1` (`5.0` is reported as unsupported), empty `Statement`, `Action`,
    /// `Resource` or value lists, empty action or resource strings, and anything over a limit.
    ///
    /// ```
    /// use ims_iam::{ActionSpec, ConditionValue, Effect, PolicyDocument, Version};
    ///
    /// let doc = PolicyDocument::parse(r#"{
    ///   "Version": "1.1",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Action": ["ims:images:get", "ims:images:list"],
    ///     "Condition": {"NumberLessThan": {"g:MFAAge": 1e3}}
    ///   }]
    /// }"#)?;
    /// assert_eq!(doc.version, Version::V1_1);
    /// let statement = &doc.statements[0];
    /// assert_eq!(statement.effect.value, Effect::Allow);
    /// assert!(matches!(statement.actions, ActionSpec::Action(_)));
    /// assert_eq!(statement.actions.patterns()[1].value, "ims:images:list");
    /// assert_eq!(statement.actions.patterns()[1].location.line, 5);
    /// assert_eq!(statement.conditions[0].values[0].value, ConditionValue::Number("1e3".into()));
    /// # Ok::<(), ims_iam::ParseError>(())
    /// ```
    pub fn parse(text: &str) -> Result<PolicyDocument, ParseError> {
        PolicyDocument::parse_with_limits(text, &Limits::default())
    }

    /// Parses a policy file like [`PolicyDocument::parse`], with the given limits. The size is checked
    /// first, then the nesting depth by a scan that builds nothing, then everything else.
    ///
    /// ```
    /// use ims_iam::Limits;
    /// use ims_iam::PolicyDocument;
    ///
    /// let deep = "[".repeat(100_000);
    /// let err = PolicyDocument::parse_with_limits(&deep, &Limits::default()).unwrap_err();
    /// assert_eq!(err.kind(), "limit_exceeded");
    /// assert_eq!(err.location().map(|l| l.column), Some(33));
    /// ```
    pub fn parse_with_limits(text: &str, limits: &Limits) -> Result<PolicyDocument, ParseError> {
        let (source, root) = prepare(text, limits)?;
        Reader {
            source: &source,
            limits,
        }
        .file(&root)
    }
}

/// Checks the size, emptiness and nesting depth of a file, then reads its JSON tree.
pub(super) fn prepare<'a>(text: &'a str, limits: &Limits) -> Result<(Source<'a>, Node<'a>), ParseError> {
    {
        if text.len() > limits.max_document_bytes {
            let max = limits.max_document_bytes;
            let detail = Detail::LimitExceeded {
                limit: "max_document_bytes",
                max,
                what: format!("the file is larger than {max} bytes"),
            };
            return Err(ParseError::new(detail, None));
        }
        if text.bytes().all(json::is_json_space) {
            return Err(ParseError::new(Detail::Empty, None));
        }
        let source = Source::new(text);
        let max_depth = limits.effective_depth();
        if let Some(offset) = json::find_too_deep(text, max_depth) {
            let detail = Detail::LimitExceeded {
                limit: "max_depth",
                max: max_depth,
                what: format!("JSON nesting is deeper than {max_depth} levels"),
            };
            return Err(source.error(detail, offset));
        }
        let root = json::read(&source, limits)?;
        Ok((source, root))
    }
}

/// Reads the tree of one file into the model.
pub(super) struct Reader<'s, 'a> {
    pub(super) source: &'s Source<'a>,
    pub(super) limits: &'s Limits,
}

impl Reader<'_, '_> {
    fn file(&self, root: &Node<'_>) -> Result<PolicyDocument, ParseError> {
        let members = self.object(root, &Path::Root, "an object (a policy document or a role)")?;
        let has = |key: &str| members.iter().any(|m| m.key == key);
        if has("Version") || has("Statement") {
            self.document(root, members, &Path::Root, None)
        } else if let Some(role) = members.iter().find(|m| m.key == "role") {
            self.envelope(members, role)
        } else if let Some(roles) = members.iter().find(|m| m.key == "roles") {
            let reason = "a list response holds one policy per role: load the file with \
                          `PolicyDocument::parse_file`"
                .to_owned();
            Err(self.invalid(&roles.value, &Path::Root.key("roles"), reason))
        } else if has("policy") || members.iter().any(|m| ROLE_METADATA.contains(&m.key.as_str())) {
            self.role(root, members, &Path::Root)
        } else {
            self.document(root, members, &Path::Root, None)
        }
    }

    fn envelope(&self, members: &[Member<'_>], role: &Member<'_>) -> Result<PolicyDocument, ParseError> {
        if let Some(other) = members.iter().find(|m| m.key != "role") {
            return Err(self.unknown(other, &Path::Root, ENVELOPE_FIELDS));
        }
        let path = Path::Root.key("role");
        let role_members = self.object(&role.value, &path, "a role object")?;
        self.role(&role.value, role_members, &path)
    }

    pub(super) fn role(
        &self,
        node: &Node<'_>,
        members: &[Member<'_>],
        path: &Path<'_>,
    ) -> Result<PolicyDocument, ParseError> {
        let mut display_name = None;
        let mut name = None;
        let mut policy = None;
        for member in members {
            match member.key.as_str() {
                "display_name" => display_name = Some(self.string(&member.value, &path.key(&member.key))?),
                "name" => name = Some(self.string(&member.value, &path.key(&member.key))?),
                "policy" => policy = Some(member),
                _ => {}
            }
        }
        let Some(policy) = policy else {
            return Err(self.missing("policy", node, path));
        };
        let policy_path = path.key("policy");
        let policy_members = self.object(&policy.value, &policy_path, "an object (the policy document)")?;
        let display_name = display_name.or(name).map(str::to_owned);
        self.document(&policy.value, policy_members, &policy_path, display_name)
    }

    pub(super) fn document(
        &self,
        node: &Node<'_>,
        members: &[Member<'_>],
        path: &Path<'_>,
        display_name: Option<String>,
    ) -> Result<PolicyDocument, ParseError> {
        // The version first: a 5.0 document is reported as such, not by the first key it does not know.
        let version = match members.iter().find(|m| m.key == "Version") {
            Some(member) => Some(self.version(&member.value, &path.key("Version"))?),
            None => None,
        };
        if let Some(member) = members
            .iter()
            .find(|m| !DOCUMENT_FIELDS.contains(&m.key.as_str()))
        {
            return Err(self.unknown(member, path, DOCUMENT_FIELDS));
        }
        let Some(version) = version else {
            return Err(self.missing("Version", node, path));
        };
        let mut statements = None;
        let mut depends = Vec::new();
        for member in members {
            let member_path = path.key(&member.key);
            match member.key.as_str() {
                "Statement" => statements = Some(self.statements(&member.value, &member_path)?),
                "Depends" => depends = self.depends(&member.value, &member_path)?,
                _ => {}
            }
        }
        let Some(statements) = statements else {
            return Err(self.missing("Statement", node, path));
        };
        Ok(PolicyDocument {
            version,
            statements,
            depends,
            display_name,
        })
    }

    /// The `{"uri": [...]}` form of `Resource`: exactly one key, `uri`; returns its list.
    fn uri_list<'n>(
        &self,
        node: &'n Node<'_>,
        members: &'n [Member<'_>],
        path: &Path<'_>,
    ) -> Result<&'n Node<'n>, ParseError> {
        if let Some(other) = members.iter().find(|m| m.key != "uri") {
            return Err(self.unknown(other, path, &["uri"]));
        }
        match members.first() {
            Some(uri) => Ok(&uri.value),
            None => Err(self.missing("uri", node, path)),
        }
    }

    fn version(&self, node: &Node<'_>, path: &Path<'_>) -> Result<Version, ParseError> {
        match self.string(node, path)? {
            "1.0" => Ok(Version::V1_0),
            "1.1" => Ok(Version::V1_1),
            "5.0" => Err(self.source.error(
                Detail::UnsupportedVersion {
                    version: "5.0".to_owned(),
                },
                node.offset,
            )),
            other => Err(self.invalid(
                node,
                path,
                format!("expected `1.0` or `1.1`, found {}", Quoted(other)),
            )),
        }
    }

    fn statements(&self, node: &Node<'_>, path: &Path<'_>) -> Result<Vec<Statement>, ParseError> {
        let items = self.array(node, path, "an array of statements")?;
        if items.is_empty() {
            return Err(self.invalid(node, path, "the statement list is empty".to_owned()));
        }
        self.check_count(
            items,
            self.limits.max_statements,
            "max_statements",
            "statements in `Statement`",
        )?;
        let mut statements = Vec::with_capacity(items.len());
        let (mut actions, mut conditions) = (0, 0);
        for (i, item) in items.iter().enumerate() {
            let statement = self.statement(item, &path.index(i))?;
            let patterns = statement.actions.patterns();
            actions = per_document(
                actions,
                patterns.iter().map(|p| p.location),
                self.limits.max_actions_per_document,
                "max_actions_per_document",
                "action patterns in the document",
            )?;
            conditions = per_document(
                conditions,
                statement.conditions.iter().map(|c| c.key.location),
                self.limits.max_conditions_per_document,
                "max_conditions_per_document",
                "condition keys in the document",
            )?;
            statements.push(statement);
        }
        Ok(statements)
    }

    fn statement(&self, node: &Node<'_>, path: &Path<'_>) -> Result<Statement, ParseError> {
        let members = self.object(node, path, "an object (a statement)")?;
        let mut sid = None;
        let mut effect = None;
        let mut actions = None;
        let mut resource = None;
        let mut resource_form = ResourceForm::List;
        let mut conditions = Vec::new();
        for member in members {
            let member_path = path.key(&member.key);
            match member.key.as_str() {
                "Sid" => sid = Some(self.string(&member.value, &member_path)?.to_owned()),
                "Effect" => effect = Some(self.effect(&member.value, &member_path)?),
                "Action" | "NotAction" => {
                    if actions.is_some() {
                        let detail = Detail::ActionAndNotAction {
                            path: path.to_string(),
                        };
                        return Err(self.source.error(detail, member.key_offset));
                    }
                    let patterns = self.patterns(
                        &member.value,
                        &member_path,
                        self.limits.max_actions_per_statement,
                        "max_actions_per_statement",
                    )?;
                    actions = Some(if member.key == "Action" {
                        ActionSpec::Action(patterns)
                    } else {
                        ActionSpec::NotAction(patterns)
                    });
                }
                "Resource" => {
                    // Agency policies write `{"uri": [...]}` (IAM API reference, custom agency policies).
                    let (node, list_path, form) = match &member.value.value {
                        Value::Object(members) => (
                            self.uri_list(&member.value, members, &member_path)?,
                            member_path.key("uri"),
                            ResourceForm::Uri,
                        ),
                        _ => (&member.value, member_path, ResourceForm::List),
                    };
                    resource_form = form;
                    resource = Some(self.patterns(
                        node,
                        &list_path,
                        self.limits.max_resources_per_statement,
                        "max_resources_per_statement",
                    )?);
                }
                "Condition" => conditions = self.conditions(&member.value, &member_path)?,
                _ => return Err(self.unknown(member, path, STATEMENT_FIELDS)),
            }
        }
        let Some(effect) = effect else {
            return Err(self.missing("Effect", node, path));
        };
        let Some(actions) = actions else {
            return Err(self.source.error(
                Detail::MissingAction {
                    path: path.to_string(),
                },
                node.offset,
            ));
        };
        let location = self.source.location(node.offset);
        Ok(Statement {
            sid,
            effect,
            actions,
            resource,
            resource_form,
            conditions,
            location,
        })
    }

    fn effect(&self, node: &Node<'_>, path: &Path<'_>) -> Result<Spanned<Effect>, ParseError> {
        let value = match self.string(node, path)? {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            other => {
                let hint = if other.eq_ignore_ascii_case("allow") || other.eq_ignore_ascii_case("deny") {
                    " (the effect is case-sensitive)"
                } else {
                    ""
                };
                let reason = format!("expected `Allow` or `Deny`, found {}{hint}", Quoted(other));
                return Err(self.invalid(node, path, reason));
            }
        };
        Ok(self.spanned(value, node))
    }

    /// `Action`, `NotAction`, `Resource`: a non-empty string or a non-empty array of them.
    fn patterns(
        &self,
        node: &Node<'_>,
        path: &Path<'_>,
        max: usize,
        limit: &'static str,
    ) -> Result<Vec<Spanned<String>>, ParseError> {
        const EXPECTED: &str = "a string or an array of strings";
        let one = |item: &Node<'_>, path: &Path<'_>| -> Result<Spanned<String>, ParseError> {
            match &item.value {
                Value::String(s) if s.is_empty() => {
                    Err(self.invalid(item, path, "the string is empty".to_owned()))
                }
                Value::String(s) => Ok(self.spanned(s.clone(), item)),
                other => Err(self.invalid_type(item, path, EXPECTED, other)),
            }
        };
        match &node.value {
            Value::String(_) => Ok(vec![one(node, path)?]),
            Value::Array(items) => {
                if items.is_empty() {
                    return Err(self.invalid(node, path, "the list is empty".to_owned()));
                }
                self.check_count(items, max, limit, "entries in one list")?;
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| one(item, &path.index(i)))
                    .collect()
            }
            other => Err(self.invalid_type(node, path, EXPECTED, other)),
        }
    }

    fn conditions(&self, node: &Node<'_>, path: &Path<'_>) -> Result<Vec<ConditionEntry>, ParseError> {
        let operators = self.object(node, path, "an object of condition operators")?;
        let max = self.limits.max_conditions_per_statement;
        let mut entries = Vec::new();
        for operator in operators {
            let operator_path = path.key(&operator.key);
            let keys = self.object(&operator.value, &operator_path, "an object of condition keys")?;
            if keys.is_empty() {
                let reason = format!("the operator {} has no condition keys", Quoted(&operator.key));
                return Err(self.invalid(&operator.value, &operator_path, reason));
            }
            for key in keys {
                if entries.len() == max {
                    return Err(self.source.error(
                        Detail::LimitExceeded {
                            limit: "max_conditions_per_statement",
                            max,
                            what: format!("more than {max} condition keys in one statement"),
                        },
                        key.key_offset,
                    ));
                }
                let key_path = operator_path.key(&key.key);
                entries.push(ConditionEntry {
                    operator: Spanned {
                        value: operator.key.clone(),
                        location: self.source.location(operator.key_offset),
                    },
                    key: Spanned {
                        value: key.key.clone(),
                        location: self.source.location(key.key_offset),
                    },
                    values: self.condition_values(&key.value, &key_path)?,
                });
            }
        }
        Ok(entries)
    }

    fn condition_values(
        &self,
        node: &Node<'_>,
        path: &Path<'_>,
    ) -> Result<Vec<Spanned<ConditionValue>>, ParseError> {
        const EXPECTED: &str = "a string, a number, a boolean or an array of them";
        let one = |item: &Node<'_>, path: &Path<'_>| -> Result<Spanned<ConditionValue>, ParseError> {
            let value = match &item.value {
                Value::String(s) => ConditionValue::String(s.clone()),
                Value::Number(n) => ConditionValue::Number((*n).to_owned()),
                Value::Bool(b) => ConditionValue::Bool(*b),
                other => return Err(self.invalid_type(item, path, "a string, a number or a boolean", other)),
            };
            Ok(self.spanned(value, item))
        };
        match &node.value {
            Value::Array(items) => {
                if items.is_empty() {
                    return Err(self.invalid(node, path, "the value list is empty".to_owned()));
                }
                self.check_count(
                    items,
                    self.limits.max_values_per_condition,
                    "max_values_per_condition",
                    "values under one condition key",
                )?;
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| one(item, &path.index(i)))
                    .collect()
            }
            Value::Object(_) | Value::Null => Err(self.invalid_type(node, path, EXPECTED, &node.value)),
            _ => Ok(vec![one(node, path)?]),
        }
    }

    fn depends(&self, node: &Node<'_>, path: &Path<'_>) -> Result<Vec<RoleDependency>, ParseError> {
        let items = self.array(node, path, "an array of `{catalog, display_name}` objects")?;
        self.check_count(
            items,
            self.limits.max_depends,
            "max_depends",
            "entries in `Depends`",
        )?;
        let mut depends = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = path.index(i);
            let members = self.object(item, &item_path, "an object with `catalog` and `display_name`")?;
            let mut catalog = None;
            let mut display_name = None;
            for member in members {
                let member_path = item_path.key(&member.key);
                match member.key.as_str() {
                    "catalog" => catalog = Some(self.string(&member.value, &member_path)?),
                    "display_name" => display_name = Some(self.string(&member.value, &member_path)?),
                    _ => return Err(self.unknown(member, &item_path, DEPENDS_FIELDS)),
                }
            }
            let Some(catalog) = catalog else {
                return Err(self.missing("catalog", item, &item_path));
            };
            let Some(display_name) = display_name else {
                return Err(self.missing("display_name", item, &item_path));
            };
            depends.push(RoleDependency {
                catalog: catalog.to_owned(),
                display_name: display_name.to_owned(),
            });
        }
        Ok(depends)
    }

    fn spanned<T>(&self, value: T, node: &Node<'_>) -> Spanned<T> {
        Spanned {
            value,
            location: self.source.location(node.offset),
        }
    }

    pub(super) fn object<'n, 'a>(
        &self,
        node: &'n Node<'a>,
        path: &Path<'_>,
        expected: &'static str,
    ) -> Result<&'n [Member<'a>], ParseError> {
        match &node.value {
            Value::Object(members) => Ok(members),
            other => Err(self.invalid_type(node, path, expected, other)),
        }
    }

    pub(super) fn array<'n, 'a>(
        &self,
        node: &'n Node<'a>,
        path: &Path<'_>,
        expected: &'static str,
    ) -> Result<&'n [Node<'a>], ParseError> {
        match &node.value {
            Value::Array(items) => Ok(items),
            other => Err(self.invalid_type(node, path, expected, other)),
        }
    }

    pub(super) fn string<'n>(&self, node: &'n Node<'_>, path: &Path<'_>) -> Result<&'n str, ParseError> {
        match &node.value {
            Value::String(s) => Ok(s),
            other => Err(self.invalid_type(node, path, "a string", other)),
        }
    }

    /// Fails at the first item past `max`.
    fn check_count(
        &self,
        items: &[Node<'_>],
        max: usize,
        limit: &'static str,
        what: &str,
    ) -> Result<(), ParseError> {
        match items.get(max) {
            Some(extra) => Err(self.source.error(
                Detail::LimitExceeded {
                    limit,
                    max,
                    what: format!("more than {max} {what}"),
                },
                extra.offset,
            )),
            None => Ok(()),
        }
    }

    fn invalid_type(
        &self,
        node: &Node<'_>,
        path: &Path<'_>,
        expected: &'static str,
        found: &Value<'_>,
    ) -> ParseError {
        let detail = Detail::InvalidType {
            path: path.to_string(),
            expected,
            found: found.type_name(),
        };
        self.source.error(detail, node.offset)
    }

    pub(super) fn invalid(&self, node: &Node<'_>, path: &Path<'_>, reason: String) -> ParseError {
        self.source.error(
            Detail::InvalidValue {
                path: path.to_string(),
                reason,
            },
            node.offset,
        )
    }

    /// A required field is absent: reported at the `{` of the object that lacks it.
    pub(super) fn missing(&self, field: &'static str, node: &Node<'_>, path: &Path<'_>) -> ParseError {
        self.source.error(
            Detail::MissingField {
                field,
                path: path.to_string(),
            },
            node.offset,
        )
    }

    pub(super) fn unknown(
        &self,
        member: &Member<'_>,
        path: &Path<'_>,
        expected: &'static [&'static str],
    ) -> ParseError {
        let detail = Detail::UnknownField {
            field: member.key.clone(),
            path: path.to_string(),
            expected,
        };
        self.source.error(detail, member.key_offset)
    }
}

/// Adds a statement's items to a document-wide count; fails at the first item past `max`.
fn per_document(
    count: usize,
    mut items: impl ExactSizeIterator<Item = Location>,
    max: usize,
    limit: &'static str,
    what: &str,
) -> Result<usize, ParseError> {
    let total = count + items.len();
    if total <= max {
        return Ok(total);
    }
    let location = items.nth(max.saturating_sub(count));
    let detail = Detail::LimitExceeded {
        limit,
        max,
        what: format!("more than {max} {what}"),
    };
    Err(ParseError::new(detail, location))
}
