//! What both page formats reduce a table to (header texts, rows of cells made of paragraphs, bullet
//! lists and notes), and how such a table becomes rows of the data file.

use super::ImportError;
use crate::matrix::model::{ActionEntry, DependencyGroup, Row, SITUATIONS, check_action, situation_for_note};

/// A block of a cell's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Block {
    /// A paragraph: its text, wrapped lines joined with a space, inline markup resolved.
    Para {
        /// The text.
        text: String,
        /// The page line where it starts.
        line: usize,
    },
    /// A bullet list.
    List(Vec<Item>),
    /// A `.. note::` block (HTML: `<div class="note">`).
    Note {
        /// The note's content.
        blocks: Vec<Block>,
        /// The page line where it starts.
        line: usize,
    },
}

/// One bullet: its first block is normally the bullet's own text; the blocks after it are the
/// content indented under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Item {
    /// The item's content.
    pub(super) blocks: Vec<Block>,
    /// The page line of the bullet.
    pub(super) line: usize,
}

/// A table as read from a page, before its cells are interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawTable {
    /// The page line of the header row.
    pub(super) header_line: usize,
    /// The header texts, in column order.
    pub(super) headers: Vec<String>,
    /// The body rows.
    pub(super) rows: Vec<RawRow>,
}

/// A body row: one cell (a list of blocks) per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawRow {
    /// The page line where the row starts.
    pub(super) line: usize,
    /// The cells, in column order.
    pub(super) cells: Vec<Vec<Block>>,
}

/// The columns the importer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Api,
    Action,
    Dependencies,
    IamProject,
    EnterpriseProject,
}

impl Column {
    const ALL: [Column; 6] = [
        Column::Name,
        Column::Api,
        Column::Action,
        Column::Dependencies,
        Column::IamProject,
        Column::EnterpriseProject,
    ];

    /// The column's name in messages (the current English header).
    fn label(self) -> &'static str {
        match self {
            Column::Name => "Permission",
            Column::Api => "API",
            Column::Action => "Action",
            Column::Dependencies => "Dependencies",
            Column::IamProject => "IAM Project",
            Column::EnterpriseProject => "Enterprise Project",
        }
    }

    /// The header spellings of the editions, lower case, without whitespace, ASCII parentheses.
    fn spellings(self) -> &'static [&'static str] {
        match self {
            Column::Name => &["permission", "permissions", "权限"],
            Column::Api => &["api", "apis", "对应api接口", "api接口"],
            Column::Action => &["action", "actions", "授权项(action)", "授权项"],
            Column::Dependencies => &["dependencies", "dependency", "dependentactions", "依赖授权项"],
            Column::IamProject => &["iamproject", "iamprojects", "iam项目(project)", "iam项目"],
            Column::EnterpriseProject => &[
                "enterpriseproject",
                "enterpriseprojects",
                "企业项目(enterpriseproject)",
                "企业项目",
            ],
        }
    }

    fn for_header(header: &str) -> Option<Column> {
        let key: String = header
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Column::ALL
            .into_iter()
            .find(|c| c.spellings().contains(&key.as_str()))
    }
}

/// The Chinese section titles of the IMS permission pages and their English section names.
const ZH_SECTIONS: &[(&str, &str)] = &[
    ("镜像管理", "Image Management"),
    ("镜像标签", "Image Tagging"),
    ("镜像Schema", "Image Schema"),
    ("共享镜像", "Image Sharing"),
    ("镜像复制", "Image Replication"),
    ("镜像配额", "Image Quota"),
];

/// The section name of a page title: a known Chinese title gives its English name, an English
/// title is the section name itself.
pub(super) fn section_for_title(title: &str, page: &str) -> Result<String, ImportError> {
    if let Some((_, en)) = ZH_SECTIONS.iter().find(|(zh, _)| *zh == title) {
        return Ok((*en).to_owned());
    }
    if is_chinese(title) {
        return Err(ImportError::UnknownSection {
            page: page.to_owned(),
            title: title.to_owned(),
        });
    }
    Ok(title.to_owned())
}

