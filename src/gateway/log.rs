//! Decision logs: one `tracing` event per decision, written only when that event is enabled.

use std::fmt;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::decision_id::DecisionId;
use crate::eval::Decision;
use crate::matrix::Operation;
use crate::principals::Caller;

/// The `tracing` target of decision records.
pub const DECISION_TARGET: &str = "ims_iam::decision";

/// Whether decision records are written (then decisions are explained, to name the deciding
/// statements).
pub(super) fn enabled() -> bool {
    tracing::enabled!(target: DECISION_TARGET, tracing::Level::INFO)
}

/// What one record of the decision log says (see the module docs). Borrowed: building one allocates
/// nothing; only writing it does.
pub(super) struct Record<'a> {
    pub(super) time: OffsetDateTime,
    pub(super) decision_id: DecisionId,
    pub(super) enforced: bool,
    pub(super) request_id: Option<&'a str>,
    pub(super) principal: Option<&'a str>,
    pub(super) caller: Option<&'a Caller<'a>>,
    pub(super) method: &'a str,
    pub(super) request_target: Option<&'a str>,
    pub(super) operation: Option<&'static Operation>,
    pub(super) decision: Option<Decision>,
    pub(super) status: u16,
    pub(super) error_code: Option<&'static str>,
    pub(super) error_kind: Option<&'static str>,
    pub(super) deciding: Option<String>,
    pub(super) revision: u64,
    pub(super) source_ip: Option<&'a str>,
    pub(super) project: Option<&'a str>,
}

impl<'a> Record<'a> {
    pub(super) fn new(time: OffsetDateTime, method: &'a str, revision: u64, enforced: bool) -> Record<'a> {
        Record {
            time,
            decision_id: DecisionId::next(),
            enforced,
            request_id: None,
            principal: None,
            caller: None,
            method,
            request_target: None,
            operation: None,
            decision: None,
            status: 200,
            error_code: None,
            error_kind: None,
            deciding: None,
            revision,
            source_ip: None,
            project: None,
        }
    }
}

/// The caller's effective groups, comma-separated.
struct GroupList<'a>(Option<&'a Caller<'a>>);

impl fmt::Display for GroupList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(caller) = self.0 else { return Ok(()) };
        for (i, g) in caller.groups().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(g)?;
        }
        Ok(())
    }
}

/// The request's `X-Request-Id`, or the decision id when it has none: every record and error body
/// then has a request id to correlate.
struct RequestId<'r, 'a>(&'r Record<'a>);

impl fmt::Display for RequestId<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.request_id {
            Some(id) => f.write_str(id),
            None => write!(f, "{}", self.0.decision_id),
        }
    }
}

/// Writes the record, if decision records are enabled.
pub(super) fn emit(r: &Record<'_>) {
    if !enabled() {
        return;
    }
    let time = r.time.format(&Rfc3339).unwrap_or_default();
    tracing::info!(
        target: DECISION_TARGET,
        time = %time,
        decision_id = %r.decision_id,
        enforced = r.enforced,
        request_id = %RequestId(r),
        principal = r.principal,
        groups = %GroupList(r.caller),
        method = r.method,
        request_target = r.request_target,
        template = r.operation.map(Operation::template),
        operation = r.operation.map(Operation::name),
        decision = r.decision.map_or("deny", |d| d.as_str()),
        reason = r.decision.map_or("error", |d| d.reason().as_str()),
        status = r.status,
        error_code = r.error_code,
        error_kind = r.error_kind,
        deciding = r.deciding.as_deref(),
        revision = r.revision,
        source_ip = r.source_ip,
        project = r.project,
        "decision"
    );
}
