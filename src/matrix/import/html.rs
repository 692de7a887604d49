//! HTML pages (the Chinese edition): the title and the `<table>`s.
//!
//! The page is tokenized by `html5gum` (a WHATWG tokenizer: entities are decoded there), and each
//! table cell is built into a small element tree, closing `<p>` and `<li>` implicitly as HTML does.
//! A cell's tree becomes the same blocks as an RST cell: `<p>` and stray text give paragraphs
//! (whitespace collapsed), `<ul>`/`<ol>` give bullet lists (an `<li>`'s text is the bullet, blocks
//! after it are the content under it), `<div class="note">` gives a note (its `notetitle` dropped).
//! Header rows are the rows of `<thead>`, or else a first row made of `<th>` cells.

use html5gum::{DefaultEmitter, Token, Tokenizer};

use super::ImportError;
use super::cell::{Block, Item, RawRow, RawTable, all_text};

/// How deep elements may nest inside a cell.
const MAX_DEPTH: usize = 64;

/// Elements that have no end tag.
const VOID: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source",
    b"track", b"wbr",
];

/// Elements that start a new block (and so close an open `<p>`).
const BLOCKS: &[&[u8]] = &[
    b"p",
    b"div",
    b"ul",
    b"ol",
    b"li",
    b"blockquote",
    b"pre",
    b"dl",
    b"dt",
    b"dd",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"section",
];

/// The page title and every table of the page.
pub(super) fn parse(text: &str, page: &str) -> Result<(String, Vec<RawTable>), ImportError> {
    let lines = LineIndex::new(text);
    let mut reader = Reader {
        page,
        lines: &lines,
        tables: Vec::new(),
        table: None,
        h1: None,
    };
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(text, emitter) {
        let token: Token<usize> = match token {
            Ok(token) => token,
            Err(never) => match never {},
        };
        reader.token(token)?;
    }
    if let Some(table) = reader.table.take() {
        return Err(reader.layout(table.line, "the `<table>` is not closed"));
    }
    let title = markdown_title(text)
        .or(reader.h1.map(|(_, t)| t))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ImportError::NoTitle {
            page: page.to_owned(),
        })?;
    Ok((title, reader.tables))
}

/// The text of the first Markdown heading `# Title` (tags stripped), as the Chinese pages have it.
fn markdown_title(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim_start).find(|l| l.starts_with("# "))?;
    let rest = line.trim_start_matches('#');
    let mut out = Vec::new();
    for token in Tokenizer::new(rest).flatten() {
        if let Token::String(s) = token {
            out.extend_from_slice(&s.value);
        }
    }
    Some(collapse(&out))
}

/// Byte offset to 1-based line.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// A node of a cell's element tree.
#[derive(Debug)]
enum Node {
    Element {
        name: Vec<u8>,
        class: String,
        line: usize,
        children: Vec<usize>,
    },
    Text {
        bytes: Vec<u8>,
        line: usize,
    },
}

/// A cell being read: an arena of nodes (0 is the cell itself) and the open elements.
#[derive(Debug)]
struct CellBuilder {
    nodes: Vec<Node>,
    open: Vec<usize>,
}

impl CellBuilder {
    fn new(line: usize) -> CellBuilder {
        CellBuilder {
            nodes: vec![Node::Element {
                name: b"td".to_vec(),
                class: String::new(),
                line,
                children: Vec::new(),
            }],
            open: vec![0],
        }
    }

    fn name_of(&self, i: usize) -> &[u8] {
        match &self.nodes[i] {
            Node::Element { name, .. } => name,
            Node::Text { .. } => b"",
        }
    }

    fn add_child(&mut self, node: Node) -> usize {
        let id = self.nodes.len();
        self.nodes.push(node);
        let parent = self.open.last().copied().unwrap_or(0);
        if let Node::Element { children, .. } = &mut self.nodes[parent] {
            children.push(id);
        }
        id
    }

    /// Pops the open elements down to and including the innermost `name` above any of `stop_at`.
    fn close(&mut self, name: &[u8], stop_at: &[&[u8]]) {
        let found = self.open.iter().rposition(|&i| self.name_of(i) == name);
        let stopped = self
            .open
            .iter()
            .rposition(|&i| stop_at.contains(&self.name_of(i)));
        if let Some(pos) = found.filter(|&pos| pos > 0 && stopped.is_none_or(|s| s < pos)) {
            self.open.truncate(pos);
        }
    }

    fn start(&mut self, name: &[u8], class: String, line: usize) -> Result<(), String> {
        if BLOCKS.contains(&name) {
            self.close(b"p", &[b"td", b"li", b"div"]);
        }
        if name == b"li" {
            self.close(b"li", &[b"ul", b"ol"]);
        }
        if self.open.len() > MAX_DEPTH {
            return Err(format!("elements nested more than {MAX_DEPTH} levels deep"));
        }
        let id = self.add_child(Node::Element {
            name: name.to_vec(),
            class,
            line,
            children: Vec::new(),
        });
        self.open.push(id);
        Ok(())
    }