/// Whether a text contains CJK characters (ideographs, CJK punctuation, full-width forms).
pub(super) fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    })
}

/// Which column of the table holds what.
struct Layout {
    name: usize,
    api: usize,
    action: usize,
    dependencies: Option<usize>,
    iam_project: usize,
    enterprise_project: usize,
}

fn layout(table: &RawTable, page: &str) -> Result<Layout, ImportError> {
    let mut found: [Option<usize>; 6] = [None; 6];
    for (i, header) in table.headers.iter().enumerate() {
        let column = Column::for_header(header).ok_or_else(|| ImportError::UnknownColumn {
            page: page.to_owned(),
            line: table.header_line,
            header: header.clone(),
        })?;
        let slot = &mut found[column as usize];
        if slot.is_some() {
            return Err(ImportError::Column {
                page: page.to_owned(),
                line: table.header_line,
                problem: "duplicate",
                column: column.label(),
            });
        }
        *slot = Some(i);
    }
    let need = |column: Column| {
        found[column as usize].ok_or_else(|| ImportError::Column {
            page: page.to_owned(),
            line: table.header_line,
            problem: "no",
            column: column.label(),
        })
    };
    Ok(Layout {
        name: need(Column::Name)?,
        api: need(Column::Api)?,
        action: need(Column::Action)?,
        dependencies: found[Column::Dependencies as usize],
        iam_project: need(Column::IamProject)?,
        enterprise_project: need(Column::EnterpriseProject)?,
    })
}

/// Turns a table into data-file rows labelled with `page`.
pub(super) fn rows_from_table(table: &RawTable, section: &str, page: &str) -> Result<Vec<Row>, ImportError> {
    let layout = layout(table, page)?;
    table
        .rows
        .iter()
        .map(|raw| {
            if raw.cells.len() != table.headers.len() {
                return Err(ImportError::Layout {
                    page: page.to_owned(),
                    line: raw.line,
                    message: format!(
                        "the row has {} cells, the header {}",
                        raw.cells.len(),
                        table.headers.len()
                    ),
                });
            }
            RowReader { page, line: raw.line }.row(raw, &layout, section)
        })
        .collect()
}

/// Reads the cells of one row; knows where the row is, for the errors.
struct RowReader<'a> {
    page: &'a str,
    line: usize,
}

