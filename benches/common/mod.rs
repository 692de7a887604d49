//! The policy sets and requests shared by the benchmarks, the allocation test and the peer comparison.
//!
//! Policies are described once, as data ([`Statement`], [`PolicySpec`]), and rendered to IAM JSON here;
//! the peer package renders the same data to Cedar, Rego and casbin, so every engine sees the same
//! policies and the same requests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use ims_iam::{Context, Operation, Policy, PolicySet, Scope, operations};

/// An IAM project the requests are made in (it has policies of its own).
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// An enterprise project the requests' resources are in.
pub const ENTERPRISE_PROJECT: &str = "ep-production";
/// Image ids used in request paths.
pub const IMAGES: [&str; 3] = [
    "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11",
    "6a6f9b7e-2c1d-4e55-b2a4-0e8f1c3d5a79",
    "f3c2a1b0-9d8e-4f7a-8b6c-5d4e3f2a1b0c",
];
/// A member (project) id for the sharing APIs.
pub const MEMBER: &str = "fedcba9876543210fedcba9876543210";

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Denies, whatever else grants.
    Deny,
}

/// A condition every engine can express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `IpAddress` on `g:SourceIp`: the source address is in the CIDR block.
    SourceIpIn(String),
    /// `Bool` on `g:MFAPresent`: the caller did (true) or did not (false) use MFA.
    Mfa(bool),
    /// `StringEquals` on `g:UserName`.
    UserName(String),
}

/// One statement: effect, action patterns (`*` and `?` allowed), and the conditions (ANDed).
#[derive(Debug, Clone)]
pub struct Statement {
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `NotAction` instead of `Action`.
    pub not_action: bool,
    /// The action patterns.
    pub actions: Vec<String>,
    /// The conditions, ANDed.
    pub conditions: Vec<Condition>,
}

/// Where a policy is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attach {
    /// Every project.
    Global,
    /// One IAM project.
    Project(String),
    /// One enterprise project.
    EnterpriseProject(String),
}

/// A policy: a name, an attachment and statements.
#[derive(Debug, Clone)]
pub struct PolicySpec {
    /// The name decisions cite.
    pub name: String,
    /// The attachment scope.
    pub attach: Attach,
    /// The statements.
    pub statements: Vec<Statement>,
}

fn stmt(effect: Effect, actions: &[&str], conditions: Vec<Condition>) -> Statement {
    Statement {
        effect,
        not_action: false,
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        conditions,
    }
}

