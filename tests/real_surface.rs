#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real surface (SPEC 1.2a): every operation of the Huawei Cloud IMS SDK routes to the row whose
//! template is its resource path, in every cloud profile; the requests that openstacksdk and
//! python-glanceclient send for images route or are refused as documented; the rows that no permission
//! page lists say where their facts come from.

use ims_iam::{Basis, Cloud, Method, Router, route};
use serde::Deserialize;

#[derive(Deserialize)]
struct SdkFile {
    operation: Vec<SdkOperation>,
}

#[derive(Deserialize)]
struct SdkOperation {
    name: String,
    method: String,
    path: String,
}

fn sdk_operations() -> Vec<SdkOperation> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ims-sdk-operations.toml"
    ))
    .unwrap();
    toml::from_str::<SdkFile>(&text).unwrap().operation
}

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const IMAGE: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
const JOB: &str = "ff8080814dbd65d7014dbe0d84db0013";

/// The SDK operation's path with a well-formed value for each placeholder: the example path of the
/// row with the same method and template in `cloud` (none is a failure).
fn fill(cloud: Cloud, op: &SdkOperation) -> String {
    cloud
        .operations()
        .iter()
        .find(|row| row.method().as_str() == op.method && row.template() == op.path)
        .unwrap_or_else(|| panic!("{}: no row `{} {}` in {cloud}", op.name, op.method, op.path))
        .example_path()
}

#[test]
fn every_sdk_operation_routes_to_its_row_in_every_profile() {
    let ops = sdk_operations();
    assert_eq!(ops.len(), 51, "ImsClient has 51 operations");
    for cloud in Cloud::ALL {
        let router = Router::default().with_cloud(cloud);
        for op in &ops {
            let target = fill(cloud, op);
            let m = router
                .route(&op.method, &target)
                .unwrap_or_else(|e| panic!("{} ({} {target}) in {cloud}: {e}", op.name, op.method));
            assert_eq!(m.operation().template(), op.path, "{}", op.name);
            assert_eq!(
                m.operation().method(),
                Method::parse(&op.method).unwrap(),
                "{}",
                op.name
            );
            assert_eq!(m.operation().cloud(), cloud);
        }
    }
}

#[test]
fn every_row_is_reached_by_the_sdk_or_listed_by_a_permission_page() {
    let ops = sdk_operations();
    for row in ims_iam::operations() {
        let from_sdk = ops
            .iter()
            .any(|o| o.method == row.method().as_str() && o.path == row.template());
        assert!(
            from_sdk || row.basis() == Basis::PermissionTable,
            "{row}: neither an SDK operation nor listed by a permission page"
        );
    }
}

#[test]
fn rows_no_permission_page_lists_say_where_their_facts_come_from() {
    let mut inferred = 0;
    for row in ims_iam::operations() {
        match row.basis() {
            Basis::PermissionTable => {
                assert!(row.inferred_from().is_none(), "{row}");
            }
            Basis::Inferred => {
                inferred += 1;
                let from = row.inferred_from().unwrap();
                let counterpart = ims_iam::operations()
                    .iter()
                    .find(|o| o.to_string() == from)
                    .unwrap_or_else(|| panic!("{row}: no row `{from}`"));
                // Never fewer actions than the counterpart, in any profile.
                for cloud in Cloud::ALL {
                    let mine = &cloud.operations()[row.index()];
                    let theirs = &cloud.operations()[counterpart.index()];
                    for a in theirs.actions() {
                        assert!(
                            mine.actions()
                                .iter()
                                .any(|m| m.action() == a.action() && m.situation() == a.situation()),
                            "{row} in {cloud} lacks {}",
                            a.action()
                        );
                    }
                }
            }
            Basis::Decision => {
                assert!(row.basis_note().is_some_and(|n| !n.is_empty()), "{row}");
                // Fail closed: only rows that change nothing may require no action by decision.
                assert_eq!(
                    row.method(),
                    Method::Get,
                    "{row}: a decision row must be read-only"
                );
            }
        }
    }
    assert_eq!(inferred, 6, "five v2.1 rows and `GET /{{version}}`");
}

