//! The same policies and the same requests decided by ims-iam, Cedar (`cedar-policy`), Rego
//! (`regorus`) and casbin (RESTful `keyMatch2` model): first every engine must give the same decision
//! on every request, then each is timed. See `../README.md` for the translation rules and figures.
//!
//! ```sh
//! cd benches/peers && cargo run --release
//! ```

#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../common/mod.rs"]
mod common;

use std::hint::black_box;
use std::str::FromStr;
use std::time::Instant;

use casbin::{CoreApi, DefaultModel, Enforcer, MemoryAdapter, MgmtApi};
use common::{Attach, Condition, Effect, PolicySpec, Statement};
use ims_iam::{Operation, PolicySet, Reason, known_actions, route};

/// One request, with what every engine needs prepared ahead.
struct Case {
    request: common::Request,
    operation: &'static Operation,
    /// The required actions that count (no situation is given in the mix).
    actions: Vec<&'static str>,
    /// The path without its query (what a web framework hands to casbin).
    path: String,
    /// ims-iam's decision.
    allowed: bool,
}

fn cases(set: &PolicySet) -> (Vec<Case>, usize) {
    let mut out = Vec::new();
    let mut skipped = 0;
    for request in common::requests(4) {
        let m = route(request.method, &request.target).unwrap();
        let ctx = request.caller.context();
        let decision = set.authorize(&ims_iam::Request::new(&m, &ctx));
        // A request whose every required action needs a situation the caller did not name is a
        // request error in ims-iam, not a decision: the peers have nothing to compare it with.
        if matches!(decision.reason(), Reason::Error(_)) {
            skipped += 1;
            continue;
        }
        let operation = m.operation();
        let path = request.target.split('?').next().unwrap().to_owned();
        out.push(Case {
            actions: operation
                .actions()
                .iter()
                .filter(|a| a.situation().is_none())
                .map(|a| a.action())
                .collect(),
            operation,
            path,
            allowed: decision.is_allowed(),
            request,
        });
    }
    (out, skipped)
}

/// IAM action matching (`*` any run, `?` one character, ASCII case-insensitive), used only to
/// translate: every peer receives the exact set of known actions a statement covers.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.split_first(), text.split_first()) {
        (None, _) => text.is_empty(),
        (Some((b'*', rest)), _) => glob(rest, text) || (!text.is_empty() && glob(pattern, &text[1..])),
        (Some((b'?', rest)), Some((_, t))) => glob(rest, t),
        (Some((p, rest)), Some((c, t))) => p.eq_ignore_ascii_case(c) && glob(rest, t),
        (Some(_), None) => false,
    }
}

fn covered(s: &Statement) -> Vec<&'static str> {
    known_actions()
        .iter()
        .copied()
        .filter(|a| s.actions.iter().any(|p| glob(p.as_bytes(), a.as_bytes())) != s.not_action)
        .collect()
}

/// Whether an attachment applies to the operation for the mix's caller (project `common::PROJECT`,
/// enterprise project `common::ENTERPRISE_PROJECT`): used by the casbin translation only, which has
/// no other place for the operation's flags.
fn scope_supports(attach: &Attach, op: &Operation) -> bool {
    match attach {
        Attach::Global => true,
        Attach::Project(_) => op.iam_project(),
        Attach::EnterpriseProject(_) => op.enterprise_project(),
    }
}

// ---------------------------------------------------------------------------------------------
// Cedar: one policy per statement; actions are Cedar actions named like IAM actions; the scope and
// the operation's flags are in the context. A request is allowed when every required action is.

fn cedar_policies(specs: &[PolicySpec]) -> String {
    let mut out = String::new();
    for spec in specs {
        for s in &spec.statements {
            let actions = covered(s);
            if actions.is_empty() {
                continue;
            }
            let list: Vec<String> = actions.iter().map(|a| format!("Action::\"{a}\"")).collect();
            let mut when: Vec<String> = Vec::new();
            match &spec.attach {
                Attach::Global => {}
                Attach::Project(p) => when.push(format!("context.iam_project && context.project == \"{p}\"")),
                Attach::EnterpriseProject(e) => when.push(format!(
                    "context.ep_supported && context.enterprise_project == \"{e}\""
                )),
            }
            for c in &s.conditions {
                when.push(match c {
                    Condition::SourceIpIn(cidr) => format!("context.source_ip.isInRange(ip(\"{cidr}\"))"),
                    Condition::Mfa(b) => format!("context.mfa == {b}"),
                    Condition::UserName(u) => format!("context.user == \"{u}\""),
                });
            }
            out += &format!(
                "{}(principal, action in [{}], resource){};\n",
                if s.effect == Effect::Allow {
                    "permit"
                } else {
                    "forbid"
                },
                list.join(", "),
                if when.is_empty() {
                    String::new()
                } else {
                    format!(" when {{ {} }}", when.join(" && "))
                }
            );
        }
    }
    out
}

