//! Cedar, in the form its documentation recommends: the actions a statement covers form an action
//! group (`action in Action::"g3"`, the hierarchy given as entities), a `g:UserName` condition is the
//! principal in the policy head, the other conditions are `when` clauses on the context, and there is
//! one policy set per scope (the policies that apply to a request in that IAM project and enterprise
//! project, on an operation with those flags), so no policy tests the scope.
//!
//! Cedar decides one action per request, so an API that requires two actions is two
//! `is_authorized` calls (stopping at the first that does not allow). Routing is not Cedar's job:
//! both forms receive the operation ims-iam's router found. The prepared form builds every
//! `Request` before timing; the per-decision form builds the principal, the `Context` and the
//! `Request`s from the caller's values on every decision and looks up the scope's policy set, as a
//! gateway must.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicySet, Request,
    RestrictedExpression,
};

use crate::common::{self, Caller, Condition, Effect, PolicySpec};
use crate::translate::{applies, covered};
use crate::{Case, Engine};

/// The action groups: one per distinct set of covered actions.
struct Groups {
    names: HashMap<Vec<&'static str>, String>,
}

impl Groups {
    fn of(specs: &[PolicySpec]) -> Groups {
        let mut names = HashMap::new();
        for s in specs.iter().flat_map(|p| &p.statements) {
            let actions = covered(s);
            let n = names.len();
            names.entry(actions).or_insert_with(|| format!("group-{n}"));
        }
        Groups { names }
    }

    /// Every action (with its groups as parents) and every group, as entities.
    fn entities(&self) -> Entities {
        let mut parents: HashMap<&str, HashSet<EntityUid>> = HashMap::new();
        let mut out = Vec::new();
        for (actions, group) in &self.names {
            let uid = action_uid(group);
            for a in actions {
                parents.entry(a).or_default().insert(uid.clone());
            }
            out.push(Entity::new_no_attrs(uid, HashSet::new()));
        }
        for a in ims_iam::known_actions() {
            out.push(Entity::new_no_attrs(
                action_uid(a),
                parents.remove(a).unwrap_or_default(),
            ));
        }
        Entities::from_entities(out, None).unwrap()
    }
}

fn action_uid(name: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(EntityTypeName::from_str("Action").unwrap(), EntityId::new(name))
}

