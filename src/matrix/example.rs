//! A concrete path for a template: the one way the documentation, the tests, the benches and the
//! fuzz seeds turn `/v2/images/{image_id}/tags/{tag}` into a path that routes.

use super::{Operation, ParamFormat, Segment};

impl Operation {
    /// A path that the default, strict router routes to this row: every parameter replaced by a
    /// value valid for its format. `image_id` is `0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11`, `project_id`
    /// is `0123456789abcdef0123456789abcdef`, `member_id` and `job_id` are
    /// `fedcba9876543210fedcba9876543210`, `version` is `v2`, and `tag` and `key` are `env`.
    ///
    /// ```
    /// use ims_iam::{Method, operations, route};
    ///
    /// let put_tag = operations()
    ///     .iter()
    ///     .find(|op| op.method() == Method::Put && op.template() == "/v2/images/{image_id}/tags/{tag}")
    ///     .unwrap();
    /// assert_eq!(put_tag.example_path(), "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env");
    ///
    /// // Every row's example path routes back to that row.
    /// for op in operations() {
    ///     let path = op.example_path();
    ///     let m = route(op.method().as_str(), &path).unwrap();
    ///     assert!(std::ptr::eq(m.operation(), op));
    /// }
    /// ```
    pub fn example_path(&self) -> String {
        self.path_with(|_| None)
    }

    /// The template with each parameter replaced by `value(name)`, or by its
    /// [example](Operation::example_path) where `value` gives `None`. Values are written as given
    /// (percent-encode them first where needed).
    ///
    /// ```
    /// use ims_iam::{Method, operations};
    ///
    /// let delete_tag = operations()
    ///     .iter()
    ///     .find(|op| op.method() == Method::Delete && op.template() == "/v2/images/{image_id}/tags/{tag}")
    ///     .unwrap();
    /// let path = delete_tag.path_with(|name| (name == "tag").then_some("a%2Fb"));
    /// assert_eq!(path, "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/a%2Fb");
    /// ```
    pub fn path_with<'v>(&self, mut value: impl FnMut(&'static str) -> Option<&'v str>) -> String {
        if self.segments.is_empty() {
            return "/".to_owned();
        }
        let mut path = String::with_capacity(self.template.len() + 64);
        for segment in self.segments {
            path.push('/');
            match *segment {
                Segment::Literal(literal) => path.push_str(literal),
                Segment::Param(name, format) => path.push_str(value(name).unwrap_or(example(name, format))),
            }
        }
        path
    }
}

/// A value of the parameter `name` that its format accepts.
fn example(name: &str, format: ParamFormat) -> &'static str {
    match format {
        ParamFormat::Uuid => "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11",
        ParamFormat::Hex32 if name == "project_id" => "0123456789abcdef0123456789abcdef",
        ParamFormat::Hex32 => "fedcba9876543210fedcba9876543210",
        ParamFormat::ApiVersion => "v2",
        ParamFormat::Any => "env",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::Cloud;

    #[test]
    fn every_example_value_has_its_format() {
        for cloud in Cloud::ALL {
            for op in cloud.operations() {
                for segment in op.segments() {
                    if let Segment::Param(name, format) = *segment {
                        assert!(format.accepts(example(name, format)), "{op}: {name}");
                    }
                }
                assert!(!op.example_path().contains('{'), "{op}");
            }
        }
    }

    #[test]
    fn the_root_template_is_the_root_path() {
        let root = crate::operations()
            .iter()
            .find(|op| op.template() == "/")
            .unwrap();
        assert_eq!(root.example_path(), "/");
    }
}
