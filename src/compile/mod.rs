//! Compilation: policy documents become an immutable [`PolicySet`](crate::PolicySet).

pub(crate) mod wildcard;
