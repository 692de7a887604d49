//! What the rules look at (the parsed document and what each statement covers) and where they report.

use crate::compile::wildcard::{Case, Pattern};
use crate::compile::{ActionSet, covered_actions, resource_covers_all};
use crate::matrix::ActionId;
use crate::policy::{ActionSpec, Effect, Location, PolicyDocument, ResourceForm, Statement};

use super::Options;
use super::finding::Finding;
use super::rule::Rule;
use super::severity::Severity;

/// A parsed document with what each of its statements covers.
pub(super) struct Ctx<'a> {
    pub(super) text: &'a str,
    pub(super) doc: &'a PolicyDocument,
    pub(super) options: &'a Options,
    pub(super) statements: Vec<Info<'a>>,
    /// The other policies a caller of this one gets (a principals file's group or user): the grant rules
    /// (IMS050, IMS051) judge the combined grant. Empty when the file is judged alone.
    pub(super) others: &'a [Ctx<'a>],
    /// Judged as the grant of a principals file's group or user (even when it gets nothing else).
    combined: bool,
}

/// One statement and what it covers.
pub(super) struct Info<'a> {
    pub(super) index: usize,
    pub(super) statement: &'a Statement,
    /// The IMS actions it covers (after `NotAction` inversion).
    pub(super) actions: ActionSet,
    /// `Resource` is absent or covers every resource.
    pub(super) all_resources: bool,
}

impl<'a> Info<'a> {
    pub(super) fn effect(&self) -> Effect {
        self.statement.effect.value
    }
    pub(super) fn is_allow(&self) -> bool {
        self.effect() == Effect::Allow
    }
    pub(super) fn is_deny(&self) -> bool {
        self.effect() == Effect::Deny
    }
    pub(super) fn unconditional(&self) -> bool {
        self.statement.conditions.is_empty()
    }
    pub(super) fn not_action(&self) -> bool {
        matches!(self.statement.actions, ActionSpec::NotAction(_))
    }
    /// Where the statement's `Effect` value is: statement-level findings point there.
    pub(super) fn at(&self) -> Location {
        self.statement.effect.location
    }
    /// `statement 2` or ``statement 2 (`Sid`)``.
    pub(super) fn name(&self) -> String {
        match &self.statement.sid {
            Some(sid) => format!("statement {} (`{sid}`)", self.index),
            None => format!("statement {}", self.index),
        }
    }
    /// Where the first `Action` pattern matching `action` is, else the `Effect` value.
    pub(super) fn pattern_for(&self, action: &str) -> Location {
        match &self.statement.actions {
            ActionSpec::Action(patterns) => patterns
                .iter()
                .find(|p| Pattern::new(&p.value, Case::AsciiInsensitive).matches(action))
                .map_or(self.at(), |p| p.location),
            ActionSpec::NotAction(_) => self.at(),
        }
    }
}

impl<'a> Ctx<'a> {
    pub(super) fn new(text: &'a str, doc: &'a PolicyDocument, options: &'a Options) -> Ctx<'a> {
        let statements = doc
            .statements
            .iter()
            .enumerate()
            .map(|(index, statement)| {
                let (patterns, negated) = match &statement.actions {
                    ActionSpec::Action(p) => (p, false),
                    ActionSpec::NotAction(p) => (p, true),
                };
                Info {
                    index,
                    statement,
                    actions: covered_actions(patterns.iter().map(|p| p.value.as_str()), negated),
                    all_resources: statement.resource_form != ResourceForm::Uri
                        && statement
                            .resource
                            .as_ref()
                            .is_none_or(|r| r.iter().any(|r| resource_covers_all(&r.value))),
                }
            })
            .collect();
        Ctx {
            text,
            doc,
            options,
            statements,
            others: &[],
            combined: false,
        }
    }

    /// The same document judged together with the other policies a caller gets.
    pub(super) fn with_others(mut self, others: &'a [Ctx<'a>]) -> Ctx<'a> {
        self.others = others;
        self.combined = true;
        self
    }

    /// The IMS actions that some Allow statement of this policy or of the others covers.
    pub(super) fn combined_allowed(&self) -> ActionSet {
        self.combined(|s| s.is_allow())
    }

    /// The IMS actions that some Deny statement of this policy or of the others covers.
    pub(super) fn combined_denied(&self) -> ActionSet {
        self.combined(|s| s.is_deny())
    }

    /// The union over this policy and the others of the statements that `keep` selects.
    pub(super) fn combined(&self, keep: impl Fn(&Info<'_>) -> bool) -> ActionSet {
        let mut set = self.union(&keep);
        for other in self.others {
            set.union(other.union(&keep));
        }
        set
    }

    /// How messages name the grant judged: `this policy`, or `the caller's policies` for a group or user.
    pub(super) fn grant_name(&self) -> &'static str {
        if !self.combined {
            "this policy"
        } else {
            "the caller's policies"
        }
    }

    /// Every statement of this policy and of the others.
    pub(super) fn combined_statements(&self) -> impl Iterator<Item = &Info<'a>> {
        self.statements
            .iter()
            .chain(self.others.iter().flat_map(|o| o.statements.iter()))
    }

    /// The first Allow statement that covers the action: where a finding about granting it points.
    pub(super) fn first_allow_of(&self, action: ActionId) -> Option<&Info<'a>> {
        self.statements
            .iter()
            .find(|s| s.is_allow() && s.actions.contains(action))
    }

    pub(super) fn union(&self, keep: impl Fn(&Info<'_>) -> bool) -> ActionSet {
        let mut set = ActionSet::default();
        for s in self.statements.iter().filter(|s| keep(s)) {
            set.union(s.actions);
        }
        set
    }
}

