//! Diagnostics: every error and warning the office writer sees, with a stable id,
//! a Chinese message, a severity and, where known, a location shown with its
//! source line (`file:line:column`, the YAML path, the offending line).

use std::fmt;
use std::path::Path;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where a finding points: a place in a data file or template, a rendered
/// paragraph, or a cell of a workbook that figures come from.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The file as the user named it (relative paths stay relative).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The whole source line, shown under the message.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters to underline (at least 1).
    #[serde(skip)]
    pub width: usize,
    /// For a cell of a workbook, the cell as a person names it:
    /// `表“2018年”C7（襄垣县，常住人口家庭医生签约率）` (no sheet for a CSV);
    /// `line` and `column` are then its row and column number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Location {
    /// Where it is, as the `-->` line shows it: `file:line:column`, or for a
    /// cell `file 表“sheet”C7（row, column）`.
    pub fn place(&self) -> String {
        match &self.cell {
            Some(cell) => format!("{} {cell}", self.file),
            None => format!("{}:{}:{}", self.file, self.line, self.column),
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagnostic {
    /// Stable id such as `data.unknown-key`; a project can silence warnings by id.
    pub id: &'static str,
    pub severity: Severity,
    /// What is wrong, in Chinese.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The YAML path (`review.sections[1].items[0].metrics[2].value`) when the
    /// finding concerns a data value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A hint on how to fix it, in Chinese (`你是不是想写 metrics？`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(id: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { id, severity: Severity::Error, message: message.into(), location: None, path: None, help: None }
    }

    pub fn warning(id: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(id, message) }
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.path = (!path.is_empty()).then_some(path);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// An error about a file as a whole (cannot read it, wrong encoding, too large).
    pub fn in_file(id: &'static str, file: &Path, message: impl Into<String>) -> Self {
        Diagnostic::error(id, message).at(Some(Location {
            file: file.display().to_string(),
            line: 1,
            column: 1,
            width: 1,
            ..Location::default()
        }))
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// rustc-like layout:
    ///
    /// ```text
    /// 错误[data.type]：类型不对：应为数字，实际是字符串“六十六”
    ///   --> data/xiangyuan/2018.yaml:42:14
    ///    |
    /// 42 |       value: 六十六
    ///    |              ^^^^^^
    ///    = 路径：review.sections[0].items[2].metrics[0].value
    ///    = 提示：……
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        writeln!(f, "{kind}[{}]：{}", self.id, self.message)?;
        let mut gutter = 2;
        if let Some(loc) = &self.location {
            let num = loc.line.to_string();
            let pad = " ".repeat(num.len());
            writeln!(f, "{pad}--> {}", loc.place())?;
            gutter = num.len() + 1;
            if let Some(src) = &loc.source_line {
                // Tabs as a space, other control characters as their visible
                // symbol (U+0000 as ␀), so the caret points at something.
                let line: Vec<char> = src
                    .trim_end()
                    .chars()
                    .map(|c| match c {
                        '\t' => ' ',
                        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or(c),
                        '\x7f' => '␡',
                        c => c,
                    })
                    .collect();
                // A long line is shown as a window around the column.
                let col = loc.column.saturating_sub(1).min(line.len());
                let (start, end) = if line.len() <= 100 {
                    (0, line.len())
                } else {
                    let start = col.saturating_sub(30);
                    (start, (col + loc.width.max(1) + 30).min(line.len()).max(start))
                };
                let mut shown: String = line[start..end].iter().collect();
                let mut lead_text: String = line[start..col].iter().collect();
                if start > 0 {
                    shown.insert(0, '…');
                    lead_text.insert(0, '…');
                }
                if end < line.len() {
                    shown.push('…');
                }
                // Caret under the column; wide (CJK) characters take two cells.
                let lead: usize = lead_text.chars().map(cell_width).sum();
                let marked: usize = line[col..].iter().take(loc.width.max(1)).copied().map(cell_width).sum();
                writeln!(f, "{pad} |")?;
                writeln!(f, "{num} | {shown}")?;
                writeln!(f, "{pad} | {}{}", " ".repeat(lead), "^".repeat(marked.max(1)))?;
            }
        }
        let pad = " ".repeat(gutter);
        if let Some(path) = &self.path {
            writeln!(f, "{pad}= 路径：{path}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad}= 提示：{help}")?;
        }
        Ok(())
    }
}

/// Terminal cells a character takes: two for East Asian wide characters.
fn cell_width(c: char) -> usize {
    let o = c as u32;
    let wide = (0x1100..=0x115F).contains(&o)
        || (0x2E80..=0xA4CF).contains(&o)
        || (0xAC00..=0xD7A3).contains(&o)
        || (0xF900..=0xFAFF).contains(&o)
        || (0xFE30..=0xFE4F).contains(&o)
        || (0xFF00..=0xFF60).contains(&o)
        || (0xFFE0..=0xFFE6).contains(&o)
        || (0x1F300..=0x1FAFF).contains(&o)
        || (0x20000..=0x3FFFD).contains(&o);
    if wide { 2 } else { 1 }
}

/// One or more findings that stop a step; what every fallible stage returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Errors(pub Vec<Diagnostic>);

impl Errors {
    pub fn one(d: Diagnostic) -> Self {
        Errors(vec![d])
    }
}

impl From<Diagnostic> for Errors {
    fn from(d: Diagnostic) -> Self {
        Errors(vec![d])
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

pub type Result<T> = std::result::Result<T, Errors>;

/// Most findings listed for one data file (`check --all` and `check --format
/// json` give every one).
pub const SHOWN_PER_FILE: usize = 20;

/// One data file's findings as printed: at most `limit` of them, in their
/// order, each followed by a blank line; then a line saying how many are not
/// listed and how to see them. Errors are chosen before warnings, and within
/// each, one of every kind (id) before a second of any, so that twenty
/// placeholders do not hide the one contradicted figure.
pub fn listing(all: &[Diagnostic], limit: Option<usize>) -> String {
    let limit = limit.unwrap_or(usize::MAX);
    let mut chosen = vec![false; all.len()];
    let mut room = limit;
    for errors in [true, false] {
        let mut seen: Vec<&str> = Vec::new();
        for first_of_kind in [true, false] {
            for (i, d) in all.iter().enumerate() {
                if room == 0 || chosen[i] || d.is_error() != errors || (first_of_kind && seen.contains(&d.id)) {
                    continue;
                }
                seen.push(d.id);
                chosen[i] = true;
                room -= 1;
            }
        }
    }
    let mut out = String::new();
    for (d, _) in all.iter().zip(&chosen).filter(|(_, c)| **c) {
        out.push_str(&format!("{d}\n"));
    }
    let hidden = |errors: bool| all.iter().zip(&chosen).filter(|(d, c)| !**c && d.is_error() == errors).count();
    let (hidden_errors, hidden_warnings) = (hidden(true), hidden(false));
    if hidden_errors + hidden_warnings > 0 {
        let mut parts = Vec::new();
        if hidden_errors > 0 {
            parts.push(format!("{hidden_errors} 个错误"));
        }
        if hidden_warnings > 0 {
            parts.push(format!("{hidden_warnings} 个警告"));
        }
        out.push_str(&format!(
            "……另有 {}没有列出（每个文件最多列出 {limit} 个）；要看全部，请运行 nianbao check --all <文件>，或用 --format json\n\n",
            parts.join("、")
        ));
    }
    out
}

/// Terminal cells a text takes (wide characters count two), for aligning tables.
pub fn display_width(s: &str) -> usize {
    s.chars().map(cell_width).sum()
}

/// Rows as a text table: columns padded to their widest cell, two spaces
/// apart, each line ending with a newline.
pub fn table<R: AsRef<[String]>>(rows: &[R]) -> String {
    let columns = rows.iter().map(|r| r.as_ref().len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.as_ref().get(c)).map(|s| display_width(s)).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .as_ref()
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell}{}", " ".repeat(w - display_width(cell))))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
