//! IMS041: a statement that another statement of the same file makes redundant.

use crate::lint::context::{Ctx, Info, Sink, pattern_covers};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS041",
    name: "redundant-statement",
    severity: Severity::Suggestion,
    summary: "a statement whose actions another statement with the same effect and no conditions covers",
    description: "When another statement has the same effect, applies without conditions to every resource, \
                  and covers every action this one lists (`ims:*:*` covers `ims:images:get`), this statement \
                  changes nothing, whatever its conditions or resources. Remove it, or merge the two. Of two \
                  equal statements the later one is reported. `NotAction` statements are not compared.",
    example: r#"[{"Effect": "Allow", "Action": ["ims:*:*"]}, {"Effect": "Allow", "Action": ["ims:images:get"]}]"#,
};

/// Whether `wide` makes `narrow` redundant (a sufficient test).
fn covers(wide: &Info<'_>, narrow: &Info<'_>) -> bool {
    if wide.not_action() || narrow.not_action() || wide.effect() != narrow.effect() {
        return false;
    }
    if !wide.unconditional() || !wide.all_resources {
        return false;
    }
    let wide_patterns = wide.statement.actions.patterns();
    narrow
        .statement
        .actions
        .patterns()
        .iter()
        .all(|n| wide_patterns.iter().any(|w| pattern_covers(&w.value, &n.value)))
}

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for narrow in &cx.statements {
        let wide = cx.statements.iter().find(|wide| {
            wide.index != narrow.index
                && covers(wide, narrow)
                && (!covers(narrow, wide) || wide.index < narrow.index)
        });
        let Some(wide) = wide else {
            continue;
        };
        let conditions = if narrow.unconditional() {
            ""
        } else {
            " (its conditions change nothing)"
        };
        sink.push(
            &RULE,
            narrow.at(),
            Some(narrow.index),
            format!(
                "{} is redundant{conditions}: {} has the same effect, covers every action it lists and \
                 applies without conditions; remove it or merge the two",
                narrow.name(),
                wide.name()
            ),
        );
    }
}
