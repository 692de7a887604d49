//! Unit tests of the importer, on small pages written for them: the fixtures in
//! `tests/fixtures/import/` and grid tables built by [`grid`].

use super::*;
use crate::matrix::model::{ActionEntry, DependencyGroup, MatrixFile, Row};

const FIVE: &[&str] = &[
    "Permissions",
    "APIs",
    "Actions",
    "IAM Project",
    "Enterprise Project",
];
const SIX: &[&str] = &[
    "Permission",
    "API",
    "Action",
    "Dependencies",
    "IAM Project",
    "Enterprise Project",
];

/// An RST page titled `title` whose grid table has `header` and `rows` (cells may hold `\n`).
fn grid(title: &str, header: &[&str], rows: &[&[&str]]) -> String {
    let mut widths = vec![0; header.len()];
    for row in std::iter::once(header).chain(rows.iter().copied()) {
        for (i, cell) in row.iter().enumerate() {
            for line in cell.split('\n') {
                widths[i] = widths[i].max(line.chars().count());
            }
        }
    }
    let border = |fill: &str| {
        let parts: Vec<String> = widths.iter().map(|w| fill.repeat(w + 2)).collect();
        format!("+{}+\n", parts.join("+"))
    };
    let row_lines = |row: &[&str]| {
        let height = row.iter().map(|c| c.split('\n').count()).max().unwrap_or(1);
        let mut out = String::new();
        for k in 0..height {
            let parts: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    let line = cell.split('\n').nth(k).unwrap_or("");
                    let pad = widths[i] - line.chars().count();
                    format!(" {line}{} ", " ".repeat(pad))
                })
                .collect();
            out.push_str(&format!("|{}|\n", parts.join("|")));
        }
        out
    };
    let mut page = format!("{title}\n{}\n\n", "=".repeat(title.chars().count()));
    page.push_str(&border("-"));
    page.push_str(&row_lines(header));
    page.push_str(&border("="));
    for row in rows {
        page.push_str(&row_lines(row));
        page.push_str(&border("-"));
    }
    page
}