impl RowReader<'_> {
    fn err(&self, column: Column, line: usize, message: String) -> ImportError {
        ImportError::Cell {
            page: self.page.to_owned(),
            line,
            column: column.label(),
            message,
        }
    }

    fn row(&self, raw: &RawRow, layout: &Layout, section: &str) -> Result<Row, ImportError> {
        let name = all_text(&raw.cells[layout.name]);
        if name.is_empty() {
            return Err(self.err(Column::Name, self.line, "the permission name is empty".to_owned()));
        }
        let (method, template, api_notes) = self.api(&raw.cells[layout.api])?;
        let actions = self.actions(&raw.cells[layout.action])?;
        let dependencies = match layout.dependencies {
            Some(i) => self.dependencies(&raw.cells[i])?,
            None => Vec::new(),
        };
        Ok(Row {
            section: section.to_owned(),
            name_zh: is_chinese(&name).then(|| name.clone()),
            name,
            method,
            template,
            api_notes,
            actions,
            dependencies,
            iam_project: self.flag(Column::IamProject, &raw.cells[layout.iam_project])?,
            enterprise_project: self
                .flag(Column::EnterpriseProject, &raw.cells[layout.enterprise_project])?,
            sources: vec![self.page.to_owned()],
            basis: crate::matrix::model::default_basis(),
            inferred_from: None,
            basis_note: None,
            clouds: std::collections::BTreeMap::new(),
        })
    }

    /// `METHOD /template`, then any notes.
    fn api(&self, cell: &[Block]) -> Result<(String, String, Vec<String>), ImportError> {
        let Some(Block::Para { text, line }) = cell.first() else {
            return Err(self.err(Column::Api, self.line, "no `METHOD /path` line".to_owned()));
        };
        let mut words = text.split_whitespace();
        let (method, template) = match (words.next(), words.next(), words.next()) {
            (Some(m), Some(t), None)
                if !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()) && t.starts_with('/') =>
            {
                (m.to_owned(), t.to_owned())
            }
            _ => {
                return Err(self.err(
                    Column::Api,
                    *line,
                    format!("expected `METHOD /path`, found `{text}`"),
                ));
            }
        };
        let mut notes = Vec::new();
        for block in &cell[1..] {
            match block {
                Block::Note { blocks, .. } => {
                    for b in blocks {
                        match b {
                            Block::List(items) => notes.extend(
                                items
                                    .iter()
                                    .map(|i| all_text(&i.blocks))
                                    .filter(|t| !t.is_empty()),
                            ),
                            other => notes.push(all_text(std::slice::from_ref(other))),
                        }
                    }
                }
                other => {
                    return Err(self.err(
                        Column::Api,
                        block_line(other).unwrap_or(self.line),
                        format!(
                            "unexpected `{}` after the API",
                            all_text(std::slice::from_ref(other))
                        ),
                    ));
                }
            }
        }
        Ok((method, template, notes))
    }

    fn actions(&self, cell: &[Block]) -> Result<Vec<ActionEntry>, ImportError> {
        let entries = self.flat_entries(Column::Action, cell)?;
        if let [(text, _)] = entries.as_slice() {
            if is_not_applicable(text) {
                return Ok(Vec::new());
            }
        }
        if entries.is_empty() {
            return Err(self.err(
                Column::Action,
                self.line,
                "empty (write `N/A` for no action)".to_owned(),
            ));
        }
        entries
            .iter()
            .map(|(text, line)| {
                let (action, note) = self.qualified(Column::Action, text, *line)?;
                let when = match &note {
                    None => None,
                    Some(note) => Some(situation_for_note(note).ok_or_else(|| {
                        ImportError::UnknownQualifier {
                            page: self.page.to_owned(),
                            line: *line,
                            qualifier: note.clone(),
                            known: SITUATIONS
                                .iter()
                                .map(|(_, wording)| format!("`{wording}`"))
                                .collect::<Vec<_>>()
                                .join(", "),
                        }
                    })?),
                };
                Ok(ActionEntry {
                    action,
                    when: when.map(str::to_owned),
                    note,
                })
            })
            .collect()
    }

    /// A column with bullets that have content indented under them gives one group per such
    /// bullet (`of` = the bullet's action); every other action (plain paragraphs, bullets without
    /// content under them) goes to one group without `of`, placed where the first of them is.
    fn dependencies(&self, cell: &[Block]) -> Result<Vec<DependencyGroup>, ImportError> {
        let column = Column::Dependencies;
        if is_none_cell(cell) {
            return Ok(Vec::new());
        }
        let mut groups: Vec<DependencyGroup> = Vec::new();
        let mut loose: Option<usize> = None;
        let mut add_loose = |groups: &mut Vec<DependencyGroup>, action: String| {
            let i = *loose.get_or_insert_with(|| {
                groups.push(DependencyGroup {
                    of: None,
                    note: None,
                    actions: Vec::new(),
                });
                groups.len() - 1
            });
            groups[i].actions.push(action);
        };
        for block in cell {
            match block {
                Block::Para { text, line } => add_loose(&mut groups, self.plain_action(column, text, *line)?),
                Block::List(items) => {
                    for item in items {
                        let Some(Block::Para { text, line }) = item.blocks.first() else {
                            return Err(self.err(column, item.line, "a bullet without text".to_owned()));
                        };
                        if item.blocks.len() == 1 {
                            add_loose(&mut groups, self.plain_action(column, text, *line)?);
                            continue;
                        }
                        let (of, note) = self.qualified(column, text, *line)?;
                        let actions = self
                            .flat_entries(column, &item.blocks[1..])?
                            .iter()
                            .map(|(text, line)| self.plain_action(column, text, *line))
                            .collect::<Result<_, _>>()?;
                        groups.push(DependencyGroup {
                            of: Some(of),
                            note,
                            actions,
                        });
                    }
                }
                Block::Note { line, .. } => {
                    return Err(self.err(column, *line, "unexpected note".to_owned()));
                }
            }
        }
        Ok(groups)
    }

    fn flag(&self, column: Column, cell: &[Block]) -> Result<bool, ImportError> {
        let text = all_text(cell);
        match text.as_str() {
            "Y" | "y" | "√" | "✓" | "✔" => Ok(true),
            "x" | "X" | "×" | "N" | "n" => Ok(false),
            _ => Err(self.err(
                column,
                first_line(cell).unwrap_or(self.line),
                format!("expected `Y` or `x`, found `{text}`"),
            )),
        }
    }

    /// The texts of paragraphs and of bullets without content under them.
    fn flat_entries(&self, column: Column, cell: &[Block]) -> Result<Vec<(String, usize)>, ImportError> {
        let mut out = Vec::new();
        for block in cell {
            match block {
                Block::Para { text, line } => out.push((text.clone(), *line)),
                Block::List(items) => {
                    for item in items {
                        match item.blocks.as_slice() {
                            [Block::Para { text, line }] => out.push((text.clone(), *line)),
                            [] => {
                                return Err(self.err(column, item.line, "a bullet without text".to_owned()));
                            }
                            _ => {
                                return Err(self.err(
                                    column,
                                    item.line,
                                    format!("unexpected content under `{}`", all_text(&item.blocks[..1])),
                                ));
                            }
                        }
                    }
                }
                Block::Note { line, .. } => {
                    return Err(self.err(column, *line, "unexpected note".to_owned()));
                }
            }
        }
        Ok(out)
    }

    /// `action` or `action (qualifier)`.
    fn qualified(
        &self,
        column: Column,
        text: &str,
        line: usize,
    ) -> Result<(String, Option<String>), ImportError> {
        let (action, note) = match text.find(['(', '（']) {
            None => (text.trim(), None),
            Some(open) => {
                let inner = text[open..]
                    .strip_prefix(['(', '（'])
                    .and_then(|rest| rest.strip_suffix([')', '）']))
                    .ok_or_else(|| self.err(column, line, format!("unbalanced parentheses in `{text}`")))?;
                (
                    text[..open].trim(),
                    Some(inner.split_whitespace().collect::<Vec<_>>().join(" ")),
                )
            }
        };
        check_action(action).map_err(|m| self.err(column, line, m))?;
        Ok((action.to_owned(), note))
    }

    fn plain_action(&self, column: Column, text: &str, line: usize) -> Result<String, ImportError> {
        check_action(text).map_err(|m| self.err(column, line, m))?;
        Ok(text.to_owned())
    }
}