/// What openstacksdk and python-glanceclient send for images: routed, or refused with the kind given.
#[test]
fn openstack_clients_route_or_are_refused_as_documented() {
    let image = format!("/v2/images/{IMAGE}");
    let cases: Vec<(&str, String, Result<&str, &str>)> = vec![
        // Version discovery: the root document and one version's document.
        ("GET", "/".into(), Ok("/")),
        ("GET", "/v2".into(), Ok("/{version}")),
        ("GET", "/v2.1".into(), Ok("/{version}")),
        // A trailing slash is an empty segment, never another API.
        ("GET", "/v2/".into(), Err("empty_segment")),
        // python-glanceclient's `versions.list()`: IMS documents no `/versions`; it is not an API version.
        ("GET", "/versions".into(), Err("invalid_param")),
        // Schema fetches before any image call.
        ("GET", "/v2/schemas/image".into(), Ok("/v2/schemas/image")),
        ("GET", "/v2/schemas/images".into(), Ok("/v2/schemas/images")),
        ("GET", "/v2/schemas/member".into(), Ok("/v2/schemas/member")),
        ("GET", "/v2/schemas/members".into(), Ok("/v2/schemas/members")),
        // Tags: the Glance clients put the raw tag in the path.
        (
            "PUT",
            format!("{image}/tags/env"),
            Ok("/v2/images/{image_id}/tags/{tag}"),
        ),
        (
            "DELETE",
            format!("{image}/tags/env"),
            Ok("/v2/images/{image_id}/tags/{tag}"),
        ),
        (
            "PUT",
            format!("{image}/tags/a%2Fb"),
            Ok("/v2/images/{image_id}/tags/{tag}"),
        ),
        ("PUT", format!("{image}/tags/a/b"), Err("not_found")),
        ("PUT", format!("{image}/tags/"), Err("empty_segment")),
        // Image calls.
        ("GET", "/v2/images?limit=25".into(), Ok("/v2/images")),
        ("GET", image.clone(), Ok("/v2/images/{image_id}")),
        ("PATCH", image.clone(), Ok("/v2/images/{image_id}")),
        ("DELETE", image.clone(), Ok("/v2/images/{image_id}")),
        ("PUT", format!("{image}/file"), Ok("/v2/images/{image_id}/file")),
        // Glance calls IMS does not document: refused, never routed to a neighbour.
        ("GET", format!("{image}/file"), Err("not_found")),
        ("POST", format!("{image}/actions/deactivate"), Err("not_found")),
        ("POST", format!("{image}/import"), Err("not_found")),
        ("GET", "/v2/info/import".into(), Err("not_found")),
    ];
    for (method, target, want) in cases {
        let got = route(method, &target)
            .map(|m| m.operation().template())
            .map_err(|e| e.kind());
        assert_eq!(got, want, "{method} {target}");
    }
}

#[test]
fn new_parameter_formats_fail_closed() {
    for (target, ok) in [
        (format!("/v1/{PROJECT}/jobs/{JOB}"), true),
        (format!("/v1/{PROJECT}/jobs/not-a-job"), false),
        (format!("/v1/{PROJECT}/jobs/{}", JOB.to_uppercase()), true),
        (
            "/v1/cloudimages/job/ff8080814dbd65d7014dbe0d84db001".into(),
            false,
        ),
        (format!("/v1/cloudimages/job/{JOB}"), true),
        ("/v1".into(), true),
        ("/v22.10".into(), true),
        ("/v2.".into(), false),
        ("/v".into(), false),
        ("/V2".into(), false),
        ("/v2.1.1".into(), false),
        ("/v1234".into(), false),
        ("/%76%32".into(), true),
        ("/images".into(), false),
    ] {
        let result = route("GET", &target);
        assert_eq!(result.is_ok(), ok, "{target}: {result:?}");
        if let Err(e) = result {
            assert_eq!(e.kind(), "invalid_param", "{target}");
        }
    }
    // The relaxed router takes any non-empty segment.
    let relaxed = Router::default().accept_any_param_format();
    assert_eq!(
        relaxed.route("GET", "/versions").unwrap().param("version"),
        Some("versions")
    );
}

#[test]
fn the_version_row_matches_only_one_segment_paths() {
    // `GET /{version}` has one segment; the router compares only templates with as many segments as
    // the path, so it cannot take any other GET route, and no other GET template has one segment.
    let version = ims_iam::operations()
        .iter()
        .find(|o| o.template() == "/{version}")
        .unwrap();
    assert_eq!(version.param_names().count(), 1);
    for o in ims_iam::operations().iter().filter(|o| o.method() == Method::Get) {
        if o.index() != version.index() {
            let segments = o.template().split('/').filter(|s| !s.is_empty()).count();
            assert_ne!(segments, 1, "{o}");
        }
        let target = o.example_path();
        assert_eq!(
            route("GET", &target).unwrap().operation().index(),
            o.index(),
            "{o}"
        );
    }
    assert!(
        ims_iam::overlaps()
            .all(|o| o.winner.index() != version.index() && o.loser.index() != version.index())
    );
}

#[test]
fn job_and_version_rows_require_no_action_and_keep_the_path_project() {
    let target = format!("/v1/{PROJECT}/jobs/{JOB}");
    let job = route("GET", &target).unwrap();
    assert!(job.operation().actions().is_empty());
    assert_eq!(job.operation().basis(), Basis::Decision);
    assert_eq!(job.project_id(), Some(PROJECT));
    let set = ims_iam::PolicySet::new(Vec::<ims_iam::Policy>::new()).unwrap();
    let anyone = ims_iam::Context::default();
    assert!(set.authorize(&ims_iam::Request::new(&job, &anyone)).is_allowed());
    // A caller in another project is refused: the path's project binds the request.
    let other = ims_iam::Context::default().with_project("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert!(!set.authorize(&ims_iam::Request::new(&job, &other)).is_allowed());
}
