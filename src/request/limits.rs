//! Bounds on the condition-key values a request carries, and the context builder that enforces them.

use super::Context;

use crate::quote::Quoted;

/// Bounds on the condition-key values of one request, for callers that build a [`Context`] from input
/// they do not control (request headers, command-line arguments, test files).
///
/// [`Context`] itself borrows whatever it is given and enforces nothing, so that a gateway can build
/// one per request without a check it has already made. Evaluation is linear in the number and length
/// of the values, so whoever fills a context from untrusted input should bound it first with
/// [`ContextLimits::check`]. The command line (`--context`) and the decision-test runner (`context`)
/// check the defaults and refuse a request over them (exit code 2), never deciding it.
///
/// | field             | default |
/// |-------------------|---------|
/// | `max_values`      | 128     |
/// | `max_key_bytes`   | 1,024   |
/// | `max_value_bytes` | 4,096   |
///
/// ```
/// use ims_iam::ContextLimits;
///
/// let limits = ContextLimits::default();
/// assert!(limits.check([("g:SourceIp", "10.1.2.3"), ("g:TagKeys", "env")]).is_ok());
/// let long = "x".repeat(5_000);
/// let err = limits.check([("g:UserName", long.as_str())]).unwrap_err();
/// assert_eq!(err.kind(), "limit_exceeded");
/// assert_eq!(err.limit(), "max_value_bytes");
/// assert_eq!(
///     err.to_string(),
///     "limit `max_value_bytes` (4096) exceeded: the value of `g:UserName` has 5000 bytes"
/// );
/// ```
///
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextLimits {
    /// Values over all keys (a key given three times counts three). Default 128.
    pub max_values: usize,
    /// Bytes in one key name. Default 1,024.
    pub max_key_bytes: usize,
    /// Bytes in one value. Default 4,096.
    pub max_value_bytes: usize,
}

impl Default for ContextLimits {
    fn default() -> Self {
        ContextLimits {
            max_values: 128,
            max_key_bytes: 1024,
            max_value_bytes: 4096,
        }
    }
}

impl ContextLimits {
    /// Checks the key and value pairs a context is about to be built from, in order; fails at the first
    /// pair over a bound, naming the bound.
    pub fn check<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<(), ContextError> {
        for (count, (key, value)) in pairs.into_iter().enumerate() {
            self.check_pair(count, key, value)?;
        }
        Ok(())
    }

    /// Checks pair number `count` (0-based).
    fn check_pair(&self, count: usize, key: &str, value: &str) -> Result<(), ContextError> {
        if count == self.max_values {
            return Err(ContextError {
                limit: "max_values",
                max: self.max_values,
                what: format!("more than {} condition-key values", self.max_values),
            });
        }
        if key.len() > self.max_key_bytes {
            return Err(ContextError {
                limit: "max_key_bytes",
                max: self.max_key_bytes,
                what: format!("a condition key has {} bytes", key.len()),
            });
        }
        if value.len() > self.max_value_bytes {
            return Err(ContextError {
                limit: "max_value_bytes",
                max: self.max_value_bytes,
                what: format!("the value of {} has {} bytes", Quoted(key), value.len()),
            });
        }
        Ok(())
    }
}

impl<'a> Context<'a> {
    /// Builds a context from condition-key values that come from input the caller does not control
    /// (command-line arguments, test files, request headers), bounded by `limits`: the one way the
    /// command line, the decision-test runner and the gateway build theirs. Allocates nothing for up to
    /// [`Context::INLINE_VALUES`] pairs.
    ///
    /// ```
    /// use ims_iam::{Context, ContextLimits};
    /// let limits = ContextLimits::default();
    /// let ctx = Context::from_untrusted([("g:SourceIp", "10.1.2.3")], &limits)?;
    /// assert_eq!(ctx.values("g:sourceip").collect::<Vec<_>>(), ["10.1.2.3"]);
    /// let tight = ContextLimits { max_values: 1, ..ContextLimits::default() };
    /// let err = Context::from_untrusted([("a", "1"), ("b", "2")], &tight).unwrap_err();
    /// assert_eq!(err.limit(), "max_values");
    /// # Ok::<(), ims_iam::ContextError>(())
    /// ```
    pub fn from_untrusted(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        limits: &ContextLimits,
    ) -> Result<Context<'a>, ContextError> {
        let mut ctx = Context::default();
        for (count, (key, value)) in pairs.into_iter().enumerate() {
            limits.check_pair(count, key, value)?;
            ctx.push_value(key, value);
        }
        Ok(ctx)
    }
}

/// A request context over one of the [`ContextLimits`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("limit `{limit}` ({max}) exceeded: {what}")]
pub struct ContextError {
    limit: &'static str,
    max: usize,
    what: String,
}

impl ContextError {
    /// A stable snake_case id of the error's class: `limit_exceeded`.
    pub fn kind(&self) -> &'static str {
        "limit_exceeded"
    }

    /// The name of the bound: `max_values`, `max_key_bytes` or `max_value_bytes`.
    pub fn limit(&self) -> &'static str {
        self.limit
    }
}
