//! The ims-iam side: the one place that names ims-iam's decision API (route, then authorize), so
//! that a change of that API is one edit here.

use crate::{Case, Engine, common};
use ims_iam::{Context, PolicySet, Reason, RouteBuffer, Router, route};

/// ims-iam's decision for one request, as the gateway makes it: route the raw target (percent-decoded
/// values into the caller's buffer, reused from request to request, as `examples/hot_path.rs` does),
/// then decide. `None` for a request error (a request that is not a decision).
#[inline(always)]
pub fn decide(
    set: &PolicySet,
    method: &str,
    target: &str,
    ctx: &Context<'_>,
    buffer: &mut RouteBuffer,
) -> Option<bool> {
    let m = Router::default().route_in(method, target, buffer).ok()?;
    let decision = set.authorize(&ims_iam::Request::new(&m, ctx));
    if matches!(decision.reason(), Reason::Error(_)) {
        return None;
    }
    Some(decision.is_allowed())
}

/// The mix's requests with ims-iam's operation and decision; request errors (a request whose every
/// required action needs a situation the caller did not name) are left out and counted: the peers
/// have nothing to compare them with.
pub fn cases(set: &PolicySet) -> (Vec<Case>, usize) {
    let mut out = Vec::new();
    let mut skipped = 0;
    let mut buffer = RouteBuffer::default();
    for request in common::requests(4) {
        let Some(allowed) = decide(
            set,
            request.method,
            &request.target,
            &request.caller.context(),
            &mut buffer,
        ) else {
            skipped += 1;
            continue;
        };
        let m = route(request.method, &request.target).unwrap();
        let op = m.operation();
        let operation = ims_iam::operations()
            .iter()
            .position(|o| std::ptr::eq(o, op))
            .unwrap();
        out.push(Case {
            actions: op
                .actions()
                .iter()
                .filter(|a| a.situation().is_none())
                .map(|a| a.action())
                .collect(),
            operation,
            path: request.target.split('?').next().unwrap().to_owned(),
            allowed,
            request,
        });
    }
    (out, skipped)
}

/// ims-iam: route + context + authorize per decision, as `examples/hot_path.rs` measures it.
pub struct Ours {
    set: PolicySet,
    requests: Vec<common::Request>,
    buffer: RouteBuffer,
}

impl Ours {
    pub fn new(set: PolicySet, cases: &[Case]) -> Ours {
        Ours {
            set,
            requests: cases.iter().map(|c| c.request.clone()).collect(),
            buffer: RouteBuffer::default(),
        }
    }
}

impl Engine for Ours {
    fn decide(&mut self, case: usize) -> bool {
        let r = &self.requests[case];
        decide(&self.set, r.method, &r.target, &r.caller.context(), &mut self.buffer) == Some(true)
    }
}