fn act(action: &str) -> ActionEntry {
    ActionEntry {
        action: action.to_owned(),
        when: None,
        note: None,
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn row(section: &str, name: &str, method: &str, template: &str, source: &str) -> Row {
    Row {
        section: section.to_owned(),
        name: name.to_owned(),
        name_zh: None,
        method: method.to_owned(),
        template: template.to_owned(),
        api_notes: Vec::new(),
        actions: Vec::new(),
        dependencies: Vec::new(),
        iam_project: true,
        enterprise_project: false,
        sources: vec![source.to_owned()],
        basis: crate::matrix::model::default_basis(),
        inferred_from: None,
        basis_note: None,
        clouds: std::collections::BTreeMap::new(),
    }
}

const ENTERPRISE: &str = "required only for users who have enabled enterprise projects";

// ---- RST -------------------------------------------------------------------------------------

#[test]
fn five_column_layout_without_dependencies() {
    let rows = import_page(
        include_str!("../../../tests/fixtures/import/tagging_5col.rst"),
        "five",
    )
    .unwrap();
    let mut add = row(
        "Image Tagging",
        "Adds a tag.",
        "PUT",
        "/v2/images/{image_id}/tags/{tag}",
        "five",
    );
    add.actions = vec![act("ims:images:get"), act("ims:images:update")];
    let mut query = row(
        "Image Tagging",
        "Queries tags.",
        "GET",
        "/v1/cloudimages/tags",
        "five",
    );
    query.actions = vec![act("ims:images:list")];
    assert_eq!(rows, [add, query]);
}

#[test]
fn six_column_layout_with_every_cell_feature() {
    let rows = import_page(
        include_str!("../../../tests/fixtures/import/replication_6col.rst"),
        "six",
    )
    .unwrap();
    // Multi-line name cell, bulleted note, wrapped bullet (continuation line), qualifier,
    // dependency groups of a bullet's action, escapes.
    let mut copy = row(
        "Image Replication",
        "Copying an Image Within One Region",
        "POST",
        "/v1/cloudimages/{image_id}/copy",
        "six",
    );
    copy.api_notes = strings(&["Requires OBS access.", "Only **default** projects are supported."]);
    copy.actions = vec![
        act("ims:images:copy"),
        ActionEntry {
            action: "ims:serverImages:create".to_owned(),
            when: Some("enterprise-projects-enabled".to_owned()),
            note: Some(ENTERPRISE.to_owned()),
        },
    ];
    copy.dependencies = vec![
        DependencyGroup {
            of: Some("ims:images:copy".to_owned()),
            note: None,
            actions: strings(&["ims:serverImages:create", "obs:bucket:*"]),
        },
        DependencyGroup {
            of: Some("ims:serverImages:create".to_owned()),
            note: Some(ENTERPRISE.to_owned()),
            actions: strings(&["kms:*:*", "evs:volumes:*"]),
        },
    ];
    copy.enterprise_project = true;
    // Paragraph note over two lines, a dependency column without bullets.
    let mut export = row(
        "Image Replication",
        "Exporting an Image",
        "POST",
        "/v1/cloudimages/{image_id}/file",
        "six",
    );
    export.api_notes = strings(&["Tenant Administrator permissions for OBS are needed."]);
    export.actions = vec![act("ims:images:export")];
    export.dependencies = vec![DependencyGroup {
        of: None,
        note: None,
        actions: strings(&["obs:bucket:*", "obs:object:*"]),
    }];
    // N/A and ``-``.
    let version = row("Image Replication", "Querying the Version", "GET", "/", "six");
    assert_eq!(rows, [copy, export, version]);
}

#[test]
fn columns_are_found_by_header_not_position() {
    let page = grid(
        "Image Quota",
        &[
            "Enterprise Project",
            "Action",
            "IAM Project",
            "API",
            "Dependencies",
            "Permission",
        ],
        &[&[
            "x",
            "ims:quotas:get",
            "Y",
            "GET /v1/cloudimages/quota",
            "``-``",
            "Quota",
        ]],
    );
    let rows = import_page(&page, "p").unwrap();
    let mut want = row("Image Quota", "Quota", "GET", "/v1/cloudimages/quota", "p");
    want.actions = vec![act("ims:quotas:get")];
    assert_eq!(rows, [want]);
}

#[test]
fn wrapped_text_is_joined_with_a_space() {
    let page = grid(
        "Image Quota",
        FIVE,
        &[&[
            "Querying\nthe Image\nQuota",
            "GET /v1/cloudimages/quota",
            "ims:quotas:get (required only for\nquickly importing\nsystem disk images)",
            "Y",
            "Y",
        ]],
    );
    let rows = import_page(&page, "p").unwrap();
    assert_eq!(rows[0].name, "Querying the Image Quota");
    assert_eq!(
        rows[0].actions,
        [ActionEntry {
            action: "ims:quotas:get".to_owned(),
            when: Some("system-disk-image-import".to_owned()),
            note: Some("required only for quickly importing system disk images".to_owned()),
        }]
    );
}

#[test]
fn escapes_in_cells() {
    let page = grid(
        "Image Quota",
        SIX,
        &[&[
            r"Name \*with\* ``stars``",
            "GET /v1/cloudimages/quota",
            r"ims:``*``:\*",
            "-  ims:``*``:\\*\n\n   obs:bucket:\\*\n\n   kms:``*``:``*``",
            "Y",
            "Y",
        ]],
    );
    let rows = import_page(&page, "p").unwrap();
    assert_eq!(rows[0].name, "Name *with* stars");
    assert_eq!(rows[0].actions, [act("ims:*:*")]);
    assert_eq!(
        rows[0].dependencies,
        [DependencyGroup {
            of: Some("ims:*:*".to_owned()),
            note: None,
            actions: strings(&["obs:bucket:*", "kms:*:*"]),
        }]
    );
}

#[test]
fn bullets_without_content_under_them_are_one_plain_group() {
    let page = grid(
        "Image Quota",
        SIX,
        &[&[
            "Quota",
            "GET /v1/cloudimages/quota",
            "ims:quotas:get",
            "-  obs:bucket:\\*\n-  obs:object:\\*",
            "Y",
            "Y",
        ]],
    );
    let rows = import_page(&page, "p").unwrap();
    assert_eq!(
        rows[0].dependencies,
        [DependencyGroup {
            of: None,
            note: None,
            actions: strings(&["obs:bucket:*", "obs:object:*"]),
        }]
    );
}

#[test]
fn note_directive_with_text_on_its_line_and_paragraphs() {
    let page = grid(
        "Image Quota",
        FIVE,
        &[&[
            "Quota",
            "GET /v1/cloudimages/quota\n\n.. note:: First note\n   goes on.\n\n   Second note.",
            "ims:quotas:get",
            "Y",
            "Y",
        ]],
    );
    let rows = import_page(&page, "p").unwrap();
    assert_eq!(
        rows[0].api_notes,
        strings(&["First note goes on.", "Second note."])
    );
}

#[test]
fn not_applicable_means_no_action() {
    let page = grid(
        "Image Schema",
        FIVE,
        &[&["Schema", "GET /v2/schemas/image", "N/A", "Y", "x"]],
    );
    let rows = import_page(&page, "p").unwrap();
    assert!(rows[0].actions.is_empty());
}

#[test]
fn unknown_qualifier_is_an_error_that_quotes_it() {
    let page = grid(
        "Image Quota",
        FIVE,
        &[&[
            "Quota",
            "GET /v1/cloudimages/quota",
            "-  ims:quotas:get\n-  ims:images:list (only on Sundays)",
            "Y",
            "Y",
        ]],
    );
    let err = import_page(&page, "p").unwrap_err();
    match &err {
        ImportError::UnknownQualifier {
            page,
            line,
            qualifier,
            ..
        } => {
            assert_eq!(
                (page.as_str(), *line, qualifier.as_str()),
                ("p", 8, "only on Sundays")
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("p:8: unknown qualifier `only on Sundays`"),
        "{err}"
    );
}

#[test]
fn cell_errors_name_page_line_and_column() {
    let bad_flag = grid(
        "Image Quota",
        FIVE,
        &[&["Q", "GET /q", "ims:quotas:get", "maybe", "Y"]],
    );
    assert_eq!(
        import_page(&bad_flag, "p").unwrap_err().to_string(),
        "p:7: `IAM Project` cell: expected `Y` or `x`, found `maybe`"
    );
    let bad_api = grid(
        "Image Quota",
        FIVE,
        &[&["Q", "get the quota", "ims:quotas:get", "Y", "Y"]],
    );
    assert!(matches!(
        import_page(&bad_api, "p").unwrap_err(),
        ImportError::Cell {
            column: "API",
            line: 7,
            ..
        }
    ));
    let bad_action = grid("Image Quota", FIVE, &[&["Q", "GET /q", "quotas get", "Y", "Y"]]);
    assert!(matches!(
        import_page(&bad_action, "p").unwrap_err(),
        ImportError::Cell { column: "Action", .. }
    ));
    let nested = grid(
        "Image Quota",
        FIVE,
        &[&["Q", "GET /q", "-  ims:quotas:get\n\n   ims:images:get", "Y", "Y"]],
    );
    assert!(matches!(
        import_page(&nested, "p").unwrap_err(),
        ImportError::Cell { column: "Action", .. }
    ));
    let unbalanced = grid(
        "Image Quota",
        FIVE,
        &[&["Q", "GET /q", "ims:quotas:get (oops", "Y", "Y"]],
    );
    assert!(matches!(
        import_page(&unbalanced, "p").unwrap_err(),
        ImportError::Cell { column: "Action", .. }
    ));
    let other_text = grid(
        "Image Quota",
        FIVE,
        &[&["Q", "GET /q\n\nstray text", "ims:quotas:get", "Y", "Y"]],
    );
    assert!(matches!(
        import_page(&other_text, "p").unwrap_err(),
        ImportError::Cell {
            column: "API",
            line: 9,
            ..
        }
    ));
}

#[test]
fn header_errors() {
    let unknown = grid(
        "Image Quota",
        &["Permission", "API", "Action", "Colour"],
        &[&["Q", "GET /q", "a:b:c", "red"]],
    );
    assert_eq!(
        import_page(&unknown, "p").unwrap_err(),
        ImportError::UnknownColumn {
            page: "p".to_owned(),
            line: 5,
            header: "Colour".to_owned()
        }
    );
    let missing = grid(
        "Image Quota",
        &["Permission", "API", "Action", "IAM Project"],
        &[&["Q", "GET /q", "a:b:c", "Y"]],
    );
    assert_eq!(
        import_page(&missing, "p").unwrap_err().to_string(),
        "p:5: no `Enterprise Project` column"
    );
    let twice = grid(
        "Image Quota",
        &[
            "Permission",
            "API",
            "Action",
            "Actions",
            "IAM Project",
            "Enterprise Project",
        ],
        &[&["Q", "GET /q", "a:b:c", "a:b:c", "Y", "Y"]],
    );
    assert!(matches!(
        import_page(&twice, "p").unwrap_err(),
        ImportError::Column {
            problem: "duplicate",
            column: "Action",
            ..
        }
    ));
}

#[test]
fn layout_errors() {
    let good = grid(
        "Image Quota",
        FIVE,
        &[&["Q", "GET /q", "ims:quotas:get", "Y", "Y"]],
    );
    let lines: Vec<&str> = good.lines().collect();
    // A row that spans two columns.
    let mut spanning: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    spanning[6] = spanning[6].replacen("| GET", "  GET", 1);
    let err = import_page(&spanning.join("\n"), "p").unwrap_err();
    assert!(matches!(err, ImportError::Layout { line: 7, .. }), "{err:?}");
    // A ragged border.
    let mut ragged: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    ragged[7] = ragged[7].replacen("-+-", "--+", 1);
    assert!(matches!(
        import_page(&ragged.join("\n"), "p").unwrap_err(),
        ImportError::Layout { line: 8, .. }
    ));
    // No header separator.
    let mut no_header: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    no_header[5] = no_header[5].replace('=', "-");
    let no_header = no_header.join("\n");
    assert!(matches!(
        import_page(&no_header, "p").unwrap_err(),
        ImportError::Layout { .. }
    ));
    // Unterminated table.
    let open: String = lines[..7].join("\n");
    assert!(matches!(
        import_page(&open, "p").unwrap_err(),
        ImportError::Layout { .. }
    ));
}

#[test]
fn page_errors() {
    assert_eq!(
        import_page("just text\n", "p").unwrap_err(),
        ImportError::NoTitle { page: "p".to_owned() }
    );
    assert_eq!(
        import_page("Title\n=====\n\nNo table.\n", "p").unwrap_err(),
        ImportError::NoTable { page: "p".to_owned() }
    );
    let huge = "x".repeat(MAX_PAGE_BYTES + 1);
    assert!(matches!(
        import_page(&huge, "p").unwrap_err(),
        ImportError::TooLarge { .. }
    ));
}

#[test]
fn deep_nesting_is_refused_not_recursed() {
    let mut cell = String::new();
    for depth in 0..40 {
        cell.push_str(&format!("{}-  a:b:c\n\n", "   ".repeat(depth)));
    }
    let page = grid(
        "Image Quota",
        SIX,
        &[&["Q", "GET /q", "a:b:c", cell.trim_end(), "Y", "Y"]],
    );
    let err = import_page(&page, "p").unwrap_err();
    assert!(
        matches!(&err, ImportError::Layout { message, .. } if message.contains("nested more than")),
        "{err:?}"
    );
}

// ---- HTML ------------------------------------------------------------------------------------

#[test]
fn html_table_with_entities_lists_and_notes() {
    let rows = import_page(
        include_str!("../../../tests/fixtures/import/tagging_zh.html"),
        "zh",
    )
    .unwrap();
    let mut add = row(
        "Image Tagging",
        "增加标签（OpenStack原生）",
        "PUT",
        "/v2/images/{image_id}/tags/{tag}",
        "zh",
    );
    add.name_zh = Some(add.name.clone());
    add.api_notes = strings(&["标签&值不超过10个。", "仅限默认企业项目。"]);
    add.actions = vec![act("ims:images:get"), act("ims:images:update")];
    add.dependencies = vec![DependencyGroup {
        of: Some("ims:images:update".to_owned()),
        note: None,
        actions: strings(&["obs:bucket:*", "kms:*:*"]),
    }];
    // Every `</p>`, `</td>` and `</tr>` left implicit.
    let mut list = row(
        "Image Tagging",
        "查询租户镜像标签列表",
        "GET",
        "/v1/cloudimages/tags",
        "zh",
    );
    list.name_zh = Some(list.name.clone());
    list.actions = vec![act("ims:images:list")];
    assert_eq!(rows, [add, list]);
}

#[test]
fn html_without_thead_and_with_h1_title() {
    let page = "<html><body><h1>Image Quota</h1>\n<table>\n\
        <tr><th>Permission</th><th>API</th><th>Action</th><th>IAM Project</th><th>Enterprise Project</th></tr>\n\
        <tr><td>Querying the Image Quota</td><td>GET /v1/cloudimages/quota</td><td><p>ims:quotas:get</p></td>\
        <td>Y</td><td>Y</td></tr>\n</table></body></html>";
    let rows = import_page(page, "h").unwrap();
    let mut want = row(
        "Image Quota",
        "Querying the Image Quota",
        "GET",
        "/v1/cloudimages/quota",
        "h",
    );
    want.actions = vec![act("ims:quotas:get")];
    want.enterprise_project = true;
    assert_eq!(rows, [want]);
}

#[test]
fn html_errors_have_lines() {
    let page = "# 镜像配额\n<table><thead><tr><th>权限</th><th>对应API接口</th><th>授权项</th>\
        <th>IAM项目</th><th>企业项目</th></tr></thead>\n<tbody>\n\
        <tr><td>查询</td><td>GET /q</td><td>ims:quotas:get</td><td>√</td><td>?</td></tr>\n\
        </tbody></table>";
    assert_eq!(
        import_page(page, "h").unwrap_err().to_string(),
        "h:4: `Enterprise Project` cell: expected `Y` or `x`, found `?`"
    );
    let unknown = "# 镜像未知\n<table><tr><th>权限</th></tr></table>";
    assert_eq!(
        import_page(unknown, "h").unwrap_err(),
        ImportError::UnknownSection {
            page: "h".to_owned(),
            title: "镜像未知".to_owned()
        }
    );
    let nested = "# 镜像配额\n<table><tr><td><table></table></td></tr></table>";
    assert!(matches!(
        import_page(nested, "h").unwrap_err(),
        ImportError::Layout { line: 2, .. }
    ));
    let unclosed = "# 镜像配额\n<table><tr><th>权限</th></tr>";
    assert!(matches!(
        import_page(unclosed, "h").unwrap_err(),
        ImportError::Layout { .. }
    ));
}

#[test]
fn chinese_section_titles_map_to_english() {
    for (zh, en) in [
        ("镜像管理", "Image Management"),
        ("镜像标签", "Image Tagging"),
        ("镜像Schema", "Image Schema"),
        ("共享镜像", "Image Sharing"),
        ("镜像复制", "Image Replication"),
        ("镜像配额", "Image Quota"),
    ] {
        let page = format!(
            "# {zh}\n<table><tr><th>权限</th><th>对应API接口</th><th>授权项（Action）</th>\
             <th>IAM项目（Project）</th><th>企业项目（Enterprise Project）</th></tr>\
             <tr><td>名</td><td>GET /q</td><td>N/A</td><td>√</td><td>x</td></tr></table>"
        );
        assert_eq!(import_page(&page, "h").unwrap()[0].section, en);
    }
}

// ---- merge -----------------------------------------------------------------------------------

#[test]
fn merge_joins_rows_by_method_and_template() {
    let zh = {
        let mut r = row("Image Quota", "查询配额", "GET", "/q", "zh");
        r.name_zh = Some("查询配额".to_owned());
        r
    };
    let old = row("Image Quota", "Queries the quota.", "GET", "/q", "old");
    let new = row("Image Quota", "Querying the Quota", "GET", "/q", "new");
    let other = row("Image Quota", "Other", "PUT", "/q", "new");
    let file = merge([vec![zh], vec![old, other.clone()], vec![new.clone()], vec![new]]).unwrap();
    assert_eq!(file.operations.len(), 2);
    let merged = &file.operations[0];
    assert_eq!(
        merged.name, "Queries the quota.",
        "the first English name wins over a Chinese one"
    );
    assert_eq!(merged.name_zh.as_deref(), Some("查询配额"));
    assert_eq!(merged.sources, strings(&["zh", "old", "new"]));
    assert_eq!(file.operations[1], other);
}

#[test]
fn merge_reports_the_row_and_the_field_that_differ() {
    let a = row("Image Quota", "A", "GET", "/q", "one");
    let mut b = row("Image Quota", "B", "GET", "/q", "two");
    b.enterprise_project = true;
    let err = merge([vec![a.clone()], vec![b]]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`GET /q`: `enterprise_project` differs: `one` has false, `two` has true"
    );
    let mut c = row("Image Quota", "C", "GET", "/q", "three");
    c.dependencies = vec![DependencyGroup {
        of: None,
        note: None,
        actions: strings(&["obs:bucket:*"]),
    }];
    assert!(matches!(
        merge([vec![a.clone()], vec![c]]).unwrap_err(),
        ImportError::Conflict(c) if c.field == "dependencies"
    ));
    let d = row("Image Tagging", "D", "GET", "/q", "four");
    assert!(matches!(
        merge([vec![a], vec![d]]).unwrap_err(),
        ImportError::Conflict(c) if c.field == "section"
    ));
}

// ---- to_toml ---------------------------------------------------------------------------------

#[test]
fn to_toml_parses_back_into_the_same_file() {
    let rows = import_page(
        include_str!("../../../tests/fixtures/import/replication_6col.rst"),
        "six",
    )
    .unwrap();
    let mut file = merge([rows]).unwrap();
    file.operations[0].name = "Quote \" backslash \\ tab \t bell \u{7}".to_owned();
    let back: MatrixFile = toml::from_str(&to_toml(&file)).unwrap();
    assert_eq!(back, file);
}

#[test]
fn to_toml_prints_the_committed_file_exactly() {
    let committed = include_str!("../ims-permissions.toml");
    let file: MatrixFile = toml::from_str(committed).unwrap();
    let mut without_comments = String::new();
    for line in committed.lines().filter(|l| !l.starts_with('#')) {
        if line.is_empty() && (without_comments.is_empty() || without_comments.ends_with("\n\n")) {
            continue;
        }
        without_comments.push_str(line);
        without_comments.push('\n');
    }
    assert_eq!(to_toml(&file), without_comments);
}
