//! Cloud profiles: whose documentation a permission table follows, and where two profiles differ.

use std::fmt;

use super::{Operation, PROFILES, TABLES};

/// A cloud profile: the documentation whose facts the permission table follows.
///
/// Open Telekom Cloud, Huawei Cloud and Huawei Cloud's region editions disagree on some rows (required
/// actions, dependent actions). Every profile has the same rows in the same order, so the router is
/// the same; the facts of a row are the profile's. The default is [`Cloud::Otc`].
///
/// ```
/// use ims_iam::{Cloud, Router};
///
/// assert_eq!(Cloud::default(), Cloud::Otc);
/// assert_eq!(Cloud::parse("eu-west-0"), Some(Cloud::EuWest0));
///
/// // eu-west-0's tables require `ims:images:get` to delete an image; OTC's do not.
/// let target = "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
/// let actions = |cloud: Cloud| -> Vec<&str> {
///     let m = Router::default().with_cloud(cloud).route("DELETE", target).unwrap();
///     m.operation().actions().iter().map(|a| a.action()).collect()
/// };
/// assert_eq!(actions(Cloud::Otc), ["ims:images:delete"]);
/// assert_eq!(actions(Cloud::EuWest0), ["ims:images:get", "ims:images:delete"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Cloud {
    /// `otc`: Open Telekom Cloud's permission pages (the default), plus the rows only other clouds list.
    #[default]
    Otc,
    /// `huawei-cloud`: Huawei Cloud's current permission tables.
    HuaweiCloud,
    /// `eu-west-0`: the "API Actions" tables of Huawei Cloud's Paris region edition.
    EuWest0,
}

impl Cloud {
    /// Every profile, the default first.
    pub const ALL: [Cloud; 3] = [Cloud::Otc, Cloud::HuaweiCloud, Cloud::EuWest0];

    /// The profile's stable id (`otc`, `huawei-cloud`, `eu-west-0`), used by `--cloud` and test files.
    pub fn id(self) -> &'static str {
        match self {
            Cloud::Otc => "otc",
            Cloud::HuaweiCloud => "huawei-cloud",
            Cloud::EuWest0 => "eu-west-0",
        }
    }

    /// The profile with this id.
    pub fn parse(id: &str) -> Option<Cloud> {
        Cloud::ALL.into_iter().find(|c| c.id() == id)
    }

    /// A human-readable name, from the data file.
    pub fn name(self) -> &'static str {
        PROFILES[self as usize].0
    }

    /// The documentation pages whose facts the profile records, from the data file.
    pub fn sources(self) -> &'static [&'static str] {
        PROFILES[self as usize].1
    }

    /// The profile's permission table: every row, in documentation order.
    ///
    /// ```
    /// use ims_iam::Cloud;
    /// assert_eq!(Cloud::HuaweiCloud.operations().len(), Cloud::Otc.operations().len());
    /// assert!(Cloud::HuaweiCloud.operations().iter().all(|op| op.cloud() == Cloud::HuaweiCloud));
    /// ```
    pub fn operations(self) -> &'static [Operation] {
        TABLES[self as usize]
    }

    /// The rows whose facts differ between two profiles (required actions with their situations,
    /// dependent actions, the Enterprise Project flag), as `(row in self, row in other)`.
    ///
    /// ```
    /// use ims_iam::Cloud;
    /// let rows: Vec<String> = Cloud::Otc
    ///     .differences(Cloud::HuaweiCloud)
    ///     .map(|(a, _)| a.to_string())
    ///     .collect();
    /// assert!(rows.contains(&"POST /v1/cloudimages/{image_id}/cross_region_copy".to_owned()));
    /// assert_eq!(Cloud::Otc.differences(Cloud::Otc).count(), 0);
    /// ```
    pub fn differences(self, other: Cloud) -> impl Iterator<Item = (&'static Operation, &'static Operation)> {
        self.operations()
            .iter()
            .zip(other.operations())
            .filter(|(a, b)| !same_facts(a, b))
    }
}

/// Whether two profiles' versions of one row have the same facts.
fn same_facts(a: &Operation, b: &Operation) -> bool {
    let actions = |op: &Operation| -> Vec<(&str, Option<&str>)> {
        op.actions()
            .iter()
            .map(|r| (r.action(), r.situation().map(|s| s.id())))
            .collect()
    };
    let dependencies = |op: &Operation| -> Vec<(Option<&str>, &[&str])> {
        op.dependencies().iter().map(|g| (g.of(), g.actions())).collect()
    };
    actions(a) == actions(b)
        && dependencies(a) == dependencies(b)
        && a.enterprise_project() == b.enterprise_project()
        && a.iam_project() == b.iam_project()
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Where a row's required actions come from.
///
/// ```
/// use ims_iam::{Basis, Router};
/// let m = Router::default().route("POST", "/v2.1/cloudimages/action").unwrap();
/// assert_eq!(m.operation().basis(), Basis::Inferred);
/// assert_eq!(m.operation().inferred_from(), Some("POST /v2/cloudimages/action"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// A permission page lists the row with its actions.
    PermissionTable,
    /// No permission page lists the row; its facts are its counterpart's
    /// ([`Operation::inferred_from`]), never fewer actions.
    Inferred,
    /// No page gives the actions; this project decided ([`Operation::basis_note`] says what and why).
    Decision,
}

impl Basis {
    /// The basis's stable id (`permission-table`, `inferred`, `decision`).
    pub fn id(self) -> &'static str {
        match self {
            Basis::PermissionTable => "permission-table",
            Basis::Inferred => "inferred",
            Basis::Decision => "decision",
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
