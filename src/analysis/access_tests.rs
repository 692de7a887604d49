//! The composed, grouped `access` agrees with deciding every scope pair on its own (the evaluator traces
//! the pair, the search classifies its formula) on random sets with several projects and enterprise
//! projects.

use proptest::prelude::*;

use super::access::access;
use super::result::Answer;
use super::subject::Subject;
use super::universe::{Universe, analysed_operations};
use super::workspace::Workspace;
use crate::compile::{Policy, Scope};

const ACTIONS: [&str; 6] = [
    "ims:images:list",
    "ims:images:get",
    "ims:images:delete",
    "ims:images:*",
    "ims:*:get*",
    "ims:images:update",
];
const CONDITIONS: [&str; 6] = [
    "",
    r#","Condition":{"Bool":{"g:MFAPresent":["true"]}}"#,
    r#","Condition":{"IpAddress":{"g:SourceIp":["10.0.0.0/8"]}}"#,
    r#","Condition":{"StringEquals":{"g:UserName":["ann"]}}"#,
    r#","Condition":{"StringNotEquals":{"g:UserName":["bob"]},"Bool":{"g:MFAPresent":["false"]}}"#,
    r#","Condition":{"StringEquals":{"g:EnterpriseProjectId":["e1"]}}"#,
];

fn scope(i: usize) -> Scope {
    match i {
        0 => Scope::Global,
        1..=3 => Scope::Project(format!("{:032x}", i)),
        _ => Scope::EnterpriseProject(format!("e{}", i - 3)),
    }
}

/// A statement: Deny?, action, condition (positions in the tables above).
type Stmt = (bool, usize, usize);

fn policies(spec: &[(usize, Vec<Stmt>)]) -> Vec<Policy> {
    spec.iter()
        .enumerate()
        .filter_map(|(i, (s, stmts))| {
            let body: Vec<String> = stmts
                .iter()
                .map(|&(deny, a, c)| {
                    format!(
                        r#"{{"Effect":"{}","Action":["{}"]{}}}"#,
                        if deny { "Deny" } else { "Allow" },
                        ACTIONS[a],
                        CONDITIONS[c]
                    )
                })
                .collect();
            let doc = format!(r#"{{"Version":"1.1","Statement":[{}]}}"#, body.join(","));
            Policy::parse(format!("p{i}.json"), scope(*s), &doc).ok()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn grouped_agrees_with_per_pair(
        spec in prop::collection::vec(
            (0usize..7, prop::collection::vec((any::<bool>(), 0usize..6, 0usize..6), 1..4)),
            1..7,
        )
    ) {
        let set = policies(&spec);
        let report = match access(&set) {
            Ok(r) => r,
            Err(e) => { prop_assert_eq!(e.kind(), "analysis_limit"); return Ok(()); }
        };
        let mut ws = Workspace::default();
        let mut subject = Subject::new(&set).unwrap();
        let universe = Universe::new(&set);
        let mut seen = 0usize;
        for operation in analysed_operations() {
            let rows: Vec<_> = report.rows().iter().filter(|r| std::ptr::eq(r.operation(), operation)).collect();
            for (scope, request) in universe.situations(operation) {
                let Some(built) = subject.formula(&mut ws.blocks, operation, &request).unwrap() else {
                    prop_assert!(rows.iter().all(|r| r.scopes().all(|s| s != scope)));
                    continue;
                };
                let (allow, deny) = ws.classify(&built.formula, request.enterprise_project().is_some()).unwrap();
                let expected = match (allow.is_some(), deny.is_some()) {
                    (true, false) => Answer::Allow,
                    (false, true) => Answer::Deny,
                    _ => Answer::Conditional,
                };
                let holding: Vec<_> = rows.iter().filter(|r| r.scopes().any(|s| s == scope)).collect();
                prop_assert_eq!(holding.len(), 1, "{} at {}: in {} rows", operation, scope, holding.len());
                let row = holding[0];
                prop_assert_eq!(row.answer(), expected, "{} at {}", operation, scope);
                for c in &built.cites {
                    prop_assert!(row.statements().any(|s| s == c), "{} at {}: {} not cited", operation, scope, c);
                }
                seen += 1;
            }
        }
        let listed: usize = report.rows().iter().map(|r| r.scopes().len()).sum();
        prop_assert_eq!(listed, seen);
    }
}
