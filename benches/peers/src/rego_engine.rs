//! Rego on regorus's bytecode VM (RVM, a default feature): the module is compiled once to an RVM
//! program, one `RegoVM` is reused for every decision (`set_input`, then `execute`), with no
//! instruction or time limit. `allow` holds when every required action is allowed by some statement
//! and denied by none; each statement is one body of `allowed(a)` or `denied(a)`. The input (the
//! required actions, the scope, the operation's flags and the caller's values) is converted to
//! `regorus::Value`s before timing, so Rego's figure excludes routing and building its input.

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine as RegoEngine, Value};

use crate::common::{self, Attach, Condition, Effect, PolicySpec};
use crate::translate::covered;
use crate::{Case, Engine};

const ENTRY_POINT: &str = "data.ims.allow";

fn module(specs: &[PolicySpec]) -> String {
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

/// regorus: one RVM program, one VM reused.
pub struct Rego {
    vm: RegoVM,
    inputs: Vec<Value>,
    yes: Value,
}

impl Rego {
    pub fn new(specs: &[PolicySpec], cases: &[Case]) -> Rego {
        let mut engine = RegoEngine::new();
        engine.add_policy("ims.rego".into(), module(specs)).unwrap();
        let compiled = engine.compile_with_entrypoint(&ENTRY_POINT.into()).unwrap();
        let program = Compiler::compile_from_policy(&compiled, &[ENTRY_POINT]).unwrap();
        let mut vm = RegoVM::new();
        vm.load_program(program);
        vm.set_execution_timer_config(None);
        vm.set_max_instructions(usize::MAX);
        let ops = ims_iam::operations();
        let inputs = cases
            .iter()
            .map(|case| {
                let c = &case.request.caller;
                let op = &ops[case.operation];
                Value::from_json_str(
                    &serde_json::json!({
                        "actions": case.actions,
                        "project": common::PROJECT,
                        "enterprise_project": common::ENTERPRISE_PROJECT,
                        "iam_project": op.iam_project(),
                        "ep_supported": op.enterprise_project(),
                        "source_ip": c.source_ip,
                        "mfa": c.mfa,
                        "user": c.user,
                    })
                    .to_string(),
                )
                .unwrap()
            })
            .collect();
        Rego {
            vm,
            inputs,
            yes: Value::from(true),
        }
    }
}

impl Engine for Rego {
    fn decide(&mut self, case: usize) -> bool {
        self.vm.set_input(self.inputs[case].clone());
        self.vm.execute().is_ok_and(|v| v == self.yes)
    }
}
