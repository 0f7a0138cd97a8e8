//! Input files: the one place nianbao opens a file that a user or a data file
//! names (data files, `_common.yaml`, last year's file, templates, the
//! configuration, stamps, fonts, the statistics workbooks figures come from). [`crate::output`] is its counterpart for
//! writing.
//!
//! Every read goes the same way, so no input can hang a run or exhaust memory:
//!
//! 1. the file is opened without blocking (`O_NONBLOCK` on Unix), so a FIFO
//!    given as a data file fails at once instead of waiting for a writer;
//! 2. the opened handle must be a regular file, not a folder, FIFO, socket or
//!    device (`/dev/zero` behind a symlink is refused, not read forever);
//! 3. its size is checked against the kind's limit before a byte is read (a
//!    3 GB sparse file costs one `fstat`);
//! 4. at most the limit plus one byte is read, so a file that grows between
//!    the check and the read is still caught.
//!
//! Paths that a data file names (its template) must also stay inside the
//! project: [`confined`] resolves symlinks and `..` before it answers.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Errors, Location, Result};

/// What an input file is: its limit and how messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A data file, `_common.yaml`, or the project configuration.
    Yaml,
    /// A template.
    Template,
    /// A stamp written by an earlier run.
    Stamp,
    /// A font file (memory-mapped, not read; only opened and measured here).
    Font,
    /// A workbook or CSV file that figures are read from.
    Workbook,
    /// A report to import: DOCX, plain text or Markdown.
    Document,
}

impl Kind {
    /// The largest file of this kind accepted.
    pub const fn limit(self) -> u64 {
        match self {
            // A year's report is about 30 KB.
            Kind::Yaml => 1024 * 1024,
            // The built-in templates are under 20 KB together.
            Kind::Template => 1024 * 1024,
            Kind::Stamp => 64 * 1024,
            // A CJK font collection (TTC) can pass 100 MB.
            Kind::Font => 512 * 1024 * 1024,
            // A statistics section's workbook with a sheet per year and every
            // county's indicators is a few MB.
            Kind::Workbook => 32 * 1024 * 1024,
            // A report's DOCX with pictures is a few MB; its text a few dozen KB.
            Kind::Document => 64 * 1024 * 1024,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Yaml => "数据文件",
            Kind::Template => "模板",
            Kind::Stamp => "生成记录",
            Kind::Font => "字体文件",
            Kind::Workbook => "表格文件",
            Kind::Document => "要导入的文件",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Kind::Yaml => "；一份年度报告的数据通常只有几十 KB，请检查是否选错了文件",
            Kind::Template => "；模板通常只有几 KB，请检查是否选错了文件",
            Kind::Workbook => "；统计表通常只有几 MB，请检查是否选错了文件，或把用不到的表删去后另存",
            Kind::Document => "；一份报告的 Word 文件通常只有几 MB，请检查是否选错了文件",
            Kind::Stamp | Kind::Font => "",
        }
    }
}

/// Open `path` for reading as a file of `kind`: a regular file within the
/// kind's limit, opened without blocking. Returns the handle and its length.
pub fn open(path: &Path, kind: Kind) -> Result<(File, u64)> {
    let file = open_nonblocking(path).map_err(|e| read_error(path, kind, &e))?;
    let meta = file.metadata().map_err(|e| read_error(path, kind, &e))?;
    if !meta.is_file() {
        return Err(Diagnostic::in_file(
            "file.type",
            path,
            format!("这不是普通文件，而是{}，不能作为{}读取", file_type_zh(&meta), kind.noun()),
        )
        .into());
    }
    if meta.len() > kind.limit() {
        return Err(too_large(path, kind, meta.len()));
    }
    Ok((file, meta.len()))
}

/// The bytes of `path`, read as [`open`] describes.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>> {
    let (file, len) = open(path, kind)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(kind.limit() + 1).read_to_end(&mut bytes).map_err(|e| read_error(path, kind, &e))?;
    if bytes.len() as u64 > kind.limit() {
        // It grew after it was measured.
        return Err(too_large(path, kind, bytes.len() as u64));
    }
    Ok(bytes)
}

/// The text of a UTF-8 file (a template, a stamp): [`read`], then decoded; a
/// byte order mark is dropped.
pub fn read_utf8(path: &Path, kind: Kind) -> Result<String> {
    let bytes = read(path, kind)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(Diagnostic::in_file(
                "file.encoding",
                path,
                format!(
                    "{}文件不是 UTF-8 编码（第 {line} 行起）；请用 UTF-8 重新保存（记事本：另存为 → 编码选 UTF-8）",
                    kind.noun()
                ),
            )
            .into())
        }
    }
}