impl PolicySpec {
    /// The policy as an IAM 1.1 JSON document.
    pub fn to_json(&self) -> String {
        let statements: Vec<String> = self
            .statements
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let actions: Vec<String> = s.actions.iter().map(|a| format!("\"{a}\"")).collect();
                let mut conditions: Vec<String> = Vec::new();
                for c in &s.conditions {
                    conditions.push(match c {
                        Condition::SourceIpIn(cidr) => format!(r#""IpAddress":{{"g:SourceIp":["{cidr}"]}}"#),
                        Condition::Mfa(b) => format!(r#""Bool":{{"g:MFAPresent":["{b}"]}}"#),
                        Condition::UserName(u) => format!(r#""StringEquals":{{"g:UserName":["{u}"]}}"#),
                    });
                }
                format!(
                    r#"{{"Sid":"s{i}","Effect":"{}","{}":[{}]{}}}"#,
                    if s.effect == Effect::Allow {
                        "Allow"
                    } else {
                        "Deny"
                    },
                    if s.not_action { "NotAction" } else { "Action" },
                    actions.join(","),
                    if conditions.is_empty() {
                        String::new()
                    } else {
                        format!(r#","Condition":{{{}}}"#, conditions.join(","))
                    }
                )
            })
            .collect();
        format!(r#"{{"Version":"1.1","Statement":[{}]}}"#, statements.join(","))
    }

    /// The policy, parsed and attached.
    pub fn to_policy(&self) -> Policy {
        let scope = match &self.attach {
            Attach::Global => Scope::Global,
            Attach::Project(p) => Scope::Project(p.clone()),
            Attach::EnterpriseProject(e) => Scope::EnterpriseProject(e.clone()),
        };
        Policy::parse(self.name.clone(), scope, &self.to_json()).unwrap()
    }
}

/// Parses and attaches every policy.
pub fn policies(specs: &[PolicySpec]) -> Vec<Policy> {
    specs.iter().map(PolicySpec::to_policy).collect()
}

/// Compiles a policy set.
pub fn compile(specs: &[PolicySpec]) -> PolicySet {
    PolicySet::new(policies(specs)).unwrap()
}

/// (a) Small: full access and a deny of deleting images.
pub fn small() -> Vec<PolicySpec> {
    vec![
        PolicySpec {
            name: "full-access".into(),
            attach: Attach::Global,
            statements: vec![stmt(Effect::Allow, &["ims:*:*"], vec![])],
        },
        PolicySpec {
            name: "no-delete".into(),
            attach: Attach::Global,
            statements: vec![stmt(Effect::Deny, &["ims:images:delete"], vec![])],
        },
    ]
}

/// Statement templates of an organisation: readers, tag operators, sharing, imports, deny guards, with
/// wildcards and conditions. Statement `k` of policy `p` is `TEMPLATES[(p * 8 + k) % len]`.
fn org_statement(n: usize, salt: usize) -> Statement {
    let office = format!("10.{}.0.0/16", salt % 200);
    match n % 16 {
        0 => stmt(Effect::Allow, &["ims:images:list", "ims:images:get"], vec![]),
        1 => stmt(Effect::Allow, &["ims:*:get*", "ims:*:list"], vec![]),
        2 => stmt(
            Effect::Allow,
            &["ims:images:update"],
            vec![Condition::SourceIpIn(office), Condition::Mfa(true)],
        ),
        3 => stmt(Effect::Allow, &["ims:images:share"], vec![Condition::Mfa(true)]),
        4 => stmt(
            Effect::Deny,
            &["ims:images:delete"],
            vec![Condition::UserName(format!("contractor-{salt}"))],
        ),
        5 => stmt(
            Effect::Allow,
            &["ims:serverImages:create", "ims:dataImages:create"],
            vec![],
        ),
        6 => stmt(
            Effect::Allow,
            &["ims:images:?xport", "ims:images:upload"],
            vec![Condition::Mfa(true)],
        ),
        7 => stmt(Effect::Deny, &["ims:images:share"], vec![Condition::Mfa(false)]),
        8 => stmt(Effect::Allow, &["ims:quotas:*"], vec![]),
        9 => stmt(
            Effect::Allow,
            &["ims:images:create", "ims:wholeImages:create"],
            vec![Condition::SourceIpIn("192.168.0.0/16".into())],
        ),
        10 => stmt(
            Effect::Allow,
            &["ims:images:copy"],
            vec![Condition::UserName(format!("ops-{salt}"))],
        ),
        11 => Statement {
            effect: Effect::Deny,
            not_action: true,
            actions: vec![
                "ims:images:*".into(),
                "ims:quotas:*".into(),
                "ims:*Images:create".into(),
            ],
            conditions: vec![],
        },
        12 => stmt(
            Effect::Allow,
            &["ims:images:update", "ims:images:get"],
            vec![Condition::Mfa(true)],
        ),
        13 => stmt(
            Effect::Deny,
            &["ims:images:delete"],
            vec![Condition::SourceIpIn("0.0.0.0/0".into())],
        ),
        14 => stmt(Effect::Allow, &["ims:images:delete"], vec![Condition::Mfa(true)]),
        _ => stmt(Effect::Allow, &["ims:images:list"], vec![]),
    }
}

/// The attachment of policy `p` out of `count`: a fifth global, half in IAM projects (the request's
/// project among them), the rest in enterprise projects.
fn org_attach(p: usize, projects: usize, enterprise_projects: usize) -> Attach {
    match p % 10 {
        0 | 1 => Attach::Global,
        2..=6 => {
            let k = p % projects;
            Attach::Project(if k == 0 {
                PROJECT.to_owned()
            } else {
                format!("{k:032x}")
            })
        }
        _ => {
            let k = p % enterprise_projects;
            Attach::EnterpriseProject(if k == 0 {
                ENTERPRISE_PROJECT.to_owned()
            } else {
                format!("ep-{k}")
            })
        }
    }
}

fn organisation(count: usize, projects: usize, enterprise_projects: usize) -> Vec<PolicySpec> {
    (0..count)
        .map(|p| PolicySpec {
            name: format!("policy-{p}"),
            attach: org_attach(p, projects, enterprise_projects),
            statements: (0..8).map(|k| org_statement(p * 8 + k + p / 2, p)).collect(),
        })
        .collect()
}

/// (b) A realistic organisation: 50 policies of 8 statements (400 statements), global, in 5 IAM
/// projects and in 3 enterprise projects, with wildcards, `NotAction` and conditions.
pub fn organisation_50() -> Vec<PolicySpec> {
    organisation(50, 5, 3)
}

/// (c) 10,000 statements: the organisation of (b) (400 statements), and 1,200 more policies of 8
/// statements of the same kinds attached in 500 other IAM projects and 100 other enterprise projects.
/// A request sees the statements of its own scopes; the other 9,600 cannot apply to it and must not
/// cost anything.
pub fn statements_10k() -> Vec<PolicySpec> {
    let mut specs = organisation_50();
    specs.extend((0..1200).map(|p| {
        let k = p + 1;
        PolicySpec {
            name: format!("team-{k}"),
            attach: if p % 3 == 2 {
                Attach::EnterpriseProject(format!("ep-team-{}", k % 100))
            } else {
                Attach::Project(format!("{:032x}", 0x1000 + k % 500))
            },
            statements: (0..8).map(|j| org_statement(k * 8 + j + k / 2, k)).collect(),
        }
    }));
    specs
}

/// A concrete path for a row (`n` varies the image id and the tag).
pub fn concrete(op: &Operation, n: usize) -> String {
    concrete_with(op, n, &["env", "cost-center", "a%2Fb", "team"])
}

/// A concrete path for a row, the tag (and key) taken from `tags` (`n` varies the image id and the
/// tag); the other parameters have their example values (`PROJECT`, `MEMBER`, `v2`).
pub fn concrete_with(op: &Operation, n: usize, tags: &[&str]) -> String {
    let tag = tags[n % tags.len()];
    op.path_with(|name| match name {
        "image_id" => Some(IMAGES[n % IMAGES.len()]),
        "tag" | "key" => Some(tag),
        _ => None,
    })
}

/// The context values of a request, as a gateway knows them.
#[derive(Debug, Clone)]
pub struct Caller {
    /// `g:SourceIp`.
    pub source_ip: &'static str,
    /// `g:MFAPresent`.
    pub mfa: bool,
    /// `g:UserName`.
    pub user: &'static str,
}

/// Callers: an MFA user in an office network, a contractor outside, an operator.
pub const CALLERS: [Caller; 3] = [
    Caller {
        source_ip: "10.0.3.7",
        mfa: true,
        user: "alice",
    },
    Caller {
        source_ip: "203.0.113.9",
        mfa: false,
        user: "contractor-0",
    },
    Caller {
        source_ip: "192.168.10.20",
        mfa: true,
        user: "ops-0",
    },
];

impl Caller {
    /// The request context: project and enterprise project, and the caller's values (3 of them, so
    /// nothing is allocated).
    pub fn context(&self) -> Context<'static> {
        Context::default()
            .with_project(PROJECT)
            .with_enterprise_project(ENTERPRISE_PROJECT)
            .with_value("g:SourceIp", self.source_ip)
            .with_value("g:MFAPresent", if self.mfa { "true" } else { "false" })
            .with_value("g:UserName", self.user)
    }
}

/// One request of the mix.
#[derive(Debug, Clone)]
pub struct Request {
    /// The HTTP method.
    pub method: &'static str,
    /// The raw target (path and, for some, a query).
    pub target: String,
    /// Who asks.
    pub caller: &'static Caller,
}

/// Every documented template, with realistic ids, encoded tags, some queries, for each caller in
/// turn: `rounds` requests per template.
pub fn requests(rounds: usize) -> Vec<Request> {
    let mut out = Vec::new();
    for n in 0..rounds {
        for (i, op) in operations().iter().enumerate() {
            let path = concrete(op, i + n);
            out.push(Request {
                method: op.method().as_str(),
                target: if (i + n) % 4 == 1 {
                    format!("{path}?limit=50&marker=x")
                } else {
                    path
                },
                caller: &CALLERS[(i + n) % CALLERS.len()],
            });
        }
    }
    out
}

/// `n` global conditional Allows of everything (`ims:*:*`), statement `i` for the user named
/// [`user_name`]`(i)` only (`StringEquals` on `g:UserName`), one policy each.
pub fn user_allows(n: usize) -> Vec<Policy> {
    (0..n)
        .map(|i| {
            let json = format!(
                r#"{{"Version":"1.1","Statement":[{{"Effect":"Allow","Action":["ims:*:*"],"Condition":{{"StringEquals":{{"g:UserName":["{}"]}}}}}}]}}"#,
                user_name(i)
            );
            Policy::parse(format!("user-{i}"), Scope::Global, &json).unwrap()
        })
        .collect()
}

/// The user name statement `i` of [`user_allows`] allows.
pub fn user_name(i: usize) -> String {
    format!("user-{i:05}")
}

/// The caller of request `i` of the mix in the [`user_allows`]`(n)` case: half of them are allowed
/// by one of the `n` statements, the other half by none (names past `n`).
pub fn user_of_request(i: usize, n: usize) -> String {
    user_name(i * 389 % (2 * n))
}

/// Condition keys of every type, with an operator, a policy value and a request value that satisfies
/// it: `KEYS[..k]` are the `k` keys of [`keys_all_holding`].
pub const KEYS: [(&str, &str, &str, &str); 8] = [
    ("StringEquals", "g:UserName", "alice", "alice"),
    ("IpAddress", "g:SourceIp", "10.0.0.0/16", "10.0.3.7"),
    ("Bool", "g:MFAPresent", "true", "true"),
    (
        "StringEquals",
        "g:UserId",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    ),
    ("StringEquals", "g:DomainName", "example-domain", "example-domain"),
    ("NumberLessThan", "g:MFAAge", "3600", "120"),
    (
        "StringEquals",
        "g:ProjectName",
        "eu-de_production",
        "eu-de_production",
    ),
    ("StringEquals", "g:ServiceName", "ims", "ims"),
];

/// One global Allow of everything (`ims:*:*`) whose condition has `k` keys (`KEYS[..k]`), all of
/// which hold for a request whose context carries the `KEYS[..k]` request values.
pub fn keys_all_holding(k: usize) -> Vec<Policy> {
    // Operators repeat (several `StringEquals` keys): one block per operator, one entry per key.
    let mut blocks: Vec<(&str, Vec<String>)> = Vec::new();
    for (op, key, value, _) in &KEYS[..k] {
        let entry = format!(r#""{key}":["{value}"]"#);
        match blocks.iter_mut().find(|(o, _)| o == op) {
            Some((_, entries)) => entries.push(entry),
            None => blocks.push((op, vec![entry])),
        }
    }
    let condition: Vec<String> = blocks
        .iter()
        .map(|(op, entries)| format!(r#""{op}":{{{}}}"#, entries.join(",")))
        .collect();
    let json = format!(
        r#"{{"Version":"1.1","Statement":[{{"Effect":"Allow","Action":["ims:*:*"],"Condition":{{{}}}}}]}}"#,
        condition.join(",")
    );
    vec![Policy::parse(format!("keys-{k}"), Scope::Global, &json).unwrap()]
}

/// One global Allow of everything (`ims:*:*`) whose condition is one `StringEquals` on `g:UserName`
/// listing `n` user names ([`user_name`]`(0..n)`); the callers are [`user_of_request`].
pub fn user_list(n: usize) -> Vec<Policy> {
    let names: Vec<String> = (0..n).map(|i| format!(r#""{}""#, user_name(i))).collect();
    let json = format!(
        r#"{{"Version":"1.1","Statement":[{{"Effect":"Allow","Action":["ims:*:*"],"Condition":{{"StringEquals":{{"g:UserName":[{}]}}}}}}]}}"#,
        names.join(",")
    );
    vec![Policy::parse(format!("users-{n}"), Scope::Global, &json).unwrap()]
}

/// CIDR block `i` of [`cidr_list`]: a `/24` in `10.0.0.0/8`, scattered (not adjacent to its
/// neighbours in the list), as its first three octets.
fn cidr_block(i: usize) -> [usize; 3] {
    let x = (i * 40_503 + 7) % 65_536;
    [10, x >> 8, x & 255]
}

/// One global Allow of everything (`ims:*:*`) whose condition is one `IpAddress` on `g:SourceIp`
/// listing `n` scattered `/24` blocks; the callers' addresses are [`address_of_request`].
pub fn cidr_list(n: usize) -> Vec<Policy> {
    let blocks: Vec<String> = (0..n)
        .map(|i| {
            let [a, b, c] = cidr_block(i);
            format!(r#""{a}.{b}.{c}.0/24""#)
        })
        .collect();
    let json = format!(
        r#"{{"Version":"1.1","Statement":[{{"Effect":"Allow","Action":["ims:*:*"],"Condition":{{"IpAddress":{{"g:SourceIp":[{}]}}}}}}]}}"#,
        blocks.join(",")
    );
    vec![Policy::parse(format!("cidrs-{n}"), Scope::Global, &json).unwrap()]
}

/// The caller's address of request `i` of the mix in the [`cidr_list`]`(n)` case: inside one of the
/// `n` blocks for even `i`, outside all of them (in `172.16.0.0/12`) for odd `i`.
pub fn address_of_request(i: usize, n: usize) -> String {
    if i % 2 == 0 {
        let [a, b, c] = cidr_block(i * 389 % n);
        format!("{a}.{b}.{c}.{}", i % 250 + 1)
    } else {
        format!("172.{}.{}.7", 16 + i % 16, i % 256)
    }
}
