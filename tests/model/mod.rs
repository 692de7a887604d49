//! A deliberately naive interpreter of SPEC 3 over the policy documents as JSON: no compilation, no
//! masks, no indexes, no memo; every value is re-parsed at every comparison, by code written apart
//! from the crate's (its own wildcard matcher, number, date, boolean and IP parsers, case folding).

use std::net::IpAddr;

use ims_iam::Operation;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An attachment scope, as the model sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MScope {
    Global,
    Project(String),
    EnterpriseProject(String),
}

/// A request as the model sees it.
#[derive(Debug, Clone)]
pub struct MRequest {
    pub path_project: Option<String>,
    pub project: Option<String>,
    pub enterprise_project: Option<String>,
    pub situations: Vec<&'static str>,
    pub values: Vec<(String, String)>,
    pub now: OffsetDateTime,
}

/// The model's answer: a reason string as `Reason::as_str` gives it, or `error:<kind>`.
pub type Answer = String;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    T,
    F,
    U,
}

// ---------------------------------------------------------------- text

fn fold(c: char) -> char {
    let mut up = c.to_uppercase();
    if let (Some(u), None) = (up.next(), up.next()) {
        let mut low = u.to_lowercase();
        if let (Some(l), None) = (low.next(), low.next()) {
            return l;
        }
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn folded_eq(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().map(fold).collect();
    let b: Vec<char> = b.chars().map(fold).collect();
    a == b
}

/// `*` any run, `?` one character; plain recursion.
fn wild(p: &[char], t: &[char]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('*', rest)) => (0..=t.len()).any(|i| wild(rest, &t[i..])),
        Some(('?', rest)) => !t.is_empty() && wild(rest, &t[1..]),
        Some((c, rest)) => t.first() == Some(c) && wild(rest, &t[1..]),
    }
}

fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    wild(&p, &t)
}

// ---------------------------------------------------------------- values

fn number(text: &str) -> Option<f64> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    if let Some(e) = exponent {
        if !digits(e.strip_prefix(['+', '-']).unwrap_or(e)) {
            return None;
        }
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// (seconds, leap, nanos): a leap second counts as the second before, after all of its instants.
fn date(text: &str) -> Option<(i64, u8, u32)> {
    let mut t = text.to_owned();
    if t.len() == 10 {
        t.push_str("T00:00:00Z");
    }
    if !t.is_ascii() || t.len() < 20 {
        return None;
    }
    let t = t.to_ascii_uppercase();
    let leap = &t[17..19] == "60";
    let t = if leap {
        format!("{}59{}", &t[..17], &t[19..])
    } else {
        t
    };
    if t.as_bytes()[10] != b'T' {
        return None;
    }
    let parsed = OffsetDateTime::parse(&t, &Rfc3339).ok()?;
    Some((parsed.unix_timestamp(), u8::from(leap), parsed.nanosecond()))
}

fn boolean(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// An address as (is_v4, bits as u128).
fn address(text: &str) -> Option<(bool, u128)> {
    match text.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => Some((true, u128::from(u32::from(a)))),
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            if bits >> 32 == 0xffff {
                Some((true, bits & 0xffff_ffff))
            } else {
                Some((false, bits))
            }
        }
    }
}

/// A block as (is_v4, network bits, prefix length).
fn block(text: &str) -> Option<(bool, u128, u32)> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => {
            if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) || p.len() > 3 {
                return None;
            }
            (a, Some(p.parse::<u32>().ok()?))
        }
        None => (text, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let (v4, bits, width) = match ip {
        IpAddr::V4(a) => (true, u128::from(u32::from(a)), 32),
        IpAddr::V6(a) => (false, u128::from(a), 128),
    };
    let prefix = prefix.unwrap_or(width);
    if prefix > width {
        return None;
    }
    if !v4 && prefix >= 96 && bits >> 32 == 0xffff {
        return Some((true, bits & 0xffff_ffff, prefix - 96));
    }
    Some((v4, bits, prefix))
}

fn inside(addr: (bool, u128), net: (bool, u128, u32)) -> bool {
    let width = if net.0 { 32 } else { 128 };
    if addr.0 != net.0 {
        return false;
    }
    let shift = width - net.2;
    shift >= width || (addr.1 >> shift) == (net.1 >> shift)
}

