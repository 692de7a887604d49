//! reStructuredText pages: the title and the grid tables.
//!
//! Supported: grid tables whose border lines all have their `+` at the same columns (no spanning
//! cells), a header ended by the `+===+` line, cells of paragraphs (wrapped lines joined with a
//! space), `-`/`*`/`+` bullet lists whose items may hold content indented under them, and
//! `.. note::` blocks. Inline markup: ``` ``literal`` ``` gives its content verbatim, `\x` gives `x`;
//! everything else (`**bold**`) is kept as written.

use super::ImportError;
use super::cell::{Block, Item, RawRow, RawTable};

/// How deep bullets and notes may nest inside a cell.
const MAX_DEPTH: usize = 16;

/// The page title (the first line underlined with `=`) and every grid table of the page.
pub(super) fn parse(text: &str, page: &str) -> Result<(String, Vec<RawTable>), ImportError> {
    let lines: Vec<Vec<char>> = text
        .split('\n')
        .map(|l| l.trim_end_matches('\r').chars().collect())
        .collect();
    let title = title(&lines).ok_or_else(|| ImportError::NoTitle {
        page: page.to_owned(),
    })?;
    let mut tables = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let indent = lines[i].iter().take_while(|c| **c == ' ').count();
        if is_top_border(&lines[i][indent..]) {
            let end = (i..lines.len())
                .find(|&j| !matches!(lines[j].get(indent), Some('+' | '|')))
                .unwrap_or(lines.len());
            tables.push(
                Grid {
                    page,
                    indent,
                    first: i,
                }
                .table(&lines[i..end])?,
            );
            i = end;
        } else {
            i += 1;
        }
    }
    if tables.is_empty() {
        return Err(ImportError::NoTable {
            page: page.to_owned(),
        });
    }
    Ok((title, tables))
}

fn title(lines: &[Vec<char>]) -> Option<String> {
    lines.windows(2).find_map(|w| {
        let text: String = w[0].iter().collect();
        let text = text.trim();
        let under = &w[1];
        let is_underline = under.len() >= 3 && under.iter().all(|c| *c == '=');
        (is_underline && !text.is_empty() && !text.starts_with(['+', '|', '='])).then(|| text.to_owned())
    })
}

/// `+---+---+`
fn is_top_border(line: &[char]) -> bool {
    line.len() >= 3
        && line[0] == '+'
        && line[1] == '-'
        && line.iter().rev().find(|c| **c != ' ') == Some(&'+')
        && line.iter().all(|c| matches!(c, '+' | '-' | ' '))
}

/// One grid table being read.
struct Grid<'a> {
    page: &'a str,
    /// Column of the table's left border.
    indent: usize,
    /// Index of the top border line in the page (0-based).
    first: usize,
}

/// A line of a cell: its page line, and its characters (trailing blanks removed).
struct CellLine {
    line: usize,
    text: Vec<char>,
}

