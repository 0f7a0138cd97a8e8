//! YAML files with locations.
//!
//! Reads a file within size limits and decodes it (UTF-8 with or without BOM;
//! GB18030/GBK as Windows Notepad writes it, with a warning), parses it with
//! `yaml_serde`, indexes every YAML path to its line and column, merges files,
//! and deserializes into typed structs. Every failure becomes a [`Diagnostic`] in
//! Chinese naming `file:line:column`, the YAML path and the offending line.
//! Data files and the project configuration both load through here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser};
use serde::de::DeserializeOwned;
use yaml_serde::Value;

use crate::diag::{Diagnostic, Errors, Location, Result};

mod syntax;

/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 24;
/// Most aliases (`*name`) accepted in one file.
pub const MAX_ALIASES: usize = 64;
/// Most entries accepted in one list (sections, items, metrics, points…).
pub const MAX_ITEMS: usize = 1000;

/// A parsed YAML file and the positions of its values.
#[derive(Debug, Clone)]
pub struct YamlFile {
    /// The path as given (shown in messages).
    pub path: PathBuf,
    pub text: String,
    pub value: Value,
    map: HashMap<String, Entry>,
    /// Non-fatal findings from reading the file (a GB18030 encoding, say).
    pub warnings: Vec<Diagnostic>,
    /// Errors in values the file could still be read past (a number too large
    /// to hold): reported with the file's other problems.
    pub errors: Vec<Diagnostic>,
    /// YAML paths of the values replaced to read past [`YamlFile::errors`];
    /// findings about them would only echo those errors.
    pub patched: Vec<String>,
    /// Characters YAML does not allow in a file (control characters, a byte
    /// order mark inside the text), taken out before parsing: where each was
    /// (1-based line, 0-based character column in [`YamlFile::text`]).
    pub removed: Vec<Removed>,
}

/// A character taken out of a file before parsing: 1-based line, 0-based
/// character column, the character.
pub type Removed = (usize, usize, char);

/// Line (1-based), column (0-based, in characters) and length in characters.
type Pos = (usize, usize, usize);

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Line (1-based) and column (0-based, in characters) of the mapping key, if any.
    key: Option<Pos>,
    /// Line, column and character length of the value's start.
    value: Pos,
}

impl YamlFile {
    /// Read, decode, check limits, parse and index a file.
    pub fn read(path: &Path) -> Result<YamlFile> {
        let (text, warnings) = crate::input::read_text(path, crate::input::Kind::Yaml)?;
        let mut file = YamlFile::parse(path, text)?;
        file.warnings.extend(warnings);
        Ok(file)
    }

    /// Parse and index text already in memory.
    pub fn parse(path: &Path, text: String) -> Result<YamlFile> {
        let (text, removed) = remove_unprintable(path, text)?;
        let map = index(path, &text)?;
        let (mut value, errors, patched) = values(path, &text, &map)?;
        if let Err(e) = value.apply_merge() {
            return Err(Diagnostic::in_file("yaml.merge-key", path, format!("合并键 `<<` 用法不对：{e}")).into());
        }
        if value.is_null() {
            value = Value::Mapping(Default::default());
        }
        if !value.is_mapping() {
            // Not ours: say so without quoting it (it may be any file at all,
            // reached through a symlink).
            let what = if value.is_sequence() { "一个列表" } else { "一段文字" };
            return Err(Diagnostic::in_file(
                "yaml.not-mapping",
                path,
                format!("这不是 nianbao 的 YAML 文件：内容应为“键: 值”的映射（如 kind: speech），实际是{what}"),
            )
            .into());
        }
        Ok(YamlFile { path: path.to_path_buf(), text, value, map, warnings: Vec::new(), errors, patched, removed })
    }

    /// The YAML path of the scalar written at 1-based `line`, 0-based
    /// character `column`: the last one starting at or before it.
    pub fn scalar_at(&self, line: usize, column: usize) -> Option<&str> {
        let start = |e: &Entry| {
            let key = e.key.map(|k| (k.0, k.1)).filter(|&k| k <= (line, column));
            let value = Some((e.value.0, e.value.1)).filter(|&v| v <= (line, column));
            key.max(value)
        };
        self.map.iter().filter_map(|(p, e)| Some((start(e)?, p))).max().map(|(_, p)| p.as_str())
    }

