//! `--cloud NAME`: the cloud profile whose permission table a command routes to and decides with.

use ims_iam::Cloud;

/// The `--cloud` option, flattened into every command that routes or decides.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct CloudArg {
    /// The cloud profile whose permission table to use: `otc` (the default), `huawei-cloud` or
    /// `eu-west-0`. The profiles route the same paths; their required and dependent actions differ.
    #[arg(long = "cloud", value_name = "NAME", default_value = "otc", value_parser = parse)]
    pub(crate) cloud: Cloud,
}

pub(crate) fn parse(id: &str) -> Result<Cloud, String> {
    Cloud::parse(id).ok_or_else(|| {
        let known: Vec<&str> = Cloud::ALL.iter().map(|c| c.id()).collect();
        format!("unknown cloud `{id}`; expected one of: {}", known.join(", "))
    })
}