/// The text of a file that may be UTF-8 or GB18030 (a data file, a CSV as
/// Excel saves it on a Chinese Windows): [`read`], then [`decode`]d.
pub fn read_text(path: &Path, kind: Kind) -> Result<(String, Vec<Diagnostic>)> {
    decode(path, &read(path, kind)?)
}

/// Decode the bytes of a text file (a data file, a CSV): UTF-8 (a BOM is dropped), else GB18030 (a
/// superset of GBK) when the bytes are valid GB18030, with a warning; anything
/// else is refused with the reason.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<(String, Vec<Diagnostic>)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Diagnostic::in_file(
            "file.encoding",
            path,
            "文件是 UTF-16 编码，无法读取；请用记事本“另存为”，编码选 UTF-8",
        )
        .into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), Vec::new())),
        Err(utf8) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                let (line, col) = line_col_of_byte(bytes, utf8.valid_up_to());
                let mut d = Diagnostic::error(
                    "file.encoding",
                    "文件既不是 UTF-8 编码，也不是 GBK/GB18030 编码，无法读取；请用记事本“另存为”，编码选 UTF-8",
                );
                d.location =
                    Some(Location { file: path.display().to_string(), line, column: col, ..Location::default() });
                return Err(d.into());
            }
            let warning = Diagnostic::warning(
                "file.gbk",
                "文件是 GBK/GB18030 编码（Windows 记事本的“ANSI”），已按 GB18030 读取；建议另存为 UTF-8，以免其他工具读错",
            )
            .at(Some(Location { file: path.display().to_string(), line: 1, column: 1, ..Location::default() }));
            Ok((text.into_owned(), vec![warning]))
        }
    }
}

fn line_col_of_byte(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, col)
}

/// `path` (a name relative to `root`, or a path) resolved with its symlinks,
/// when it lies inside `root`; `None` when it does not exist or leads outside.
/// A data file may only name files this returns.
pub fn confined(root: &Path, path: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let full = root.join(path).canonicalize().ok()?;
    full.starts_with(&root).then_some(full)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    // No FIFOs that block an open here: a pipe or device is refused by type
    // right after opening.
    File::open(path)
}

#[cfg(unix)]
fn file_type_zh(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "一个目录"
    } else if t.is_fifo() {
        "一个命名管道（FIFO）"
    } else if t.is_socket() {
        "一个套接字"
    } else if t.is_char_device() || t.is_block_device() {
        "一个设备"
    } else {
        "一个特殊文件"
    }
}

#[cfg(not(unix))]
fn file_type_zh(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() { "一个目录" } else { "一个特殊文件" }
}

fn too_large(path: &Path, kind: Kind, len: u64) -> Errors {
    Diagnostic::in_file(
        "file.too-large",
        path,
        format!("文件太大（{}），{}最大 {}{}", size_zh(len), kind.noun(), size_zh(kind.limit()), kind.hint()),
    )
    .into()
}

/// A size as people say it: 1 MB, 3.2 GB, 64 KB.
fn size_zh(bytes: u64) -> String {
    const UNITS: [(&str, f64); 3] = [("GB", 1073741824.0), ("MB", 1048576.0), ("KB", 1024.0)];
    for (unit, size) in UNITS {
        if bytes as f64 >= size {
            let v = bytes as f64 / size;
            return if v.fract() == 0.0 { format!("{v:.0} {unit}") } else { format!("{v:.1} {unit}") };
        }
    }
    format!("{bytes} 字节")
}

fn read_error(path: &Path, kind: Kind, e: &std::io::Error) -> Errors {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => format!("{}不存在", kind.noun()),
        std::io::ErrorKind::PermissionDenied => format!("没有读取这个{}的权限", kind.noun()),
        std::io::ErrorKind::IsADirectory => format!("这是一个目录，不是{}", kind.noun()),
        _ => format!("无法读取{}（{e}）", kind.noun()),
    };
    Diagnostic::in_file("file.read", path, why).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_zh(1024 * 1024), "1 MB");
        assert_eq!(size_zh(3 * 1024 * 1024 * 1024 + 200 * 1024 * 1024), "3.2 GB");
        assert_eq!(size_zh(512), "512 字节");
    }
}