/// The policies that apply in one scope, as Cedar text.
fn policies(
    specs: &[PolicySpec],
    groups: &Groups,
    project: &str,
    ep: &str,
    op: &ims_iam::Operation,
) -> String {
    let mut out = String::new();
    for spec in specs.iter().filter(|s| applies(s, project, ep, op)) {
        for s in &spec.statements {
            let actions = covered(s);
            if actions.is_empty() {
                continue;
            }
            let mut principal = String::from("principal");
            let mut when: Vec<String> = Vec::new();
            for c in &s.conditions {
                match c {
                    Condition::SourceIpIn(cidr) => {
                        when.push(format!("context.source_ip.isInRange(ip(\"{cidr}\"))"))
                    }
                    Condition::Mfa(b) => when.push(format!("context.mfa == {b}")),
                    Condition::UserName(u) if principal == "principal" => {
                        principal = format!("principal == User::\"{u}\"")
                    }
                    Condition::UserName(u) => when.push(format!("principal == User::\"{u}\"")),
                }
            }
            out += &format!(
                "{}({principal}, action in Action::\"{}\", resource){};\n",
                if s.effect == Effect::Allow {
                    "permit"
                } else {
                    "forbid"
                },
                groups.names[&actions],
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

/// What a per-decision request needs that a gateway knows ahead: the operation's resource and
/// actions, and its flags (which of the scope's policy sets applies).
struct Operation {
    flags: usize,
    resource: EntityUid,
    actions: Vec<EntityUid>,
}

/// Cedar with action groups and one policy set per scope.
pub struct Cedar {
    authorizer: Authorizer,
    entities: Entities,
    sets: Vec<PolicySet>,
    /// IAM project -> enterprise project -> the set index per operation flags
    /// (`iam_project + 2 * enterprise_project`).
    scopes: HashMap<String, HashMap<String, [usize; 4]>>,
    user: EntityTypeName,
    /// Per case: the caller, the operation (per-decision form) ...
    operations: Vec<(&'static Caller, Operation)>,
    /// ... or the set and the prepared requests (prepared form).
    prepared: Option<Vec<(usize, Vec<Request>)>>,
}

fn flags(op: &ims_iam::Operation) -> usize {
    usize::from(op.iam_project()) + 2 * usize::from(op.enterprise_project())
}

fn context(caller: &Caller) -> Context {
    Context::from_pairs([
        (
            "source_ip".to_owned(),
            RestrictedExpression::new_ip(caller.source_ip),
        ),
        ("mfa".to_owned(), RestrictedExpression::new_bool(caller.mfa)),
    ])
    .unwrap()
}

impl Cedar {
    pub fn new(specs: &[PolicySpec], cases: &[Case], per_decision: bool) -> Cedar {
        let groups = Groups::of(specs);
        let ops = ims_iam::operations();
        // The mix's one scope; a gateway would build these per attached scope.
        let (project, ep) = (common::PROJECT, common::ENTERPRISE_PROJECT);
        let mut sets = Vec::new();
        let mut indices = [0; 4];
        for (f, index) in indices.iter_mut().enumerate() {
            // Any operation with these flags gives the same policies.
            let Some(op) = ops.iter().find(|o| flags(o) == f) else {
                continue;
            };
            *index = sets.len();
            sets.push(PolicySet::from_str(&policies(specs, &groups, project, ep, op)).unwrap());
        }
        let scopes = HashMap::from([(project.to_owned(), HashMap::from([(ep.to_owned(), indices)]))]);
        let user = EntityTypeName::from_str("User").unwrap();
        let operations: Vec<(&'static Caller, Operation)> = cases
            .iter()
            .map(|case| {
                let op = &ops[case.operation];
                let resource = EntityUid::from_type_name_and_id(
                    EntityTypeName::from_str("Api").unwrap(),
                    EntityId::new(op.template()),
                );
                let actions = case.actions.iter().map(|a| action_uid(a)).collect();
                (
                    case.request.caller,
                    Operation {
                        flags: flags(op),
                        resource,
                        actions,
                    },
                )
            })
            .collect();
        let mut cedar = Cedar {
            authorizer: Authorizer::new(),
            entities: groups.entities(),
            sets,
            scopes,
            user,
            operations,
            prepared: None,
        };
        if !per_decision {
            let prepared = (0..cases.len())
                .map(|i| {
                    let (caller, op) = &cedar.operations[i];
                    let principal =
                        EntityUid::from_type_name_and_id(cedar.user.clone(), EntityId::new(caller.user));
                    let ctx = context(caller);
                    let requests = op
                        .actions
                        .iter()
                        .map(|a| {
                            Request::new(
                                principal.clone(),
                                a.clone(),
                                op.resource.clone(),
                                ctx.clone(),
                                None,
                            )
                            .unwrap()
                        })
                        .collect();
                    (cedar.scopes[project][ep][op.flags], requests)
                })
                .collect();
            cedar.prepared = Some(prepared);
        }
        cedar
    }
}

impl Engine for Cedar {
    fn decide(&mut self, case: usize) -> bool {
        if let Some(prepared) = &self.prepared {
            let (set, requests) = &prepared[case];
            return requests.iter().all(|r| {
                self.authorizer
                    .is_authorized(r, &self.sets[*set], &self.entities)
                    .decision()
                    == Decision::Allow
            });
        }
        let (caller, op) = &self.operations[case];
        let Some(set) = self
            .scopes
            .get(common::PROJECT)
            .and_then(|eps| eps.get(common::ENTERPRISE_PROJECT))
            .map(|flags| &self.sets[flags[op.flags]])
        else {
            return false;
        };
        let principal = EntityUid::from_type_name_and_id(self.user.clone(), EntityId::new(caller.user));
        let ctx = context(caller);
        op.actions.iter().all(|a| {
            let Ok(r) = Request::new(
                principal.clone(),
                a.clone(),
                op.resource.clone(),
                ctx.clone(),
                None,
            ) else {
                return false;
            };
            self.authorizer.is_authorized(&r, set, &self.entities).decision() == Decision::Allow
        })
    }
}