fn is_not_applicable(text: &str) -> bool {
    matches!(text, "N/A" | "n/a" | "NA" | "不涉及")
}

/// `-` (RST writes it ``` ``-`` ```), `N/A`, a bare bullet, or nothing: no dependencies.
fn is_none_cell(cell: &[Block]) -> bool {
    match cell {
        [] => true,
        [Block::Para { text, .. }] => text == "-" || is_not_applicable(text),
        [Block::List(items)] => items.len() == 1 && items[0].blocks.is_empty(),
        _ => false,
    }
}

/// All text of some blocks, joined with a space.
pub(super) fn all_text(blocks: &[Block]) -> String {
    fn walk(blocks: &[Block], out: &mut Vec<String>) {
        for block in blocks {
            match block {
                Block::Para { text, .. } => {
                    if !text.is_empty() {
                        out.push(text.clone());
                    }
                }
                Block::List(items) => items.iter().for_each(|i| walk(&i.blocks, out)),
                Block::Note { blocks, .. } => walk(blocks, out),
            }
        }
    }
    let mut parts = Vec::new();
    walk(blocks, &mut parts);
    parts.join(" ")
}

fn block_line(block: &Block) -> Option<usize> {
    match block {
        Block::Para { line, .. } | Block::Note { line, .. } => Some(*line),
        Block::List(items) => items.first().map(|i| i.line),
    }
}

fn first_line(cell: &[Block]) -> Option<usize> {
    cell.first().and_then(block_line)
}