// ---------------------------------------------------------------- conditions

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fam {
    Eq,
    EqIc,
    Like,
    Start,
    End,
    Num(&'static str),
    Date(&'static str),
    Bool,
    Ip,
    Null,
    NullOrEmpty,
}

fn operator(base: &str) -> Option<(Fam, bool)> {
    Some(match base {
        "StringEquals" | "StringEqualsAnyOf" => (Fam::Eq, false),
        "StringNotEquals" | "StringNotEqualsAnyOf" => (Fam::Eq, true),
        "StringEqualsIgnoreCase" | "StringEqualsIgnoreCaseAnyOf" => (Fam::EqIc, false),
        "StringNotEqualsIgnoreCase" | "StringNotEqualsIgnoreCaseAnyOf" => (Fam::EqIc, true),
        "StringLike" | "StringMatch" | "StringLikeAnyOf" => (Fam::Like, false),
        "StringNotLike" | "StringNotMatch" | "StringNotLikeAnyOf" => (Fam::Like, true),
        "StringStartWith" | "StringStartWithAnyOf" => (Fam::Start, false),
        "StringEndWith" | "StringEndWithAnyOf" => (Fam::End, false),
        "NumberEquals" => (Fam::Num("="), false),
        "NumberNotEquals" => (Fam::Num("="), true),
        "NumberLessThan" => (Fam::Num("<"), false),
        "NumberLessThanEquals" => (Fam::Num("<="), false),
        "NumberGreaterThan" => (Fam::Num(">"), false),
        "NumberGreaterThanEquals" => (Fam::Num(">="), false),
        "DateLessThan" => (Fam::Date("<"), false),
        "DateLessThanEquals" => (Fam::Date("<="), false),
        "DateGreaterThan" => (Fam::Date(">"), false),
        "DateGreaterThanEquals" => (Fam::Date(">="), false),
        "Bool" => (Fam::Bool, false),
        "IpAddress" => (Fam::Ip, false),
        "NotIpAddress" => (Fam::Ip, true),
        "Null" => (Fam::Null, false),
        "IsNullOrEmpty" => (Fam::NullOrEmpty, false),
        _ => return None,
    })
}

fn compare<T: PartialOrd>(op: &str, a: &T, b: &T) -> bool {
    match op {
        "=" => a == b,
        "<" => a < b,
        "<=" => a <= b,
        ">" => a > b,
        _ => a >= b,
    }
}

/// The policy value as text.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// Whether a policy value is valid for the family (a compile error otherwise).
fn valid(fam: Fam, v: &Value) -> bool {
    match (fam, v) {
        (Fam::Eq | Fam::EqIc | Fam::Like | Fam::Start | Fam::End, _) => true,
        (Fam::Num(_), Value::String(s)) => number(s).is_some(),
        (Fam::Num(_), Value::Number(_)) => number(&text_of(v)).is_some(),
        (Fam::Date(_), Value::String(s)) => date(s).is_some(),
        (Fam::Bool | Fam::Null | Fam::NullOrEmpty, Value::Bool(_)) => true,
        (Fam::Bool | Fam::Null | Fam::NullOrEmpty, Value::String(s)) => boolean(s).is_some(),
        (Fam::Ip, Value::String(s)) => block(s).is_some(),
        _ => false,
    }
}

/// One request value against the policy values, before negation.
fn one(fam: Fam, policy: &[Value], req: &str) -> Tri {
    let any = |f: &dyn Fn(&str) -> bool| {
        if policy.iter().any(|p| f(&text_of(p))) {
            Tri::T
        } else {
            Tri::F
        }
    };
    match fam {
        Fam::Eq => any(&|p| p == req),
        Fam::EqIc => any(&|p| folded_eq(p, req)),
        Fam::Like => any(&|p| like(p, req)),
        Fam::Start => any(&|p| req.starts_with(p)),
        Fam::End => any(&|p| req.ends_with(p)),
        Fam::Num(op) => match number(req) {
            Some(r) => any(&|p| number(p).is_some_and(|p| compare(op, &r, &p))),
            None => Tri::U,
        },
        Fam::Date(op) => match date(req) {
            Some(r) => any(&|p| date(p).is_some_and(|p| compare(op, &r, &p))),
            None => Tri::U,
        },
        Fam::Bool => match boolean(req) {
            Some(r) => any(&|p| boolean(p) == Some(r)),
            None => Tri::U,
        },
        Fam::Ip => match address(req) {
            Some(r) => any(&|p| block(p).is_some_and(|n| inside(r, n))),
            None => Tri::U,
        },
        Fam::Null | Fam::NullOrEmpty => Tri::F,
    }
}

/// One condition entry: `Err` for a compile error.
fn condition(written: &str, key: &str, values: &[Value], req: &MRequest) -> Result<Tri, ()> {
    let (quant, rest) = if let Some(r) = written.strip_prefix("ForAnyValue:") {
        ("any", r)
    } else if let Some(r) = written.strip_prefix("ForAllValues:") {
        ("all", r)
    } else {
        ("single", written)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let (fam, negated) = operator(base).ok_or(())?;
    if matches!(fam, Fam::Null | Fam::NullOrEmpty) && (if_exists || quant != "single") {
        return Err(());
    }
    if values.is_empty() || !values.iter().all(|v| valid(fam, v)) {
        return Err(());
    }
    let mut found: Vec<String> = req
        .values
        .iter()
        .filter(|(k, _)| folded_eq(k, key))
        .map(|(_, v)| v.clone())
        .collect();
    if found.is_empty() && folded_eq(key, "g:CurrentTime") {
        found.push(req.now.format(&Rfc3339).unwrap_or_default());
    }
    if found.is_empty() && folded_eq(key, "g:EnterpriseProjectId") {
        found.extend(req.enterprise_project.clone());
    }
    let expect = |v: &Value| boolean(&text_of(v)).unwrap_or(false);
    if fam == Fam::Null {
        let absent = found.is_empty();
        return Ok(if values.iter().any(|v| expect(v) == absent) {
            Tri::T
        } else {
            Tri::F
        });
    }
    if fam == Fam::NullOrEmpty {
        let null_or_empty = found.iter().all(String::is_empty);
        return Ok(if values.iter().any(|v| expect(v) == null_or_empty) {
            Tri::T
        } else {
            Tri::F
        });
    }
    if found.is_empty() {
        return Ok(if if_exists {
            Tri::T
        } else {
            match quant {
                "any" => Tri::F,
                "all" => Tri::T,
                _ if negated => Tri::T,
                _ => Tri::F,
            }
        });
    }
    let results: Vec<Tri> = found
        .iter()
        .map(|v| match (one(fam, values, v), negated) {
            (Tri::U, _) => Tri::U,
            (Tri::T, true) => Tri::F,
            (Tri::F, true) => Tri::T,
            (t, false) => t,
        })
        .collect();
    let has = |t: Tri| results.contains(&t);
    Ok(match quant {
        "any" if has(Tri::T) => Tri::T,
        "any" if has(Tri::U) => Tri::U,
        "any" => Tri::F,
        "all" if has(Tri::F) => Tri::F,
        "all" if has(Tri::U) => Tri::U,
        "all" => Tri::T,
        _ if has(Tri::U) || (has(Tri::T) && has(Tri::F)) => Tri::U,
        _ if has(Tri::T) => Tri::T,
        _ => Tri::F,
    })
}

// ---------------------------------------------------------------- statements and decisions

fn action_ok(pattern: &str) -> bool {
    !pattern.is_empty()
        && pattern.split(':').all(|p| !p.is_empty())
        && pattern
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-:*?".contains(c))
}

fn covers(statement: &Value, action: &str) -> Result<bool, ()> {
    let (list, negate) = match (statement.get("Action"), statement.get("NotAction")) {
        (Some(a), None) => (a, false),
        (None, Some(n)) => (n, true),
        _ => return Err(()),
    };
    let patterns: Vec<&str> = list
        .as_array()
        .ok_or(())?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !patterns.iter().all(|p| action_ok(p)) {
        return Err(());
    }
    let hit = patterns
        .iter()
        .any(|p| like(&p.to_ascii_lowercase(), &action.to_ascii_lowercase()));
    Ok(hit != negate)
}

fn narrow(statement: &Value) -> bool {
    let Some(resources) = statement.get("Resource").and_then(Value::as_array) else {
        return false;
    };
    !resources.iter().filter_map(Value::as_str).any(|r| {
        let parts: Vec<&str> = r.split(':').collect();
        match parts.split_first() {
            Some((&"*", rest)) => rest.iter().all(|p| *p == "*"),
            Some((service, rest)) if service.eq_ignore_ascii_case("ims") => {
                !rest.is_empty() && rest.iter().all(|p| *p == "*")
            }
            _ => false,
        }
    })
}

/// Whether every statement of the policy compiles (actions and conditions), whatever the request.
fn compiles(policy: &Value, req: &MRequest) -> bool {
    policy["Statement"].as_array().is_some_and(|statements| {
        statements.iter().all(|s| {
            covers(s, "ims:images:get").is_ok()
                && conditions(s)
                    .iter()
                    .all(|(op, key, values)| condition(op, key, values, req).is_ok())
        })
    })
}

fn conditions(statement: &Value) -> Vec<(String, String, Vec<Value>)> {
    let mut out = Vec::new();
    if let Some(block) = statement.get("Condition").and_then(Value::as_object) {
        for (op, keys) in block {
            for (key, values) in keys.as_object().into_iter().flatten() {
                let values = match values {
                    Value::Array(a) => a.clone(),
                    v => vec![v.clone()],
                };
                out.push((op.clone(), key.clone(), values));
            }
        }
    }
    out
}

/// Decides `operation` for `req` under `policies` by SPEC 3, the long way.
pub fn decide(policies: &[(MScope, Value)], operation: &Operation, req: &MRequest) -> Answer {
    if policies.iter().any(|(_, p)| !compiles(p, req)) {
        return "error:compile".into();
    }
    let project = match (&req.path_project, &req.project) {
        (Some(a), Some(b)) if a != b => return "error:project_mismatch".into(),
        (a, b) => a.clone().or(b.clone()),
    };
    if operation.actions().is_empty() {
        return "no_action_required".into();
    }
    let counted: Vec<&str> = operation
        .actions()
        .iter()
        .filter(|a| a.situation().is_none_or(|s| req.situations.contains(&s.id())))
        .map(|a| a.action())
        .collect();
    if counted.is_empty() {
        return "error:situation_required".into();
    }
    // (grants, denies) per policy.
    let applicable = |scope: &MScope| -> (bool, bool) {
        match scope {
            MScope::Global => (true, true),
            MScope::Project(p) if operation.iam_project() => match &project {
                Some(known) => (known == p, known == p),
                None => (false, true),
            },
            MScope::EnterpriseProject(e) if operation.enterprise_project() => match &req.enterprise_project {
                Some(known) => (known == e, known == e),
                None => (false, true),
            },
            _ => (false, false),
        }
    };
    let (mut explicit, mut implicit) = (false, false);
    for action in counted {
        let (mut denied, mut allowed) = (false, false);
        for (scope, policy) in policies {
            let (grants, denies) = applicable(scope);
            for statement in policy["Statement"].as_array().into_iter().flatten() {
                if covers(statement, action) != Ok(true) {
                    continue;
                }
                let mut outcome = Tri::T;
                for (op, key, values) in conditions(statement) {
                    match condition(&op, &key, &values, req) {
                        Ok(Tri::F) => outcome = Tri::F,
                        Ok(Tri::U) if outcome == Tri::T => outcome = Tri::U,
                        _ => {}
                    }
                }
                match statement["Effect"].as_str() {
                    Some("Deny") => denied |= denies && outcome != Tri::F,
                    _ => allowed |= grants && outcome == Tri::T && !narrow(statement),
                }
            }
        }
        if denied {
            explicit = true;
        } else if !allowed {
            implicit = true;
        }
    }
    if explicit {
        "explicit_deny".into()
    } else if implicit {
        "implicit_deny".into()
    } else {
        "allow".into()
    }
}