    /// A location in this file: 1-based `line`, 0-based character `column`.
    pub fn location(&self, line: usize, column: usize, width: usize) -> Location {
        location_at(&self.path, &self.text, line, column, width)
    }

    /// Where the value at `path` starts.
    pub fn locate(&self, path: &str) -> Option<Location> {
        let e = self.map.get(path)?;
        Some(location_at(&self.path, &self.text, e.value.0, e.value.1, e.value.2))
    }

    /// The scalar at `path` as written (`3200.50`, where the value read is the
    /// number 3200.5); `None` when there is none or it is quoted or folded.
    pub fn written(&self, path: &str) -> Option<&str> {
        let (_, _, len) = self.map.get(path)?.value;
        let rest = self.text_from(path)?;
        let line = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
        Some(&line[..line.char_indices().nth(len).map_or(line.len(), |(b, _)| b)])
    }

    /// The file's text from where the value at `path` starts to the file's end.
    pub fn text_from(&self, path: &str) -> Option<&str> {
        let (line, col, _) = self.map.get(path)?.value;
        let line_start: usize = self.text.split_inclusive('\n').take(line.checked_sub(1)?).map(str::len).sum();
        let rest = self.text.get(line_start..)?;
        let from = rest.char_indices().nth(col).map_or(rest.len(), |(b, _)| b);
        rest.get(from..)
    }

    /// Where `needle` is written inside the text value at `path`: its `nth`
    /// occurrence (from 0) from the value's start, over the value's lines; the
    /// value's start when it is not found verbatim (an escape or a line fold).
    pub fn locate_text(&self, path: &str, needle: &str, nth: usize) -> Option<Location> {
        let e = self.map.get(path)?;
        let (line, col, _) = e.value;
        let width = needle.chars().count();
        let mut left = nth;
        for (i, text) in self.text.lines().enumerate().skip(line.saturating_sub(1)).take(200) {
            let from = if i + 1 == line { text.char_indices().nth(col).map_or(text.len(), |(b, _)| b) } else { 0 };
            for (b, _) in text[from..].match_indices(needle) {
                if left == 0 {
                    let column = text[..from + b].chars().count();
                    return Some(location_at(&self.path, &self.text, i + 1, column, width));
                }
                left -= 1;
            }
            // The next mapping key or list item ends a block scalar.
            if i + 1 > line && text.trim_start().starts_with(['-', '#']) {
                break;
            }
        }
        self.locate(path)
    }

    /// Where the key of the mapping entry at `path` is written (the value's start
    /// for sequence items).
    pub fn locate_key(&self, path: &str) -> Option<Location> {
        let e = self.map.get(path)?;
        let (line, col, len) = e.key.unwrap_or(e.value);
        Some(location_at(&self.path, &self.text, line, col, len))
    }
}

/// Build a location from a 1-based line and 0-based character column.
fn location_at(path: &Path, text: &str, line: usize, col0: usize, width: usize) -> Location {
    Location {
        file: path.display().to_string(),
        line,
        column: col0 + 1,
        source_line: text.lines().nth(line.saturating_sub(1)).map(str::to_string),
        width: width.max(1),
        cell: None,
    }
}