    fn text(&mut self, bytes: &[u8], line: usize) {
        let parent = self.open.last().copied().unwrap_or(0);
        if let Node::Element { children, .. } = &self.nodes[parent] {
            if let Some(&last) = children.last() {
                if let Node::Text { bytes: prev, .. } = &mut self.nodes[last] {
                    prev.extend_from_slice(bytes);
                    return;
                }
            }
        }
        self.add_child(Node::Text {
            bytes: bytes.to_vec(),
            line,
        });
    }

    fn finish(&self) -> Vec<Block> {
        let mut out = Vec::new();
        let mut pending = Pending::default();
        self.blocks_of(0, &mut out, &mut pending);
        pending.flush(&mut out);
        out
    }

    /// Appends the blocks of the children of element `id`.
    fn blocks_of(&self, id: usize, out: &mut Vec<Block>, pending: &mut Pending) {
        let Node::Element { children, .. } = &self.nodes[id] else {
            return;
        };
        for &child in children {
            match &self.nodes[child] {
                Node::Text { bytes, line } => pending.push(bytes, *line),
                Node::Element {
                    name, class, line, ..
                } => {
                    let classes: Vec<&str> = class.split_whitespace().collect();
                    let name = name.as_slice();
                    if name == b"script" || name == b"style" || classes.contains(&"notetitle") {
                        continue;
                    }
                    if name == b"ul" || name == b"ol" {
                        pending.flush(out);
                        out.push(Block::List(self.items(child)));
                    } else if name == b"div" && classes.contains(&"note") {
                        pending.flush(out);
                        let mut blocks = Vec::new();
                        let mut inner = Pending::default();
                        self.blocks_of(child, &mut blocks, &mut inner);
                        inner.flush(&mut blocks);
                        out.push(Block::Note { blocks, line: *line });
                    } else if BLOCKS.contains(&name) {
                        pending.flush(out);
                        self.blocks_of(child, out, pending);
                        pending.flush(out);
                    } else {
                        self.blocks_of(child, out, pending);
                    }
                }
            }
        }
    }

    /// The items of a `<ul>`/`<ol>`: each `<li>` (or other element) is one item.
    fn items(&self, list: usize) -> Vec<Item> {
        let Node::Element { children, .. } = &self.nodes[list] else {
            return Vec::new();
        };
        children
            .iter()
            .filter_map(|&child| match &self.nodes[child] {
                Node::Text { .. } => None,
                Node::Element { line, .. } => {
                    let mut blocks = Vec::new();
                    let mut pending = Pending::default();
                    self.blocks_of(child, &mut blocks, &mut pending);
                    pending.flush(&mut blocks);
                    Some(Item { blocks, line: *line })
                }
            })
            .collect()
    }
}

/// Inline text not yet closed into a paragraph.
#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    line: Option<usize>,
}

impl Pending {
    fn push(&mut self, bytes: &[u8], line: usize) {
        if self.line.is_none() && bytes.iter().any(|b| !b.is_ascii_whitespace()) {
            self.line = Some(line);
        }
        self.bytes.extend_from_slice(bytes);
    }

    fn flush(&mut self, out: &mut Vec<Block>) {
        let text = collapse(&self.bytes);
        if let (false, Some(line)) = (text.is_empty(), self.line) {
            out.push(Block::Para { text, line });
        }
        self.bytes.clear();
        self.line = None;
    }
}

/// UTF-8 text with runs of whitespace (including no-break spaces) collapsed to one space, trimmed.
fn collapse(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A row being read.
#[derive(Debug)]
struct RowBuilder {
    line: usize,
    in_thead: bool,
    all_th: bool,
    cells: Vec<Vec<Block>>,
    cell: Option<CellBuilder>,
}

impl RowBuilder {
    fn close_cell(&mut self) {
        if let Some(cell) = self.cell.take() {
            self.cells.push(cell.finish());
        }
    }
}

/// A table being read.
#[derive(Debug)]
struct TableBuilder {
    line: usize,
    in_thead: bool,
    headers: Vec<RawRow>,
    rows: Vec<RawRow>,
    row: Option<RowBuilder>,
}

impl TableBuilder {
    fn close_row(&mut self) {
        if let Some(mut row) = self.row.take() {
            row.close_cell();
            let header = row.in_thead || (self.headers.is_empty() && self.rows.is_empty() && row.all_th);
            let raw = RawRow {
                line: row.line,
                cells: row.cells,
            };
            if header {
                self.headers.push(raw)
            } else {
                self.rows.push(raw)
            }
        }
    }
}

struct Reader<'a> {
    page: &'a str,
    lines: &'a LineIndex,
    tables: Vec<RawTable>,
    table: Option<TableBuilder>,
    /// The first `<h1>`: whether it is still open, and its text.
    h1: Option<(bool, String)>,
}

