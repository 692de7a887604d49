//! The importer's error type.

/// Why a documentation page could not be imported, or why pages could not be merged.
///
/// `page` is the source label the page was imported under (`otc/image_tagging.rst`); `line` is the
/// 1-based line of the page where the problem is (for a table cell: the line where its row starts).
///
/// ```
/// use ims_iam::import::{ImportError, import_page};
///
/// let err = import_page("no table here", "notes.txt").unwrap_err();
/// assert!(matches!(err, ImportError::NoTitle { .. }));
/// assert_eq!(err.to_string(), "notes.txt: no page title found");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The page is larger than [`MAX_PAGE_BYTES`](super::MAX_PAGE_BYTES).
    #[error("{page}: the page is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The source label.
        page: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The page has no title (RST: a line underlined with `=`; HTML: a `# ` heading or `<h1>`).
    #[error("{page}: no page title found")]
    NoTitle {
        /// The source label.
        page: String,
    },
    /// The page has no table.
    #[error("{page}: no table found")]
    NoTable {
        /// The source label.
        page: String,
    },
    /// The HTML page's title is Chinese but not one of the known IMS section titles.
    #[error("{page}: unknown section title `{title}`")]
    UnknownSection {
        /// The source label.
        page: String,
        /// The title as the page gives it.
        title: String,
    },
    /// The table's structure is not supported or broken: ragged borders, spanning cells, no header.
    #[error("{page}:{line}: {message}")]
    Layout {
        /// The source label.
        page: String,
        /// The line of the page.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A header names no column the importer knows.
    #[error("{page}:{line}: unknown column `{header}`")]
    UnknownColumn {
        /// The source label.
        page: String,
        /// The line of the header.
        line: usize,
        /// The header text.
        header: String,
    },
    /// A required column is absent, or a column appears twice.
    #[error("{page}:{line}: {problem} `{column}` column")]
    Column {
        /// The source label.
        page: String,
        /// The line of the header.
        line: usize,
        /// `no` or `duplicate`.
        problem: &'static str,
        /// The column, by its English header.
        column: &'static str,
    },
    /// A cell's content cannot be read.
    #[error("{page}:{line}: `{column}` cell: {message}")]
    Cell {
        /// The source label.
        page: String,
        /// The line of the page.
        line: usize,
        /// The column, by its English header.
        column: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A required action carries a qualifier in parentheses that names no known situation.
    #[error("{page}:{line}: unknown qualifier `{qualifier}` (known: {known})")]
    UnknownQualifier {
        /// The source label.
        page: String,
        /// The line of the page.
        line: usize,
        /// The qualifier, without the parentheses.
        qualifier: String,
        /// The known qualifier wordings, for the message.
        known: String,
    },
    /// Two pages list the same API (method and template) with different facts.
    #[error(transparent)]
    Conflict(Box<RowConflict>),
}

/// Two pages list the same API (method and template) with different facts: the details of
/// [`ImportError::Conflict`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{method} {template}`: `{field}` differs: `{first_source}` has {first}, `{second_source}` has {second}"
)]
pub struct RowConflict {
    /// The row's method.
    pub method: String,
    /// The row's template.
    pub template: String,
    /// The field that differs (`actions`, `iam_project`, ...).
    pub field: &'static str,
    /// The sources of the row as merged so far.
    pub first_source: String,
    /// The value merged so far, in the data file's notation.
    pub first: String,
    /// The source of the disagreeing row.
    pub second_source: String,
    /// The disagreeing value, in the data file's notation.
    pub second: String,
}