/// One step into a YAML document while indexing it.
enum Frame {
    /// A mapping: its path, the key read whose value comes next, and the line
    /// each key was written on (a key written twice is an error there).
    Map {
        path: String,
        pending_key: Option<(String, Pos)>,
        keys: HashMap<String, usize>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

pub fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}

/// Walk the parse events once: check nesting depth and alias count, and record
/// where the value (and key) of every YAML path is written.
fn index(path: &Path, text: &str) -> Result<HashMap<String, Entry>> {
    let mut map = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut aliases = 0usize;
    let mut documents = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(ev) => ev,
            Err(e) => {
                let m = e.marker();
                let loc = location_at(path, text, m.line(), m.col(), 1);
                if e.info().contains("recursion limit") {
                    let d =
                        Diagnostic::error("yaml.depth", format!("嵌套超过 {MAX_DEPTH} 层；报告数据不需要这么深的结构"));
                    return Err(d.at(Some(loc)).into());
                }
                return Err(syntax_errors(path, text, e.info(), m.line(), m.col()));
            }
        };
        let start = (span.start.line(), span.start.col(), 1usize);
        let loc = |len: usize| location_at(path, text, start.0, start.1, len);
        // Where does this node sit? Determine its path, or record it as a key.
        let mut node_path: Option<(String, Option<Pos>)> = None;
        let is_node =
            matches!(event, Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..) | Event::Alias(_));
        if is_node {
            match stack.last_mut() {
                None => node_path = Some((String::new(), None)),
                Some(Frame::Seq { path, next }) => {
                    if *next == MAX_ITEMS {
                        let list = if path.is_empty() { "文件顶层".to_string() } else { format!("`{path}`") };
                        return Err(Diagnostic::error(
                            "yaml.items",
                            format!("{list} 的列表超过 {MAX_ITEMS} 项；一份报告的任何一个列表都不需要这么多项"),
                        )
                        .at(Some(loc(1)))
                        .into());
                    }
                    node_path = Some((format!("{path}[{next}]"), None));
                    *next += 1;
                }
                Some(Frame::Map { path, pending_key, keys }) => match pending_key.take() {
                    Some((key, key_pos)) => node_path = Some((child_path(path, &key), Some(key_pos))),
                    None => {
                        // This node is a key.
                        let key = match &event {
                            Event::Scalar(s, ..) => s.to_string(),
                            _ => "?".to_string(),
                        };
                        let len = key.chars().count();
                        if let Some(first) = keys.insert(key.clone(), start.0) {
                            return Err(Diagnostic::error(
                                "yaml.duplicate-key",
                                format!("键 `{key}` 在同一层写了两次（第 {first} 行已经有 `{key}`）"),
                            )
                            .at(Some(loc(len)))
                            .with_path(child_path(path, &key))
                            .with_help("删掉其中一个，或把两处的内容合到一起")
                            .into());
                        }
                        *pending_key = Some((key, (start.0, start.1, len)));
                        if !matches!(event, Event::Scalar(..)) {
                            return Err(Diagnostic::error(
                                "yaml.complex-key",
                                "映射的键必须是简单文字，不能是列表或映射",
                            )
                            .at(Some(loc(1)))
                            .into());
                        }
                        continue;
                    }
                },
            }
        }
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(Diagnostic::error(
                        "yaml.documents",
                        "一个文件只能有一个 YAML 文档（文件中出现了第二个 `---`）",
                    )
                    .at(Some(loc(3)))
                    .into());
                }
            }
            Event::Alias(_) => {
                aliases += 1;
                if aliases > MAX_ALIASES {
                    return Err(Diagnostic::error(
                        "yaml.aliases",
                        format!(
                            "别名（*引用）超过 {MAX_ALIASES} 个；数据文件不需要这么多引用，这可能是恶意构造的“别名炸弹”"
                        ),
                    )
                    .at(Some(loc(1)))
                    .into());
                }
            }
            _ => {}
        }
        if let Some((p, key)) = node_path {
            let len = match &event {
                Event::Scalar(s, ..) => s.chars().count(),
                _ => 1,
            };
            map.insert(p.clone(), Entry { key, value: (start.0, start.1, len) });
            match event {
                Event::SequenceStart(..) => stack.push(Frame::Seq { path: p, next: 0 }),
                Event::MappingStart(..) => stack.push(Frame::Map { path: p, pending_key: None, keys: HashMap::new() }),
                _ => {}
            }
            if stack.len() > MAX_DEPTH {
                return Err(Diagnostic::error(
                    "yaml.depth",
                    format!("嵌套超过 {MAX_DEPTH} 层；报告数据不需要这么深的结构"),
                )
                .at(Some(loc(1)))
                .into());
            }
        } else if matches!(event, Event::SequenceEnd | Event::MappingEnd) {
            stack.pop();
        }
    }
    Ok(map)
}

