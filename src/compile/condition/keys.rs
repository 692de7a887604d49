//! The global condition keys (`g:...`) and the type of value each one holds, shared by the evaluator's
//! documentation and the linter, which reports unknown keys and keys used with an operator of the wrong
//! type.

/// The type of the values a condition key holds, or that an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueType {
    /// Text (`String...` operators).
    String,
    /// A number (`Number...` operators).
    Number,
    /// An RFC 3339 instant (`Date...` operators).
    Date,
    /// `true` or `false` (`Bool`).
    Bool,
    /// An IP address (`IpAddress`, `NotIpAddress`).
    Ip,
}

impl ValueType {
    /// How messages name the type.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Number => "number",
            ValueType::Date => "date",
            ValueType::Bool => "boolean",
            ValueType::Ip => "IP address",
        }
    }

    /// The name with its article: `a string`, `an IP address`.
    pub(crate) fn with_article(self) -> &'static str {
        match self {
            ValueType::String => "a string",
            ValueType::Number => "a number",
            ValueType::Date => "a date",
            ValueType::Bool => "a boolean",
            ValueType::Ip => "an IP address",
        }
    }

    /// The operators to use for keys of this type, for messages.
    pub(crate) fn operators(self) -> &'static str {
        match self {
            ValueType::String => "a `String...` operator",
            ValueType::Number => "a `Number...` operator",
            ValueType::Date => "a `Date...` operator",
            ValueType::Bool => "`Bool`",
            ValueType::Ip => "`IpAddress` or `NotIpAddress`",
        }
    }
}

/// A global condition key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GlobalKey {
    /// The documented spelling; for tag keys the prefix up to and including `/`.
    pub(crate) name: &'static str,
    /// The type of its values.
    pub(crate) value_type: ValueType,
    /// A tag key: the name is a prefix followed by the tag's key (`g:ResourceTag/env`).
    pub(crate) tag_prefix: bool,
}

const fn key(name: &'static str, value_type: ValueType) -> GlobalKey {
    GlobalKey {
        name,
        value_type,
        tag_prefix: false,
    }
}

/// Every global condition key the IAM documentation lists for fine-grained (1.1) policies.
pub(crate) const GLOBAL_KEYS: &[GlobalKey] = &[
    key("g:CurrentTime", ValueType::Date),
    key("g:DomainName", ValueType::String),
    key("g:MFAPresent", ValueType::Bool),
    key("g:MFAAge", ValueType::Number),
    key("g:ProjectName", ValueType::String),
    key("g:ServiceName", ValueType::String),
    key("g:UserId", ValueType::String),
    key("g:UserName", ValueType::String),
    key("g:SourceIp", ValueType::Ip),
    key("g:EnterpriseProjectId", ValueType::String),
    GlobalKey {
        name: "g:ResourceTag/",
        value_type: ValueType::String,
        tag_prefix: true,
    },
    GlobalKey {
        name: "g:RequestTag/",
        value_type: ValueType::String,
        tag_prefix: true,
    },
    key("g:TagKeys", ValueType::String),
];

/// The global key a condition key names (compared without regard to ASCII case); `None` for a key
/// that is not a known global key. A tag key needs a non-empty tag name after the `/`.
pub(crate) fn global_key(name: &str) -> Option<&'static GlobalKey> {
    GLOBAL_KEYS.iter().find(|k| {
        if k.tag_prefix {
            name.len() > k.name.len()
                && name
                    .get(..k.name.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(k.name))
        } else {
            name.eq_ignore_ascii_case(k.name)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_without_regard_to_case() {
        assert_eq!(global_key("g:sourceip").map(|k| k.name), Some("g:SourceIp"));
        assert_eq!(
            global_key("G:ResourceTag/env").map(|k| k.name),
            Some("g:ResourceTag/")
        );
        assert!(global_key("g:ResourceTag/").is_none());
        assert!(global_key("g:SourceIP4").is_none());
    }
}
