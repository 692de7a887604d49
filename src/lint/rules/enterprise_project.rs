//! IMS060: with an enterprise-project scope, the APIs a statement means to grant or deny that cannot be
//! authorized in an enterprise project.

use crate::Scope;
use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;
use crate::matrix::RequiredAction;

pub(crate) const RULE: Rule = Rule {
    code: "IMS060",
    name: "no-effect-in-enterprise-project",
    severity: Severity::Warning,
    summary: "(with `--scope enterprise-project:ID`) APIs the statement grants or denies that enterprise-project \
              policies cannot authorize",
    description: "IMS APIs whose Enterprise Project flag is `x` (every tagging API, the native image list, \
                  sharing, ...) ignore policies attached to an enterprise project: such a policy neither \
                  allows nor denies them (\"does not take effect\"). An Allow that covers all of an API's \
                  required actions, or a Deny that covers one of them, is reported with every such API. \
                  Attach the policy globally or to an IAM project for these APIs.",
    example: r#"{"Effect": "Allow", "Action": ["ims:images:get", "ims:images:update"]}"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Scope::EnterpriseProject(id) = &cx.options.scope else {
        return;
    };
    for s in &cx.statements {
        if s.actions.is_empty() {
            continue;
        }
        let apis: Vec<String> = cx
            .options
            .cloud()
            .operations()
            .iter()
            .filter(|op| !op.enterprise_project())
            .filter(|op| {
                let required: Vec<&RequiredAction> =
                    op.actions().iter().filter(|a| a.situation().is_none()).collect();
                !required.is_empty()
                    && if s.is_allow() {
                        required.iter().all(|a| s.actions.contains(a.id()))
                    } else {
                        required.iter().any(|a| s.actions.contains(a.id()))
                    }
            })
            .map(|op| format!("`{op}`"))
            .collect();
        if apis.is_empty() {
            continue;
        }
        let verb = if s.is_allow() { "allow" } else { "deny" };
        sink.push(
            &RULE,
            s.at(),
            Some(s.index),
            format!(
                "attached to `enterprise-project:{id}`, this statement does not {verb} {} API{} that cannot be \
                 authorized in an enterprise project: {}; attach it globally or to an IAM project for them",
                apis.len(),
                if apis.len() == 1 { "" } else { "s" },
                apis.join(", ")
            ),
        );
    }
}
