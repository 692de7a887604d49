//! What decision tests exercised: operations, statements and conditions (`ims-iam test --coverage`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::Cloud;
use crate::eval::{Explanation, StatementOutcome, TraceEvent, TraceSink};
use crate::policy::PolicyDocument;

use super::TestReport;

/// A statement, by its policy's name (as decisions cite it) and 0-based index.
type StatementKey = (String, usize);
/// A condition: a statement and one `(operator, key)` entry of its `Condition`.
type ConditionKey = (String, usize, String, String);

/// What the cases of one file exercised, and what they could have exercised.
#[derive(Debug, Clone, Default)]
pub(crate) struct Exercised {
    /// Every statement of every policy the cases used, with its conditions.
    statements: BTreeMap<StatementKey, Vec<(String, String)>>,
    /// The operations the cases' requests routed to, as `METHOD template`.
    operations: BTreeSet<String>,
    /// The statements that covered a required action of a case's request.
    considered: BTreeSet<StatementKey>,
    /// Conditions seen holding (the statement applied) and failing (named as the failing one).
    held: BTreeSet<ConditionKey>,
    failed: BTreeSet<ConditionKey>,
}

impl Exercised {
    /// Adds a policy the cases use.
    pub(crate) fn add_policy(&mut self, name: &str, document: &PolicyDocument) {
        for (i, s) in document.statements.iter().enumerate() {
            let conditions = s
                .conditions
                .iter()
                .map(|c| (c.operator.value.clone(), c.key.value.clone()))
                .collect();
            self.statements.insert((name.to_owned(), i), conditions);
        }
    }
}

/// A trace sink that builds the case's [`Explanation`] and records what it exercised.
pub(crate) struct Recorder<'a> {
    pub(crate) explanation: Explanation,
    pub(crate) exercised: &'a mut Exercised,
}

impl TraceSink for Recorder<'_> {
    fn event(&mut self, event: TraceEvent<'_>) {
        match event {
            TraceEvent::Operation(op) => {
                self.exercised.operations.insert(op.to_string());
            }
            TraceEvent::Statement {
                statement,
                outcome,
                condition,
                ..
            } => {
                let key = (statement.policy.to_owned(), statement.statement);
                match (outcome, condition) {
                    (StatementOutcome::Applies, _) => {
                        for (op, k) in self.exercised.statements.get(&key).into_iter().flatten() {
                            self.exercised
                                .held
                                .insert((key.0.clone(), key.1, op.clone(), k.clone()));
                        }
                    }
                    (
                        StatementOutcome::ConditionFails | StatementOutcome::Unevaluable { .. },
                        Some((op, k, _)),
                    ) => {
                        self.exercised
                            .failed
                            .insert((key.0.clone(), key.1, op.to_owned(), k.to_owned()));
                    }
                    _ => {}
                }
                self.exercised.considered.insert(key);
            }
            _ => {}
        }
        self.explanation.event(event);
    }
}

/// Coverage of a run of decision tests, over every file added ([`Coverage::add`]).
///
/// - **operations**: the rows of the permission table (the cloud profile's, `METHOD template`) that
///   some case's request routes to;
/// - **statements**: the statements of the policies the cases use (by policy name and index) that
///   some case *considered*: the statement covered a required action of the request and its policy
///   was in scope, whether or not its conditions held (they appear in the explanation);
/// - **conditions**: each `(operator, key)` entry of a considered statement's `Condition`, covered
///   when some case saw it **hold** (the statement applied, so all its conditions held) and some case
///   saw it **fail** (it is the condition the explanation names as failing or unevaluable). A
///   condition seen only one way counts as evaluated, not covered.
///
/// A kind with nothing to cover (no conditions) counts as 100%.
///
/// ```
/// use ims_iam::Cloud;
/// use ims_iam::testing::{Coverage, run_str};
/// let report = run_str(r#"{
///   "policies": [{"name": "office", "document": {"Version": "1.1", "Statement": [
///     {"Effect": "Allow", "Action": ["ims:images:list"],
///      "Condition": {"IpAddress": {"g:SourceIp": ["10.0.0.0/8"]}}}]}}],
///   "cases": [
///     {"name": "in", "method": "GET", "target": "/v2/cloudimages", "context": {"g:SourceIp": "10.1.2.3"}, "expect": "allow"},
///     {"name": "out", "method": "GET", "target": "/v2/cloudimages", "context": {"g:SourceIp": "192.0.2.1"}, "expect": "implicit_deny"}
///   ]}"#, std::path::Path::new("."), "office").unwrap();
/// let mut coverage = Coverage::new(Cloud::Otc);
/// coverage.add(&report);
/// assert_eq!(coverage.statements(), (1, 1));
/// assert_eq!(coverage.conditions(), (1, 1, 1));
/// assert_eq!(coverage.operations().0, 1);
/// assert!(coverage.meets(100.0) == false && coverage.meets(0.5));
/// ```
#[derive(Debug, Clone)]
pub struct Coverage {
    cloud: Cloud,
    all: Exercised,
}