/// Take out the characters YAML refuses in a file but a writer pastes in
/// unawares: control characters other than tab and line breaks (U+0000,
/// U+0085…) and a byte order mark inside the text. They are never meant to be
/// printed; the loader warns where each was ([`YamlFile::removed`]). A text
/// that is mostly NULs is UTF-16 without its byte order mark, refused.
fn remove_unprintable(path: &Path, text: String) -> Result<(String, Vec<Removed>)> {
    let refused = |c: char| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FEFF}';
    if !text.chars().any(refused) {
        return Ok((text, Vec::new()));
    }
    let nuls = text.bytes().filter(|&b| b == 0).count();
    if nuls >= 8 && nuls * 8 >= text.len() {
        return Err(Diagnostic::in_file(
            "file.encoding",
            path,
            "文件像是没有字节顺序标记的 UTF-16 编码，无法读取；请用记事本“另存为”，编码选 UTF-8",
        )
        .into());
    }
    let mut removed = Vec::new();
    let mut kept = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let mut column = 0;
        for c in line.chars() {
            if refused(c) {
                removed.push((i + 1, column, c));
            } else {
                kept.push(c);
                column += 1;
            }
        }
    }
    Ok((kept, removed))
}

/// A syntax error as the writer should see it: the typing slips in the file,
/// each where it is written, else the parser's message in Chinese, at 1-based
/// `line` and 0-based `column`.
fn syntax_errors(path: &Path, text: &str, raw: &str, line: usize, column: usize) -> Errors {
    let file = path.display().to_string();
    let slips = syntax::slips(text);
    let found = if slips.is_empty() { vec![syntax::explain(raw, text, line, column)] } else { slips };
    Errors(found.into_iter().map(|f| f.diagnostic(&file, text)).collect())
}

/// The file's values, through `yaml_serde`. An integer too large for any number
/// type (`123456789012345678901234567890`) is an error reported like a value of
/// the wrong type, and read past: it is replaced, in a copy of the text, by a
/// float of the same size written no wider, so the rest of the file is read
/// and its positions stay. Returns the value, those errors and their paths.
fn values(path: &Path, text: &str, map: &HashMap<String, Entry>) -> Result<(Value, Vec<Diagnostic>, Vec<String>)> {
    let mut work = std::borrow::Cow::Borrowed(text);
    let mut errors = Vec::new();
    let mut patched = Vec::new();
    loop {
        let e = match yaml_serde::from_str::<Value>(&work) {
            Ok(v) => return Ok((v, errors, patched)),
            Err(e) => e,
        };
        let raw = e.to_string();
        let Some((line, col0)) = e.location().map(|l| (l.line(), l.column().saturating_sub(1))) else {
            return Err(Diagnostic::in_file("yaml.syntax", path, syntax::explain(&raw, text, 1, 0).message).into());
        };
        let Some((value_path, digits)) = huge_integer(&raw) else {
            return Err(syntax_errors(path, text, &raw, line, col0));
        };
        let Some(patched_text) = replace_number(&work, line, col0, &digits) else {
            return Err(syntax_errors(path, text, &raw, line, col0));
        };
        work = std::borrow::Cow::Owned(patched_text);
        let location = map.get(&value_path).map(|e| location_at(path, text, e.value.0, e.value.1, e.value.2));
        errors.push(
            Diagnostic::error(
                "data.type",
                format!("数字 {digits} 太大（{} 位），超出了能处理的范围", digits.trim_start_matches('-').len()),
            )
            .at(location.or_else(|| Some(location_at(path, text, line, col0, digits.len()))))
            .with_path(value_path.clone())
            .with_help("核对这个数字：是不是多写了几位，或者把几个数字连在了一起"),
        );
        patched.push(value_path);
    }
}

/// From `yaml_serde`'s message for an integer no number type holds
/// (`a.b[0]: invalid type: integer `123…` as u128, expected any YAML value`):
/// the value's path and the digits.
fn huge_integer(raw: &str) -> Option<(String, String)> {
    let (head, rest) = raw.split_once("invalid type: integer `")?;
    let (digits, tail) = rest.split_once('`')?;
    if !tail.starts_with(" as u128") && !tail.starts_with(" as i128") {
        return None;
    }
    let path = head.trim_end().trim_end_matches(':').trim();
    let path = if path == "." { "" } else { path };
    Some((path.to_string(), digits.to_string()))
}

