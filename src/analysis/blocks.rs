//! Condition blocks: each `"<Operator>": {"<key>": [values]}` entry of every analysed statement, kept
//! once however often it is written, with what the candidate generators need (the operator family and
//! the written values).

use std::collections::HashMap;

use super::adapter::Block;
use crate::policy::ConditionEntry;

/// How a string operator compares (for the string theory's automata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum StrKind {
    Equals,
    IgnoreCase,
    Like,
    StartWith,
    EndWith,
}

/// The value theory an operator belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Str(StrKind),
    Number,
    Date,
    Ip,
    Bool,
    /// `Null`, `IsNullOrEmpty`: presence and emptiness only.
    Presence,
}

impl Family {
    /// The family of an operator as written (set prefix and `IfExists` allowed).
    fn of(operator: &str) -> Family {
        let base = operator
            .strip_prefix("ForAnyValue:")
            .or_else(|| operator.strip_prefix("ForAllValues:"))
            .unwrap_or(operator);
        let base = base.strip_suffix("IfExists").unwrap_or(base);
        if base.starts_with("Number") {
            Family::Number
        } else if base.starts_with("Date") {
            Family::Date
        } else if base == "Bool" {
            Family::Bool
        } else if base.ends_with("IpAddress") {
            Family::Ip
        } else if base == "Null" || base == "IsNullOrEmpty" {
            Family::Presence
        } else if base.contains("IgnoreCase") {
            Family::Str(StrKind::IgnoreCase)
        } else if base.contains("Like") || base.contains("Match") {
            Family::Str(StrKind::Like)
        } else if base.contains("StartWith") {
            Family::Str(StrKind::StartWith)
        } else if base.contains("EndWith") {
            Family::Str(StrKind::EndWith)
        } else {
            Family::Str(StrKind::Equals)
        }
    }
}

/// One distinct block.
#[derive(Debug, Clone)]
pub(crate) struct BlockInfo {
    /// The key, ASCII-lowercased (keys compare without regard to ASCII case).
    pub(crate) key: String,
    /// The key as first written.
    pub(crate) key_written: String,
    pub(crate) operator: String,
    pub(crate) values: Vec<String>,
    pub(crate) family: Family,
    pub(crate) block: Block,
}

impl BlockInfo {
    /// Whether the block decides a set of values only when they agree (no set prefix, not
    /// `IsNullOrEmpty`): then a set's truth is `Holds` when all its values hold, `Fails` when all fail,
    /// else `Unevaluable`.
    pub(crate) fn decides_by_agreement(&self) -> bool {
        !self.operator.starts_with("ForAnyValue:")
            && !self.operator.starts_with("ForAllValues:")
            && self.operator != "IsNullOrEmpty"
    }

    /// `Operator key [v1, v2]`, as answers print a condition atom.
    pub(crate) fn atom(&self) -> String {
        format!("{} {} {:?}", self.operator, self.key_written, self.values)
    }
}

/// Every distinct block of the analysed policy sets.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    list: Vec<BlockInfo>,
    index: HashMap<(String, String, Vec<String>), usize>,
}

impl Blocks {
    /// The id of a block, adding it if new; `None` if it does not compile.
    pub(crate) fn intern(&mut self, entry: &ConditionEntry) -> Option<usize> {
        let values: Vec<String> = entry
            .values
            .iter()
            .map(|v| v.value.as_text().to_owned())
            .collect();
        let id = (
            entry.operator.value.clone(),
            entry.key.value.to_ascii_lowercase(),
            values.clone(),
        );
        if let Some(&i) = self.index.get(&id) {
            return Some(i);
        }
        let block = Block::compile(entry)?;
        let i = self.list.len();
        self.list.push(BlockInfo {
            key: id.1.clone(),
            key_written: entry.key.value.clone(),
            operator: entry.operator.value.clone(),
            values,
            family: Family::of(&entry.operator.value),
            block,
        });
        self.index.insert(id, i);
        Some(i)
    }

    pub(crate) fn get(&self, id: usize) -> &BlockInfo {
        &self.list[id]
    }
}