impl Grid<'_> {
    fn layout(&self, line: usize, message: impl Into<String>) -> ImportError {
        ImportError::Layout {
            page: self.page.to_owned(),
            line,
            message: message.into(),
        }
    }

    fn table(&self, lines: &[Vec<char>]) -> Result<RawTable, ImportError> {
        let top = &lines[0][self.indent..];
        let bounds: Vec<usize> = top
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == '+')
            .map(|(i, _)| i)
            .collect();
        if bounds.len() < 2 {
            return Err(self.layout(self.first + 1, "a table border needs at least one column"));
        }
        let mut header: Option<RawRow> = None;
        let mut rows = Vec::new();
        let mut pending: Vec<(usize, &[char])> = Vec::new();
        for (k, full) in lines.iter().enumerate() {
            let line_no = self.first + k + 1;
            let line = full.get(self.indent..).unwrap_or(&[]);
            let last = bounds[bounds.len() - 1];
            if line.len() <= last || line[last + 1..].iter().any(|c| *c != ' ') {
                return Err(self.layout(line_no, "the line does not end at the table's right border"));
            }
            if line[0] == '+' {
                let fill = border_fill(line, &bounds)
                    .ok_or_else(|| self.layout(line_no, "spanning cells are not supported (border line)"))?;
                if k == 0 {
                    continue;
                }
                if pending.is_empty() {
                    return Err(self.layout(line_no, "a table row without content lines"));
                }
                let row = self.row(&pending, &bounds)?;
                pending.clear();
                if fill == '=' {
                    if header.is_some() || !rows.is_empty() {
                        return Err(self.layout(line_no, "a second `+===+` header separator"));
                    }
                    header = Some(row);
                } else {
                    rows.push(row);
                }
            } else {
                if let Some(&b) = bounds.iter().find(|&&b| line[b] != '|') {
                    return Err(self.layout(
                        line_no,
                        format!(
                            "spanning cells are not supported (no `|` at column {})",
                            self.indent + b + 1
                        ),
                    ));
                }
                pending.push((line_no, line));
            }
        }
        if !pending.is_empty() {
            return Err(self.layout(
                self.first + lines.len(),
                "the table does not end with a border line",
            ));
        }
        let header =
            header.ok_or_else(|| self.layout(self.first + 1, "the table has no `+===+` header line"))?;
        Ok(RawTable {
            header_line: header.line,
            headers: header.cells.iter().map(|c| super::cell::all_text(c)).collect(),
            rows,
        })
    }

    /// The cells of the content lines between two borders.
    fn row(&self, lines: &[(usize, &[char])], bounds: &[usize]) -> Result<RawRow, ImportError> {
        let cells = bounds
            .windows(2)
            .map(|w| {
                let cell: Vec<CellLine> = lines
                    .iter()
                    .map(|(line, chars)| {
                        let mut text = chars[w[0] + 1..w[1]].to_vec();
                        while text.last().is_some_and(|c| c.is_whitespace()) {
                            text.pop();
                        }
                        CellLine { line: *line, text }
                    })
                    .collect();
                blocks(&cell, 0).map_err(|(line, message)| self.layout(line, message))
            })
            .collect::<Result<_, _>>()?;
        Ok(RawRow {
            line: lines[0].0,
            cells,
        })
    }
}

/// `Some('-')` or `Some('=')` for a border line with `+` exactly at `bounds`, else `None`.
fn border_fill(line: &[char], bounds: &[usize]) -> Option<char> {
    let fill = *line.get(1)?;
    if !matches!(fill, '-' | '=') {
        return None;
    }
    let last = bounds[bounds.len() - 1];
    let ok = line[..=last].iter().enumerate().all(|(i, c)| {
        if bounds.contains(&i) {
            *c == '+'
        } else {
            *c == fill
        }
    });
    ok.then_some(fill)
}

fn indent_of(text: &[char]) -> usize {
    text.iter().take_while(|c| **c == ' ').count()
}

fn is_blank(text: &[char]) -> bool {
    text.iter().all(|c| c.is_whitespace())
}

/// A bullet marker at the start of `rest`: the number of characters up to the item's text.
fn bullet(rest: &[char]) -> Option<usize> {
    match rest {
        ['-' | '*' | '+' | '•'] => Some(2),
        ['-' | '*' | '+' | '•', ' ', ..] => Some(1 + indent_of(&rest[1..])),
        _ => None,
    }
}

/// A `.. name::` directive at the start of `rest`: its name and what follows `::` on the line.
fn directive(rest: &[char]) -> Option<(String, String)> {
    let s: String = rest.iter().collect();
    let body = s.strip_prefix(".. ")?;
    let (name, after) = body.split_once("::")?;
    let name = name.trim();
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| (name.to_ascii_lowercase(), after.trim().to_owned()))
}

type BlockResult = Result<Vec<Block>, (usize, String)>;