/// `text` with the integer `digits` written at 1-based `line`, 0-based
/// character column `col0` replaced by a float of its size (`1.2e29`), padded
/// with spaces to the same width.
fn replace_number(text: &str, line: usize, col0: usize, digits: &str) -> Option<String> {
    let start_of_line = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
    let line_text = text[start_of_line..].split('\n').next()?;
    let from = start_of_line + line_text.char_indices().nth(col0).map_or(line_text.len(), |(b, _)| b);
    let at = from + text[from..].find(digits)?;
    let float = format!("{:.1e}", digits.parse::<f64>().ok()?);
    (float.len() <= digits.len()).then(|| {
        format!("{}{float}{}{}", &text[..at], " ".repeat(digits.len() - float.len()), &text[at + digits.len()..])
    })
}

/// Merge `over` onto `base`: mappings merge key by key (recursively); any other
/// value in `over`, lists included, replaces the one in `base` whole. This is the
/// rule for `_common.yaml` under a county file and for a project's `nianbao.yaml`
/// over the built-in configuration.
pub fn merge(base: Value, over: Value) -> Value {
    match (base, over) {
        (Value::Mapping(mut b), Value::Mapping(o)) => {
            for (k, v) in o {
                let merged = match b.remove(&k) {
                    Some(old) => merge(old, v),
                    None => v,
                };
                b.insert(k, merged);
            }
            Value::Mapping(b)
        }
        (_, over) => over,
    }
}

/// Find where `path` is written, searching `files` in order (the county file
/// before `_common.yaml`).
pub fn locate(files: &[&YamlFile], path: &str, key: bool) -> Option<Location> {
    files.iter().find_map(|f| if key { f.locate_key(path) } else { f.locate(path) })
}

/// A type read from YAML, naming its own types in Chinese for messages
/// (`应为映射（指标：id、name、value、unit……）`); by default messages show the
/// Rust name. The data model implements it: the YAML layer knows no model.
pub trait TypeNames {
    fn type_name_zh(_rust_name: &str) -> Option<&'static str> {
        None
    }
}

/// How serde's messages name types for `T`.
type Names = fn(&str) -> Option<&'static str>;

/// Deserialize a (merged) value into `T`, turning serde's error into a Chinese
/// diagnostic located through `files`.
pub fn deserialize<T: DeserializeOwned + TypeNames>(value: Value, files: &[&YamlFile]) -> Result<T> {
    let errors: Vec<Diagnostic> = files.iter().flat_map(|f| f.errors.iter().cloned()).collect();
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    serde_path_to_error::deserialize(value).map_err(|e| Errors::one(error_diagnostic(&e, files, T::type_name_zh)))
}

/// A deserialization error as a diagnostic: Chinese message, path, location.
fn error_diagnostic(
    e: &serde_path_to_error::Error<yaml_serde::Error>,
    files: &[&YamlFile],
    names: Names,
) -> Diagnostic {
    let path = e.path().to_string();
    // serde_path_to_error writes a key it could not read as `?`.
    let path = path.trim_end_matches(".?");
    let path = if path == "." || path == "?" { String::new() } else { path.to_string() };
    let raw = e.inner().to_string();
    let (message, help, at_key) = translate_serde(&raw, names);
    let location = locate(files, &path, at_key).or_else(|| {
        // Missing fields and the like point at the enclosing mapping.
        let mut p = path.as_str();
        loop {
            if let Some(l) = locate(files, p, false) {
                return Some(l);
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return files.first().map(|f| location_at(&f.path, &f.text, 1, 0, 1)),
            }
        }
    });
    // A key holding a typing slip (`{ id：a }`, a line indented with full-width
    // spaces) is that slip, not an unknown key.
    if let Some(loc) = &location
        && let Some(rest) = raw.strip_prefix("unknown field `")
        && let Some(slip) = syntax::key_slip(&split_name(rest).0, loc.line, loc.column - 1)
    {
        let text = files.iter().find(|f| f.path.display().to_string() == loc.file).map_or("", |f| f.text.as_str());
        return slip.diagnostic(&loc.file, text).with_path(path);
    }
    let mut d = Diagnostic::error(help.as_ref().map_or("data.type", |h| h.0), message).at(location).with_path(path);
    if let Some((_, h)) = help {
        d = d.with_help(h);
    }
    d
}