impl Reader<'_> {
    fn layout(&self, line: usize, message: impl Into<String>) -> ImportError {
        ImportError::Layout {
            page: self.page.to_owned(),
            line,
            message: message.into(),
        }
    }

    fn token(&mut self, token: Token<usize>) -> Result<(), ImportError> {
        match token {
            Token::StartTag(tag) => {
                let line = self.lines.line(tag.span.start);
                let class = tag
                    .attributes
                    .get(b"class".as_slice())
                    .map(|v| String::from_utf8_lossy(&v.value).into_owned())
                    .unwrap_or_default();
                let void = tag.self_closing || VOID.contains(&tag.name.as_slice());
                self.start(&tag.name, class, void, line)
            }
            Token::EndTag(tag) => self.end(&tag.name),
            Token::String(s) => {
                let line = self.lines.line(s.span.start);
                if let Some((true, title)) = &mut self.h1 {
                    title.push_str(&String::from_utf8_lossy(&s.value));
                }
                if let Some(cell) = self.cell() {
                    cell.text(&s.value, line);
                }
                Ok(())
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => Ok(()),
        }
    }

    fn cell(&mut self) -> Option<&mut CellBuilder> {
        self.table.as_mut()?.row.as_mut()?.cell.as_mut()
    }

    fn start(&mut self, name: &[u8], class: String, void: bool, line: usize) -> Result<(), ImportError> {
        if name == b"h1" && self.h1.is_none() {
            self.h1 = Some((true, String::new()));
        }
        let Some(table) = self.table.as_mut() else {
            if name == b"table" {
                self.table = Some(TableBuilder {
                    line,
                    in_thead: false,
                    headers: Vec::new(),
                    rows: Vec::new(),
                    row: None,
                });
            }
            return Ok(());
        };
        match name {
            b"table" => Err(self.layout(line, "nested tables are not supported")),
            b"thead" | b"tbody" | b"tfoot" => {
                table.close_row();
                table.in_thead = name == b"thead";
                Ok(())
            }
            b"tr" => {
                table.close_row();
                table.row = Some(RowBuilder {
                    line,
                    in_thead: table.in_thead,
                    all_th: true,
                    cells: Vec::new(),
                    cell: None,
                });
                Ok(())
            }
            b"td" | b"th" => {
                let row = table.row.get_or_insert_with(|| RowBuilder {
                    line,
                    in_thead: table.in_thead,
                    all_th: true,
                    cells: Vec::new(),
                    cell: None,
                });
                row.close_cell();
                row.all_th &= name == b"th";
                row.cell = Some(CellBuilder::new(line));
                Ok(())
            }
            _ => match self.cell() {
                Some(cell) if name == b"br" => {
                    cell.text(b" ", line);
                    Ok(())
                }
                Some(_) if void => Ok(()),
                Some(cell) => cell.start(name, class, line).map_err(|m| self.layout(line, m)),
                None => Ok(()),
            },
        }
    }

    fn end(&mut self, name: &[u8]) -> Result<(), ImportError> {
        if name == b"h1" {
            if let Some((open, _)) = &mut self.h1 {
                *open = false;
            }
        }
        let Some(table) = self.table.as_mut() else {
            return Ok(());
        };
        match name {
            b"table" => {
                table.close_row();
                let table = self.table.take();
                if let Some(table) = table {
                    let raw = self.finish(table)?;
                    self.tables.push(raw);
                }
                Ok(())
            }
            b"thead" | b"tbody" | b"tfoot" => {
                table.close_row();
                table.in_thead = false;
                Ok(())
            }
            b"tr" => {
                table.close_row();
                Ok(())
            }
            b"td" | b"th" => {
                if let Some(row) = table.row.as_mut() {
                    row.close_cell();
                }
                Ok(())
            }
            _ => {
                if let Some(cell) = self.cell() {
                    cell.close(name, &[]);
                }
                Ok(())
            }
        }
    }

    fn finish(&self, table: TableBuilder) -> Result<RawTable, ImportError> {
        let mut headers = table.headers.into_iter();
        let header = headers
            .next()
            .ok_or_else(|| self.layout(table.line, "the table has no header row"))?;
        if let Some(extra) = headers.next() {
            return Err(self.layout(extra.line, "more than one header row"));
        }
        Ok(RawTable {
            header_line: header.line,
            headers: header.cells.iter().map(|c| all_text(c)).collect(),
            rows: table.rows,
        })
    }
}