/// `covered / total` as a percentage (100 when there is nothing to cover).
fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        // Counts are far below 2^52: exact as f64.
        #[allow(clippy::cast_precision_loss)]
        let p = covered as f64 * 100.0 / total as f64;
        p
    }
}

impl Coverage {
    /// Empty coverage; operations are those of `cloud`'s permission table.
    pub fn new(cloud: Cloud) -> Coverage {
        Coverage {
            cloud,
            all: Exercised::default(),
        }
    }

    /// Adds what one file's cases exercised.
    pub fn add(&mut self, report: &TestReport) {
        let e = &report.exercised;
        for (k, v) in &e.statements {
            self.all.statements.entry(k.clone()).or_insert_with(|| v.clone());
        }
        self.all.operations.extend(e.operations.iter().cloned());
        self.all.considered.extend(e.considered.iter().cloned());
        self.all.held.extend(e.held.iter().cloned());
        self.all.failed.extend(e.failed.iter().cloned());
    }

    fn all_conditions(&self) -> impl Iterator<Item = ConditionKey> + '_ {
        self.all.statements.iter().flat_map(|((p, i), conditions)| {
            conditions
                .iter()
                .map(move |(op, k)| (p.clone(), *i, op.clone(), k.clone()))
        })
    }

    /// `(covered, total)` operations.
    pub fn operations(&self) -> (usize, usize) {
        let rows = self.cloud.operations();
        let covered = rows
            .iter()
            .filter(|op| self.all.operations.contains(&op.to_string()))
            .count();
        (covered, rows.len())
    }

    /// `(considered, total)` statements.
    pub fn statements(&self) -> (usize, usize) {
        let covered = self
            .all
            .statements
            .keys()
            .filter(|k| self.all.considered.contains(*k))
            .count();
        (covered, self.all.statements.len())
    }

    /// `(covered both ways, evaluated at least once, total)` conditions.
    pub fn conditions(&self) -> (usize, usize, usize) {
        let (mut both, mut once, mut total) = (0, 0, 0);
        for c in self.all_conditions() {
            total += 1;
            let (held, failed) = (self.all.held.contains(&c), self.all.failed.contains(&c));
            both += usize::from(held && failed);
            once += usize::from(held || failed);
        }
        (both, once, total)
    }

    /// Whether each of the three percentages (operations, statements, conditions covered both ways)
    /// is at least `threshold`.
    pub fn meets(&self, threshold: f64) -> bool {
        let (o, ot) = self.operations();
        let (s, st) = self.statements();
        let (c, _, ct) = self.conditions();
        [percent(o, ot), percent(s, st), percent(c, ct)]
            .iter()
            .all(|p| *p >= threshold)
    }
}

/// The summary and the uncovered items, one per line.
impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (o, ot) = self.operations();
        let (s, st) = self.statements();
        let (c, once, ct) = self.conditions();
        writeln!(f, "coverage:")?;
        writeln!(f, "  operations: {o}/{ot} ({:.1}%)", percent(o, ot))?;
        writeln!(f, "  statements: {s}/{st} ({:.1}%)", percent(s, st))?;
        writeln!(
            f,
            "  conditions: {c}/{ct} both ways ({:.1}%), {once}/{ct} at least once",
            percent(c, ct)
        )?;
        for op in self.cloud.operations() {
            if !self.all.operations.contains(&op.to_string()) {
                writeln!(f, "  uncovered operation: {op}")?;
            }
        }
        for (p, i) in self.all.statements.keys() {
            if !self.all.considered.contains(&(p.clone(), *i)) {
                writeln!(f, "  uncovered statement: {p} statement {i}")?;
            }
        }
        for c in self.all_conditions() {
            let (held, failed) = (self.all.held.contains(&c), self.all.failed.contains(&c));
            let what = match (held, failed) {
                (true, true) => continue,
                (true, false) => "never failed",
                (false, true) => "never held",
                (false, false) => "never evaluated",
            };
            writeln!(
                f,
                "  uncovered condition: {} statement {}: {} on {} ({what})",
                c.0, c.1, c.2, c.3
            )?;
        }
        Ok(())
    }
}