/// Translate one of serde's standard error messages. Returns the message, an
/// optional (id, help) pair, and whether the location is the key rather than the
/// value. Our own `Deserialize` impls already speak Chinese and pass through.
fn translate_serde(raw: &str, names: Names) -> (String, Option<(&'static str, String)>, bool) {
    let raw = raw.split(" at line ").next().unwrap_or(raw);
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (field, expected) = split_name(rest);
        let names = backticked(expected);
        let help = suggest(&field, &names)
            .map(|s| format!("你是不是想写 `{s}`？"))
            .unwrap_or_else(|| format!("这里可以用的键：{}", names.join("、")));
        return (format!("未知的键 `{}`", excerpt(&field)), Some(("data.unknown-key", help)), true);
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (variant, expected) = split_name(rest);
        let names = backticked(expected);
        let help = suggest(&variant, &names)
            .map(|s| format!("你是不是想写 `{s}`？"))
            .unwrap_or_else(|| format!("可选的取值：{}", names.join("、")));
        return (format!("不认识的取值 `{}`", excerpt(&variant)), Some(("data.unknown-value", help)), false);
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let (field, _) = split_name(rest);
        return (format!("缺少必填的键 `{field}`"), Some(("data.missing-key", format!("请补上 `{field}:`"))), false);
    }
    if let Some(rest) = raw.strip_prefix("duplicate field `") {
        let (field, _) = split_name(rest);
        return (format!("键 `{field}` 重复出现"), None, true);
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ")
        && let Some((got, want)) = rest.split_once(", expected ")
    {
        let expected = expected_zh(want, names);
        // A number where a key goes: in `{ value: 1,160 }` the comma ends the
        // value and `160` reads as the next key.
        if want.trim() == "field identifier" && (got.starts_with("integer") || got.starts_with("floating")) {
            return (
                format!("这里应是一个键，实际是{}", unexpected_zh(got)),
                Some((
                    "data.type",
                    "花括号 { } 里的逗号分隔各项：数字里不要写千分位逗号（1,160 写成 1160）".to_string(),
                )),
                false,
            );
        }
        let typed = got.trim().strip_prefix("string ").map(|s| s.trim_matches('"'));
        let help = match expected.as_str() {
            "数字" => typed.and_then(number_help),
            "true 或 false" => typed
                .filter(|t| ["是", "否", "对", "错", "有", "无", "yes", "no", "y", "n", "on", "off"].contains(t))
                .map(|t| format!("“{t}”要写成 true（是）或 false（否）")),
            _ => None,
        }
        .map(|h| ("data.type", h));
        return (format!("类型不对：应为{expected}，实际是{}", unexpected_zh(got)), help, false);
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ")
        && let Some((got, want)) = rest.split_once(", expected ")
    {
        return (format!("取值不对：应为{}，实际是{}", expected_zh(want, names), unexpected_zh(got)), None, false);
    }
    if let Some(rest) = raw.strip_prefix("invalid length ")
        && let Some((n, want)) = rest.split_once(", expected ")
    {
        return (format!("长度不对：应为{}，实际有 {n} 项", expected_zh(want, names)), None, false);
    }
    (raw.to_string(), None, false)
}

/// How to write as a number what was typed as text meant to be one: full-width
/// digits (`１１６０`), a thousands comma (`1,160`), a unit or percent sign
/// after it (`1160万元`, `92.2%`).
fn number_help(typed: &str) -> Option<String> {
    let half = crate::numbers::half_width_number(typed.trim());
    let mut why = Vec::new();
    if half != typed.trim() {
        why.push("数字要用半角");
    }
    let digits_end =
        half.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))).unwrap_or(half.len());
    let (number, after) = half.split_at(digits_end);
    if !after.trim().is_empty() {
        why.push("单位和 % 写在 unit 里，这里只写数");
    }
    if number.contains(',') {
        why.push("不写千分位逗号");
    }
    let number = number.replace(',', "");
    (!why.is_empty() && number.parse::<f64>().is_ok_and(f64::is_finite))
        .then(|| format!("{}：写成 {number}", why.join("，")))
}

