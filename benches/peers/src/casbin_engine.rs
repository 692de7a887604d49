//! casbin (RESTful `keyMatch2` model; casbin routes by itself: it receives the path without its
//! query, as a web framework hands it over, and the method). Its best setup here: the policy lines
//! of one scope only in the enforcer (what a filtered adapter loads for a tenant, so no line tests
//! the scope), and the matcher ordered cheapest first (method equality before `keyMatch2`, then the
//! conditions). The plain `Enforcer` is used; the `CachedEnforcer` memoizes decisions per argument
//! tuple, which is a different measurement.
//!
//! Each statement becomes one line per route it covers (an Allow line when it covers every required
//! action of the route, a Deny line when it covers any); routes that require no action are allowed
//! for everyone. The one thing this model cannot say: IAM allows an API that needs two actions
//! (`PUT .../members/..` needs `ims:images:get` and `ims:images:share`) when one statement grants
//! the first and another the second, each with its own conditions. A casbin request matches policy
//! lines one at a time, so such a request is denied; the agreement check counts these requests and
//! fails on any other difference.

use casbin::{CoreApi, DefaultModel, Enforcer, MemoryAdapter, MgmtApi};

use crate::common::{self, Condition, Effect, PolicySpec};
use crate::translate::{applies, covered};
use crate::{Case, Engine};

const MODEL: &str = "\
[request_definition]
r = obj, act, ip, mfa, user

[policy_definition]
p = obj, act, eft, cidr, mfa, user

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = r.act == p.act && keyMatch2(r.obj, p.obj) \
&& (p.cidr == \"*\" || ipMatch(r.ip, p.cidr)) && (p.mfa == \"*\" || p.mfa == r.mfa) && (p.user == \"*\" || p.user == r.user)
";

/// A template with `{param}` as `:param`.
fn path(template: &str) -> String {
    template
        .split('/')
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => format!(":{name}"),
            None => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The lines of one scope (IAM project, enterprise project).
fn lines(specs: &[PolicySpec], project: &str, ep: &str) -> Vec<Vec<String>> {
    let mut lines = Vec::new();
    for op in ims_iam::operations() {
        let required: Vec<&str> = op
            .actions()
            .iter()
            .filter(|a| a.situation().is_none())
            .map(|a| a.action())
            .collect();
        let line = |eft: &str, cidr: &str, mfa: &str, user: &str| {
            [&path(op.template()), op.method().as_str(), eft, cidr, mfa, user]
                .map(str::to_owned)
                .to_vec()
        };
        if op.actions().is_empty() {
            lines.push(line("allow", "*", "*", "*"));
            continue;
        }
        for spec in specs.iter().filter(|s| applies(s, project, ep, op)) {
            for s in &spec.statements {
                let actions = covered(s);
                let applies = match s.effect {
                    Effect::Allow => required.iter().all(|a| actions.contains(a)),
                    Effect::Deny => required.iter().any(|a| actions.contains(a)),
                };
                if !applies {
                    continue;
                }
                let (mut cidr, mut mfa, mut user) = ("*".to_owned(), "*".to_owned(), "*".to_owned());
                for c in &s.conditions {
                    match c {
                        Condition::SourceIpIn(x) => cidr = x.clone(),
                        Condition::Mfa(b) => mfa = b.to_string(),
                        Condition::UserName(u) => user = u.clone(),
                    }
                }
                let eft = if s.effect == Effect::Allow {
                    "allow"
                } else {
                    "deny"
                };
                lines.push(line(eft, &cidr, &mfa, &user));
            }
        }
    }
    lines.sort();
    lines.dedup();
    lines
}

/// casbin: one enforcer holding the lines of the mix's one scope.
pub struct Casbin {
    enforcer: Enforcer,
    /// Per case: `(path, method, ip, mfa, user)`.
    args: Vec<[String; 5]>,
}

impl Casbin {
    pub fn new(specs: &[PolicySpec], cases: &[Case]) -> Casbin {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let lines = lines(specs, common::PROJECT, common::ENTERPRISE_PROJECT);
        let enforcer = rt.block_on(async {
            let model = DefaultModel::from_str(MODEL).await.unwrap();
            let mut e = Enforcer::new(model, MemoryAdapter::default()).await.unwrap();
            e.add_policies(lines).await.unwrap();
            e
        });
        let args = cases
            .iter()
            .map(|case| {
                let c = &case.request.caller;
                [
                    case.path.clone(),
                    case.request.method.to_owned(),
                    c.source_ip.to_owned(),
                    c.mfa.to_string(),
                    c.user.to_owned(),
                ]
            })
            .collect();
        Casbin { enforcer, args }
    }
}

impl Engine for Casbin {
    fn decide(&mut self, case: usize) -> bool {
        let [a, b, c, d, e] = &self.args[case];
        self.enforcer
            .enforce((a.as_str(), b.as_str(), c.as_str(), d.as_str(), e.as_str()))
            .unwrap_or(false)
    }
}