/// Collects the findings of one file.
pub(super) struct Sink<'a> {
    file: &'a str,
    lines: Vec<&'a str>,
    sids: Vec<Option<String>>,
    pub(super) findings: Vec<Finding>,
}

impl<'a> Sink<'a> {
    pub(super) fn new(file: &'a str, text: &'a str) -> Sink<'a> {
        Sink {
            file,
            lines: text.lines().collect(),
            sids: Vec::new(),
            findings: Vec::new(),
        }
    }

    pub(super) fn set_sids(&mut self, doc: &PolicyDocument) {
        self.sids = doc.statements.iter().map(|s| s.sid.clone()).collect();
    }

    /// Records a finding of `rule` at `at` (about statement `statement`, if any).
    pub(super) fn push(
        &mut self,
        rule: &'static Rule,
        at: Location,
        statement: Option<usize>,
        message: String,
    ) {
        self.push_with(rule, rule.severity(), at, statement, message);
    }

    /// [`Sink::push`] with a severity other than the rule's.
    pub(super) fn push_with(
        &mut self,
        rule: &'static Rule,
        severity: Severity,
        at: Location,
        statement: Option<usize>,
        message: String,
    ) {
        let line = at.line.max(1);
        let column = at.column.max(1);
        let source_line = self
            .lines
            .get(line - 1)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .unwrap_or_default()
            .to_owned();
        let sid = statement.and_then(|i| self.sids.get(i).cloned().flatten());
        self.findings.push(Finding {
            file: self.file.to_owned(),
            line,
            column,
            rule,
            severity,
            message,
            statement,
            sid,
            source_line,
        });
    }
}

/// The service part of an action pattern (before the first `:`).
pub(super) fn service(pattern: &str) -> &str {
    pattern.split(':').next().unwrap_or(pattern)
}

/// Whether a pattern has a wildcard.
pub(super) fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Whether every action that pattern `narrow` matches is matched by pattern `wide` (a sufficient
/// test, not a complete one: when it says yes, it is right). Both are matched without regard to
/// ASCII case.
pub(super) fn pattern_covers(wide: &str, narrow: &str) -> bool {
    let matcher = Pattern::new(wide, Case::AsciiInsensitive);
    if !has_wildcard(narrow) || !wide.contains('?') {
        // `wide` matched against `narrow`'s text: each wildcard of `narrow` falls inside a `*` of `wide`
        // (a literal character of `wide` cannot match `*` or `?`), so every expansion of `narrow` is
        // matched too.
        matcher.matches(narrow)
    } else {
        wide.eq_ignore_ascii_case(narrow)
    }
}

/// The closest candidate to `input` by edit distance (compared in lowercase), if it is close enough to
/// be a likely typo.
pub(super) fn did_you_mean<'c>(
    input: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let input = input.to_ascii_lowercase();
    let limit = (input.chars().count() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&input, &c.to_ascii_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}