fn split_name(rest: &str) -> (String, &str) {
    match rest.split_once('`') {
        Some((name, tail)) => (name.to_string(), tail),
        None => (rest.to_string(), ""),
    }
}

fn backticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The closest candidate to a misspelt name, if close enough to be a likely typo.
pub fn suggest(name: &str, candidates: &[String]) -> Option<String> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.clone())
}

fn expected_zh(want: &str, names: Names) -> String {
    let want = want.trim();
    let known = match want {
        "f64" | "f32" | "a number" => "数字",
        // The range, where a value out of it (`invalid value`) is the reason.
        "u8" => "不大于 255 的非负整数",
        "u16" => "不大于 65535 的非负整数",
        "u32" => "不大于 4294967295 的非负整数",
        "u64" | "usize" => "非负整数",
        "i8" | "i16" | "i32" | "i64" | "isize" | "an integer" => "整数",
        "a string" | "a borrowed string" | "string" => "文字",
        "a sequence" | "sequence" => "列表（每项以“- ”开头）",
        "a map" | "map" => "映射（“键: 值”）",
        "a boolean" | "bool" => "true 或 false",
        "a character" | "char" => "一个字符",
        "paragraphs" => "一段文字，或由多段文字组成的列表",
        "paragraph" => "一段文字",
        // An enumeration read through a YAML value (`kind: [speech]`).
        "a Value::Tagged enum" | "variant identifier" => "一个取值（一个词，不是列表或映射）",
        "field identifier" => "键",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    if let Some(name) = want.strip_prefix("struct ") {
        return format!("映射（“键: 值”，{}）", names(name).unwrap_or(name));
    }
    if let Some(name) = want.strip_prefix("enum ") {
        return format!("取值之一（{}）", names(name).unwrap_or(name));
    }
    want.to_string()
}

fn unexpected_zh(got: &str) -> String {
    let got = got.trim();
    if let Some(s) = got.strip_prefix("string ") {
        return format!("文字“{}”", excerpt(s.trim_matches('"')));
    }
    if let Some(s) = got.strip_prefix("integer ") {
        return format!("整数 {}", s.trim_matches('`'));
    }
    if let Some(s) = got.strip_prefix("floating point ") {
        return format!("数字 {}", s.trim_matches('`'));
    }
    if let Some(s) = got.strip_prefix("boolean ") {
        return format!("布尔值 {}", s.trim_matches('`'));
    }
    match got {
        "unit value" | "null" => "空值（这个键后面什么都没写）".to_string(),
        "sequence" => "列表".to_string(),
        "map" => "映射".to_string(),
        other => other.to_string(),
    }
}

/// The start of a quoted value, for a message: its first line, at most 30
/// characters (a message never reprints a whole paragraph, or a whole file).
fn excerpt(s: &str) -> String {
    // serde quotes the value Debug-style: a line break is the two characters `\n`.
    let first = s.split(['\n', '\r']).next().unwrap_or_default().split("\\n").next().unwrap_or_default();
    let short: String = first.chars().take(30).collect();
    if short.len() < s.len() { format!("{short}…") } else { short }
}

/// What [`deserialize_all`] made of a file: the value when it could be read past
/// every error, the errors, and the paths whose values were removed or replaced
/// to read past them (findings about those would only echo the errors).
#[derive(Debug)]
pub struct Recovered<T> {
    pub value: Option<T>,
    pub errors: Vec<Diagnostic>,
    pub patched: Vec<String>,
}

/// Like [`deserialize`], but reports every error it can find, not just the first:
/// after each error the offending value is removed or replaced by a placeholder
/// and deserialization runs again. Errors caused by a placeholder are not
/// reported. The files' own errors ([`YamlFile::errors`]) come first.
pub fn deserialize_all<T: DeserializeOwned + TypeNames>(mut value: Value, files: &[&YamlFile]) -> Recovered<T> {
    use std::collections::HashMap;
    let mut errors: Vec<Diagnostic> = files.iter().flat_map(|f| f.errors.iter().cloned()).collect();
    let mut touched: Vec<String> = files.iter().flat_map(|f| f.patched.iter().cloned()).collect();
    let mut tries: HashMap<String, usize> = HashMap::new();
    let mut recovered = None;
    for _ in 0..400 {
        let err = match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(t) => {
                recovered = Some(t);
                break;
            }
            Err(e) => e,
        };
        let raw = err.inner().to_string();
        let mut segs: Vec<Seg> = err.path().iter().filter_map(Seg::from_segment).collect();
        if let Some(rest) = raw.strip_prefix("missing field `") {
            segs.push(Seg::Key(split_name(rest).0));
        }
        let target = seg_path(&segs);
        let ours = touched.iter().any(|t| within(&target, t));
        if !ours {
            errors.push(error_diagnostic(&err, files, T::type_name_zh));
        }
        let patched = if raw.starts_with("unknown field `") {
            remove_at(&mut value, &segs)
        } else if !ours && matches!(segs.last(), Some(Seg::Key(_))) && !raw.starts_with("missing field") {
            // An optional key becomes absent; a required one comes back as missing.
            remove_at(&mut value, &segs)
        } else {
            let n = tries.entry(target.clone()).or_insert(0);
            let candidate = placeholder(*n, &raw);
            *n += 1;
            candidate.is_some_and(|c| set_at(&mut value, &segs, c))
        };
        touched.push(target);
        if !patched {
            break;
        }
    }
    if errors.is_empty()
        && let Err(e) = deserialize::<T>(value, files)
    {
        // Recovery gave up before finding a reportable error: report the first one.
        errors = e.0;
    }
    errors.dedup_by(|a, b| a.path == b.path && a.message == b.message);
    touched.sort();
    touched.dedup();
    Recovered { value: recovered, errors, patched: touched }
}