struct Cedar {
    policies: cedar_policy::PolicySet,
    authorizer: cedar_policy::Authorizer,
    entities: cedar_policy::Entities,
    /// Per case: one prepared request per required action.
    requests: Vec<Vec<cedar_policy::Request>>,
}

impl Cedar {
    fn new(specs: &[PolicySpec], cases: &[Case]) -> Cedar {
        let policies = cedar_policy::PolicySet::from_str(&cedar_policies(specs)).unwrap();
        let principal = cedar_policy::EntityUid::from_str("User::\"caller\"").unwrap();
        let requests = cases
            .iter()
            .map(|case| {
                let c = &case.request.caller;
                let context = cedar_policy::Context::from_json_value(
                    serde_json::json!({
                        "project": common::PROJECT,
                        "enterprise_project": common::ENTERPRISE_PROJECT,
                        "iam_project": case.operation.iam_project(),
                        "ep_supported": case.operation.enterprise_project(),
                        "source_ip": {"__extn": {"fn": "ip", "arg": c.source_ip}},
                        "mfa": c.mfa,
                        "user": c.user,
                    }),
                    None,
                )
                .unwrap();
                let resource =
                    cedar_policy::EntityUid::from_str(&format!("Api::\"{}\"", case.operation.template()))
                        .unwrap();
                case.actions
                    .iter()
                    .map(|a| {
                        let action = cedar_policy::EntityUid::from_str(&format!("Action::\"{a}\"")).unwrap();
                        cedar_policy::Request::new(
                            principal.clone(),
                            action,
                            resource.clone(),
                            context.clone(),
                            None,
                        )
                        .unwrap()
                    })
                    .collect()
            })
            .collect();
        Cedar {
            policies,
            authorizer: cedar_policy::Authorizer::new(),
            entities: cedar_policy::Entities::empty(),
            requests,
        }
    }