/// The blocks of some cell lines. Indentation is relative: a bullet's content is every following
/// line indented at least to the bullet's text; a note's body every following line indented more
/// than `.. note::`.
fn blocks(lines: &[CellLine], depth: usize) -> BlockResult {
    if depth > MAX_DEPTH {
        let line = lines.first().map_or(0, |l| l.line);
        return Err((line, format!("content nested more than {MAX_DEPTH} levels deep")));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let text = &lines[i].text;
        if is_blank(text) {
            i += 1;
            continue;
        }
        let base = indent_of(text);
        let rest = &text[base..];
        if bullet(rest).is_some() {
            let mut items = Vec::new();
            while let Some((l, marker)) = lines
                .get(i)
                .filter(|l| !is_blank(&l.text) && indent_of(&l.text) == base)
                .and_then(|l| Some((l, bullet(&l.text[base..])?)))
            {
                let text_col = base + marker;
                let mut body = vec![CellLine {
                    line: l.line,
                    text: [
                        vec![' '; text_col],
                        l.text.get(text_col..).unwrap_or(&[]).to_vec(),
                    ]
                    .concat(),
                }];
                i += 1;
                while let Some(next) = lines
                    .get(i)
                    .filter(|n| is_blank(&n.text) || indent_of(&n.text) >= text_col)
                {
                    body.push(CellLine {
                        line: next.line,
                        text: next.text.clone(),
                    });
                    i += 1;
                }
                items.push(Item {
                    blocks: blocks(&body, depth + 1)?,
                    line: l.line,
                });
            }
            out.push(Block::List(items));
        } else if let Some((name, after)) = directive(rest) {
            if name != "note" {
                return Err((lines[i].line, format!("unsupported directive `{name}`")));
            }
            let line = lines[i].line;
            let mut body = Vec::new();
            if !after.is_empty() {
                let mut first = vec![' '; base + 1];
                first.extend(after.chars());
                body.push(CellLine { line, text: first });
            }
            i += 1;
            while let Some(next) = lines
                .get(i)
                .filter(|n| is_blank(&n.text) || indent_of(&n.text) > base)
            {
                body.push(CellLine {
                    line: next.line,
                    text: next.text.clone(),
                });
                i += 1;
            }
            out.push(Block::Note {
                blocks: blocks(&body, depth + 1)?,
                line,
            });
        } else {
            let line = lines[i].line;
            let mut words: Vec<String> = Vec::new();
            while let Some(l) = lines.get(i).filter(|l| !is_blank(&l.text)) {
                words.push(l.text.iter().collect::<String>().trim().to_owned());
                i += 1;
            }
            out.push(Block::Para {
                text: inline(&words.join(" ")),
                line,
            });
        }
    }
    Ok(out)
}

/// Resolves inline markup: ``` ``literal`` ``` gives its content, `\x` gives `x` (`\ ` gives nothing).
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let literal = rest
            .strip_prefix("``")
            .and_then(|after| Some((after, after.find("``").filter(|end| *end > 0)?)));
        if let Some((after, end)) = literal {
            out.push_str(&after[..end]);
            rest = &after[end + 2..];
        } else if c == '\\' {
            let mut chars = rest[1..].chars();
            match chars.next() {
                Some(' ') | None => {}
                Some(escaped) => out.push(escaped),
            }
            rest = chars.as_str();
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup() {
        assert_eq!(inline(r"obs:bucket:\*"), "obs:bucket:*");
        assert_eq!(inline(r"kms:``*``:\*"), "kms:*:*");
        assert_eq!(inline("``-``"), "-");
        assert_eq!(inline(r"a\ b"), "ab");
        assert_eq!(inline("**default** project"), "**default** project");
        assert_eq!(inline("`` unclosed"), "`` unclosed");
        assert_eq!(inline(r"trailing\"), "trailing");
    }

    #[test]
    fn bullets() {
        assert_eq!(bullet(&['-', ' ', ' ', 'a']), Some(3));
        assert_eq!(bullet(&['-']), Some(2));
        assert_eq!(bullet(&['-', 'a']), None);
        assert_eq!(bullet(&['a']), None);
    }
}