/// Whether YAML path `path` is `of` or inside it (`a.b[2].c` is inside `a.b`).
pub fn within(path: &str, of: &str) -> bool {
    path == of
        || of.is_empty()
        || path.strip_prefix(of).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// A step of a YAML path.
#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

impl Seg {
    fn from_segment(s: &serde_path_to_error::Segment) -> Option<Seg> {
        match s {
            serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
            serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
            _ => None,
        }
    }
}

fn seg_path(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => s = child_path(&s, k),
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn node_at<'v>(value: &'v mut Value, segs: &[Seg]) -> Option<&'v mut Value> {
    segs.iter().try_fold(value, |v, seg| match (v, seg) {
        (Value::Mapping(m), Seg::Key(k)) => m.get_mut(k.as_str()),
        (Value::Sequence(s), Seg::Index(i)) => s.get_mut(*i),
        _ => None,
    })
}

fn remove_at(value: &mut Value, segs: &[Seg]) -> bool {
    let Some((Seg::Key(k), parent)) = segs.split_last() else { return false };
    match node_at(value, parent) {
        Some(Value::Mapping(m)) => m.remove(k.as_str()).is_some(),
        _ => false,
    }
}

fn set_at(value: &mut Value, segs: &[Seg], new: Value) -> bool {
    if let Some(node) = node_at(value, segs) {
        *node = new;
        return true;
    }
    let Some((Seg::Key(k), parent)) = segs.split_last() else { return false };
    match node_at(value, parent) {
        Some(Value::Mapping(m)) => {
            m.insert(Value::String(k.clone()), new);
            true
        }
        _ => false,
    }
}

/// The `n`th placeholder to try for a value whose type we do not know.
fn placeholder(n: usize, last_error: &str) -> Option<Value> {
    Some(match n {
        0 => Value::Null,
        1 => Value::String("0".into()),
        2 => Value::Number(0.into()),
        3 => Value::Sequence(Vec::new()),
        4 => Value::Mapping(Default::default()),
        5 => Value::String("2000-01-01".into()),
        6 => Value::String(backticked(last_error.split("expected").nth(1)?).into_iter().next()?),
        _ => return None,
    })
}