    fn decide(&self, case: usize) -> bool {
        self.requests[case].iter().all(|r| {
            self.authorizer
                .is_authorized(r, &self.policies, &self.entities)
                .decision()
                == cedar_policy::Decision::Allow
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Rego: `allow` holds when every required action is allowed by some statement and denied by none;
// each statement is one body of `allowed(a)` or `denied(a)`.

fn rego_module(specs: &[PolicySpec]) -> String {
    let mut out = String::from(
        "package ims\n\nimport rego.v1\n\ndefault allow := false\n\n\
         allow if {\n\tevery a in input.actions {\n\t\tpermitted(a)\n\t}\n}\n\n\
         permitted(a) if {\n\tallowed(a)\n\tnot denied(a)\n}\n\n",
    );
    for spec in specs {
        for s in &spec.statements {
            let actions = covered(s);
            if actions.is_empty() {
                continue;
            }
            let set: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
            let mut body = vec![format!("a in {{{}}}", set.join(", "))];
            match &spec.attach {
                Attach::Global => {}
                Attach::Project(p) => {
                    body.push("input.iam_project".into());
                    body.push(format!("input.project == \"{p}\""));
                }
                Attach::EnterpriseProject(e) => {
                    body.push("input.ep_supported".into());
                    body.push(format!("input.enterprise_project == \"{e}\""));
                }
            }
            for c in &s.conditions {
                body.push(match c {
                    Condition::SourceIpIn(cidr) => format!("net.cidr_contains(\"{cidr}\", input.source_ip)"),
                    Condition::Mfa(b) => format!("input.mfa == {b}"),
                    Condition::UserName(u) => format!("input.user == \"{u}\""),
                });
            }
            out += &format!(
                "{}(a) if {{\n\t{}\n}}\n\n",
                if s.effect == Effect::Allow {
                    "allowed"
                } else {
                    "denied"
                },
                body.join("\n\t")
            );
        }
    }
    out
}

struct Rego {
    policy: regorus::CompiledPolicy,
    inputs: Vec<regorus::Value>,
}

impl Rego {
    fn new(specs: &[PolicySpec], cases: &[Case]) -> Rego {
        let mut engine = regorus::Engine::new();
        engine.add_policy("ims.rego".into(), rego_module(specs)).unwrap();
        let policy = engine.compile_with_entrypoint(&"data.ims.allow".into()).unwrap();
        let inputs = cases
            .iter()
            .map(|case| {
                let c = &case.request.caller;
                regorus::Value::from_json_str(
                    &serde_json::json!({
                        "actions": case.actions,
                        "project": common::PROJECT,
                        "enterprise_project": common::ENTERPRISE_PROJECT,
                        "iam_project": case.operation.iam_project(),
                        "ep_supported": case.operation.enterprise_project(),
                        "source_ip": c.source_ip,
                        "mfa": c.mfa,
                        "user": c.user,
                    })
                    .to_string(),
                )
                .unwrap()
            })
            .collect();
        Rego { policy, inputs }
    }

    fn decide(&self, case: usize) -> bool {
        self.policy.eval_with_input(self.inputs[case].clone()).unwrap() == regorus::Value::from(true)
    }
}

// ---------------------------------------------------------------------------------------------
// casbin: RESTful model, `keyMatch2` on the path and the method; the IAM statements are translated
// ahead into the routes they cover (a route's template with `{param}` as `:param`). An Allow line is
// written for a route when the statement covers every required action of the route; a Deny line when
// it covers any. Routes that require no action are allowed for everyone.
//
// The one thing this model cannot say: IAM allows an API that needs two actions (`PUT .../members/..`
// needs `ims:images:get` and `ims:images:share`) when one statement grants the first and another the
// second, each with its own conditions. A casbin request matches policy lines one at a time, so such
// a request is denied. Writing every combination of statements as extra lines would be the exact
// translation, at the price of a product of the statements per action; `main` counts these requests
// and checks that they are the only difference.

const CASBIN_MODEL: &str = "\
[request_definition]
r = project, ep, obj, act, ip, mfa, user

[policy_definition]
p = scope, obj, act, eft, cidr, mfa, user

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = (p.scope == \"*\" || p.scope == r.project || p.scope == r.ep) && keyMatch2(r.obj, p.obj) && r.act == p.act \
&& (p.cidr == \"*\" || ipMatch(r.ip, p.cidr)) && (p.mfa == \"*\" || p.mfa == r.mfa) && (p.user == \"*\" || p.user == r.user)
";

fn casbin_path(template: &str) -> String {
    template
        .split('/')
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => format!(":{name}"),
            None => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn casbin_lines(specs: &[PolicySpec]) -> Vec<Vec<String>> {
    let mut lines = Vec::new();
    for op in ims_iam::operations() {
        let required: Vec<&str> = op
            .actions()
            .iter()
            .filter(|a| a.situation().is_none())
            .map(|a| a.action())
            .collect();
        let line = |scope: &str, eft: &str, cidr: &str, mfa: &str, user: &str| {
            [
                scope,
                &casbin_path(op.template()),
                op.method().as_str(),
                eft,
                cidr,
                mfa,
                user,
            ]
            .map(str::to_owned)
            .to_vec()
        };
        if op.actions().is_empty() {
            lines.push(line("*", "allow", "*", "*", "*"));
            continue;
        }
        for spec in specs {
            if !scope_supports(&spec.attach, op) {
                continue;
            }
            let scope = match &spec.attach {
                Attach::Global => "*".to_owned(),
                Attach::Project(p) => format!("project:{p}"),
                Attach::EnterpriseProject(e) => format!("ep:{e}"),
            };
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
                lines.push(line(&scope, eft, &cidr, &mfa, &user));
            }
        }
    }
    lines.sort();
    lines.dedup();
    lines
}

struct Casbin {
    enforcer: Enforcer,
    /// Per case: `(project, ep, path, method, ip, mfa, user)`.
    args: Vec<[String; 7]>,
    lines: usize,
}

impl Casbin {
    fn new(specs: &[PolicySpec], cases: &[Case]) -> Casbin {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let lines = casbin_lines(specs);
        let count = lines.len();
        let enforcer = rt.block_on(async {
            let model = DefaultModel::from_str(CASBIN_MODEL).await.unwrap();
            let mut e = Enforcer::new(model, MemoryAdapter::default()).await.unwrap();
            e.add_policies(lines).await.unwrap();
            e
        });
        let args = cases
            .iter()
            .map(|case| {
                let c = &case.request.caller;
                [
                    format!("project:{}", common::PROJECT),
                    format!("ep:{}", common::ENTERPRISE_PROJECT),
                    case.path.clone(),
                    case.request.method.to_owned(),
                    c.source_ip.to_owned(),
                    c.mfa.to_string(),
                    c.user.to_owned(),
                ]
            })
            .collect();
        Casbin {
            enforcer,
            args,
            lines: count,
        }
    }

    fn decide(&self, case: usize) -> bool {
        let [a, b, c, d, e, f, g] = &self.args[case];
        self.enforcer
            .enforce((
                a.as_str(),
                b.as_str(),
                c.as_str(),
                d.as_str(),
                e.as_str(),
                f.as_str(),
                g.as_str(),
            ))
            .unwrap()
    }
}

// ---------------------------------------------------------------------------------------------

/// Times `decide` over every case, `samples` times; returns the median, the minimum and the maximum
/// of the time per decision, in nanoseconds. Each sample repeats the cases until it lasts 50 ms.
fn time(cases: usize, samples: usize, mut decide: impl FnMut(usize) -> bool) -> (f64, f64, f64) {
    let once = |decide: &mut dyn FnMut(usize) -> bool| {
        let mut allowed = 0;
        for i in 0..cases {
            allowed += usize::from(black_box(decide(black_box(i))));
        }
        allowed
    };
    // Warm up, and find how many rounds make a sample of about 50 ms.
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed().as_millis() < 50 {
        black_box(once(&mut decide));
        rounds += 1;
    }
    let mut per_decision: Vec<f64> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..rounds {
                black_box(once(&mut decide));
            }
            start.elapsed().as_nanos() as f64 / (rounds * cases) as f64
        })
        .collect();
    per_decision.sort_by(f64::total_cmp);
    (
        per_decision[per_decision.len() / 2],
        per_decision[0],
        per_decision[per_decision.len() - 1],
    )
}

fn main() {
    let samples = std::env::args().nth(1).map_or(15, |n| n.parse().unwrap());
    for (name, specs) in [
        ("a_small", common::small()),
        ("b_organisation", common::organisation_50()),
    ] {
        let set = common::compile(&specs);
        let (cases, skipped) = cases(&set);
        let cedar = Cedar::new(&specs, &cases);
        let rego = Rego::new(&specs, &cases);
        let casbin = Casbin::new(&specs, &cases);

        // Agreement first: every engine, every request. Cedar and Rego must agree everywhere. casbin
        // may differ in one documented way only (see `casbin_lines`): it grants a route by one policy
        // line, so an API that needs several actions, granted by different statements, is denied.
        let mut disagreements = 0;
        let mut casbin_multi_action = 0;
        for (i, case) in cases.iter().enumerate() {
            let answers = [cedar.decide(i), rego.decide(i), casbin.decide(i)];
            if answers[..2].iter().all(|&a| a == case.allowed) && answers[2] == case.allowed {
                continue;
            }
            if answers[..2].iter().all(|&a| a == case.allowed)
                && case.allowed
                && !answers[2]
                && case.actions.len() > 1
            {
                casbin_multi_action += 1;
                continue;
            }
            disagreements += 1;
            eprintln!(
                "{name}: `{} {}` ({}): ims-iam {} cedar {} rego {} casbin {}",
                case.request.method,
                case.request.target,
                case.request.caller.user,
                case.allowed,
                answers[0],
                answers[1],
                answers[2]
            );
        }
        let allowed = cases.iter().filter(|c| c.allowed).count();
        println!(
            "{name}: {} statements, {} requests ({allowed} allowed, {} denied; {skipped} request errors left out), \
             {} casbin policy lines",
            specs.iter().map(|s| s.statements.len()).sum::<usize>(),
            cases.len(),
            cases.len() - allowed,
            casbin.lines,
        );
        println!(
            "  agreement: cedar and rego agree with ims-iam on every request; casbin on all but \
             {casbin_multi_action} (multi-action APIs granted by several statements, which its model cannot express)"
        );
        assert_eq!(disagreements, 0, "the engines disagree");

        let ours = time(cases.len(), samples, |i| {
            let case = &cases[i];
            let ctx = case.request.caller.context();
            let m = route(case.request.method, &case.request.target).unwrap();
            set.authorize(&ims_iam::Request::new(&m, &ctx)).is_allowed()
        });
        println!(
            "  {:<28} median {:>10.1} ns  (min {:.1}, max {:.1})",
            "ims-iam (route + authorize)", ours.0, ours.1, ours.2
        );
        for (engine, figures) in [
            ("cedar-policy", time(cases.len(), samples, |i| cedar.decide(i))),
            ("regorus", time(cases.len(), samples, |i| rego.decide(i))),
            ("casbin", time(cases.len(), samples, |i| casbin.decide(i))),
        ] {
            println!(
                "  {:<28} median {:>10.1} ns  (min {:.1}, max {:.1})  {:.0}x ims-iam",
                engine,
                figures.0,
                figures.1,
                figures.2,
                figures.0 / ours.0
            );
        }
    }
}
