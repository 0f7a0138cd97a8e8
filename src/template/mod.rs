//! Templates: the minijinja environment that turns a report's data into markup.
//!
//! Templates live in the project's `templates/` folder, falling back to the
//! built-in defaults compiled into the binary, so inheritance and includes work
//! across both. Every value printed into a `.md.j2` template is escaped for the
//! markup ([`escape::escape_markup`]); undefined values and `none` are errors
//! naming the template and line; a fuel limit stops a looping template.

pub mod escape;
pub mod reads;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use minijinja::value::{Kwargs, Rest, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};

use crate::diag::{Diagnostic, Location, Result};
use crate::numbers;
use crate::numbers::Date;

/// The default templates, compiled in (name, source).
pub const BUILTIN: &[(&str, &str)] = &[
    ("_base.md.j2", include_str!("../../templates/_base.md.j2")),
    ("_macros.md.j2", include_str!("../../templates/_macros.md.j2")),
    ("speech.md.j2", include_str!("../../templates/speech.md.j2")),
    ("work-report.md.j2", include_str!("../../templates/work-report.md.j2")),
    ("key-points.md.j2", include_str!("../../templates/key-points.md.j2")),
    ("plan.md.j2", include_str!("../../templates/plan.md.j2")),
];

/// Instructions one render may spend: the model speech takes under 10 000, so
/// this leaves room for a province's report and stops a runaway loop in ~0.2 s.
pub const FUEL: u64 = 1_000_000;
/// How deep includes, macros and blocks may nest.
pub const RECURSION_LIMIT: usize = 64;
/// Most bytes of markup one render may produce, and most bytes any one value
/// may take as text when it is printed or handed to a filter. The model
/// speech's markup is about 60 KB; a 1 MB data file printed whole, escaped,
/// stays well below. A template that builds a value of any logical size (a
/// list nested in itself 28 times) fails here with `template.size` instead of
/// spelling it out in memory.
pub const MAX_OUTPUT: usize = 8 << 20;
/// Separates the id and message of a diagnostic carried through minijinja ([`carry`]).
const CARRY_MARK: &str = "\u{1}";
/// The ids a template loader's diagnostic may carry.
const CARRIED: &[&str] = &["file.read", "file.type", "file.too-large", "file.encoding", "template.outside"];
/// Marks a minijinja error raised for [`MAX_OUTPUT`], so it reads as `template.size`.
const SIZE_MARK: &str = "〔size〕";

/// The auto-escape mode of markup templates.
const MARKUP: &str = "markup";

/// A template environment over a project's `templates/` folder and the built-ins.
pub struct Templates {
    env: Environment<'static>,
    /// Files read from the project folder, by template name (inputs of the render).
    used: Arc<Mutex<BTreeMap<String, PathBuf>>>,
    dir: Option<PathBuf>,
}

impl Templates {
    /// An environment reading `dir` (if it exists) before the built-in templates.
    pub fn new(dir: Option<&Path>) -> Templates {
        let dir = dir.filter(|d| d.is_dir()).map(Path::to_path_buf);
        let used = Arc::new(Mutex::new(BTreeMap::new()));
        let mut env = Environment::new();
        {
            let dir = dir.clone();
            let used = used.clone();
            env.set_loader(move |name| {
                if let Some(path) = project_file(dir.as_deref(), name).map_err(carry)? {
                    let src = crate::input::read_utf8(&path, crate::input::Kind::Template).map_err(carry)?;
                    used.lock().expect("lock").insert(name.to_string(), path);
                    return Ok(Some(src));
                }
                Ok(BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, s)| s.to_string()))
            });
        }
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(RECURSION_LIMIT);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("default delimiters"),
        );
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".md.j2") || name.ends_with(".md") {
                AutoEscape::Custom(MARKUP.into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(|out, state, value| {
            if value.is_none() {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "模板输出了空值（none）：数据里没有这一项；请在模板里用 {% if … %} 判断，或在数据里补上",
                ));
            }
            match state.auto_escape() {
                AutoEscape::Custom(name) if name == MARKUP && !value.is_safe() => {
                    out.write_str(&escape::escape_markup(&bounded_text(value)?)).map_err(Error::from)
                }
                AutoEscape::Custom(name) if name == MARKUP => {
                    out.write_str(value.as_str().unwrap_or_default()).map_err(Error::from)
                }
                _ => minijinja::escape_formatter(out, state, value),
            }
        });
        register(&mut env);
        guard_builtins(&mut env);
        Templates { env, used, dir }
    }

    /// Render `template` with `ctx`: the markup, and which of the context's
    /// fields (two levels deep) the template read.
    pub fn render(&self, template: Choice<'_>, ctx: &impl serde::Serialize) -> Result<(String, reads::Reads)> {
        let reads = reads::Reads::default();
        let ctx = reads.watch(Value::from(minijinja::value::Serde(ctx)));
        let name = match template {
            // A data file may also write the folder: `templates/讲话.md.j2`.
            Choice::Name(n) => n.strip_prefix("templates/").filter(|rest| !rest.is_empty()).unwrap_or(n),
            Choice::NameOrFile(n) => n,
        };
        let is_name = BUILTIN.iter().any(|(n, _)| *n == name) || project_file(self.dir.as_deref(), name)?.is_some();
        let result = match template {
            Choice::NameOrFile(file) if !is_name && Path::new(file).exists() => {
                let path = Path::new(file);
                let src = crate::input::read_utf8(path, crate::input::Kind::Template)?;
                self.used.lock().expect("lock").insert(file.to_string(), path.to_path_buf());
                let mut env = self.env.clone();
                env.add_template_owned(file.to_string(), src).map_err(|e| self.diagnostic(&e))?;
                env.get_template(file).and_then(|t| render_bounded(&t, &ctx))
            }
            _ if !is_name => {
                let builtins: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).filter(|n| !n.starts_with('_')).collect();
                let builtins = builtins.join("、");
                let (what, help) = match template {
                    Choice::Name(_) => (
                        "它既不在项目的 templates/ 目录里，也不是内置模板",
                        format!(
                            "数据文件只能指定 templates/ 目录下的模板或内置模板（{builtins}）；别处的模板文件请在命令行用 --template 指定"
                        ),
                    ),
                    Choice::NameOrFile(_) => (
                        "没有这个文件，项目的 templates/ 目录里和内置模板里也没有",
                        format!("--template 写模板文件的路径，或 templates/ 目录下的模板名、内置模板名（{builtins}）"),
                    ),
                };
                return Err(Diagnostic::error("template.not-found", format!("找不到模板“{name}”：{what}"))
                    .with_help(help)
                    .into());
            }
            _ => self.env.get_template(name).and_then(|t| render_bounded(&t, &ctx)),
        };
        result.map(|markup| (markup, reads)).map_err(|e| self.diagnostic(&e).into())
    }

    /// Project template files read so far (for dependency tracking).
    pub fn files_used(&self) -> Vec<PathBuf> {
        self.used.lock().expect("lock").values().cloned().collect()
    }

    /// Where a template's source can be shown from: the project file or the built-in.
    fn source_of(&self, name: &str) -> (String, Option<String>) {
        if let Some(path) = self.used.lock().expect("lock").get(name) {
            return (path.display().to_string(), crate::input::read_utf8(path, crate::input::Kind::Template).ok());
        }
        match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((n, s)) => (format!("<内置模板>/{n}"), Some(s.to_string())),
            None => (name.to_string(), None),
        }
    }

    /// A minijinja error as a diagnostic naming the template and line.
    fn diagnostic(&self, e: &Error) -> Diagnostic {
        // The innermost error carries the most precise location (an included template).
        let mut err = e;
        let mut size = e.detail().and_then(|d| d.strip_prefix(SIZE_MARK));
        while let Some(inner) = std::error::Error::source(err).and_then(|s| s.downcast_ref::<Error>()) {
            err = inner;
            size = size.or_else(|| err.detail().and_then(|d| d.strip_prefix(SIZE_MARK)));
        }
        let detail = err.detail().unwrap_or_default();
        let carried = detail.strip_prefix(CARRY_MARK).and_then(|rest| rest.split_once(CARRY_MARK));
        let (id, what) = match err.kind() {
            _ if let Some(size) = size => ("template.size", size.to_string()),
            _ if let Some((id, message)) = carried => {
                (CARRIED.iter().find(|c| **c == id).copied().unwrap_or("template.read"), message.to_string())
            }
            ErrorKind::UndefinedError => {
                ("template.undefined", "模板用到了未定义的变量或属性（可能是拼写错误，或数据里没有这一项）".to_string())
            }
            ErrorKind::SyntaxError => ("template.syntax", "模板语法错误".to_string()),
            ErrorKind::TemplateNotFound => ("template.not-found", "找不到模板".to_string()),
            ErrorKind::UnknownFilter => ("template.unknown-filter", "未知的过滤器".to_string()),
            ErrorKind::UnknownFunction => ("template.unknown-function", "未知的函数".to_string()),
            ErrorKind::UnknownTest => ("template.unknown-test", "未知的测试".to_string()),
            ErrorKind::UnknownMethod => ("template.unknown-method", "未知的方法".to_string()),
            ErrorKind::OutOfFuel => (
                "template.fuel",
                format!(
                    "模板执行的步数或产生的数据量超过上限（{FUEL} 步），可能陷入了死循环、过深的递归，或在反复复制数据"
                ),
            ),
            ErrorKind::BadInclude => ("template.include", "包含（include）模板失败".to_string()),
            ErrorKind::TooManyArguments | ErrorKind::MissingArgument => {
                ("template.arguments", "参数个数不对".to_string())
            }
            ErrorKind::InvalidOperation if err.detail().is_some_and(|d| d.contains("recursion")) => {
                ("template.recursion", format!("模板嵌套（include、宏、块）超过 {RECURSION_LIMIT} 层"))
            }
            _ => ("template.error", "模板执行出错".to_string()),
        };
        let message =
            if detail.is_empty() || size.is_some() || carried.is_some() { what } else { format!("{what}：{detail}") };
        let location = err.name().map(|name| {
            let (file, src) = self.source_of(name);
            let line = err.line().unwrap_or(1);
            let (column, width) = match (err.range(), &src) {
                (Some(r), Some(s)) => {
                    let start = s[..r.start.min(s.len())].rfind('\n').map_or(0, |p| p + 1);
                    let col = s[start..r.start.min(s.len())].chars().count() + 1;
                    (col, s.get(r.clone()).map_or(1, |t| t.chars().count()))
                }
                _ => (1, 1),
            };
            Location {
                file,
                line,
                column,
                source_line: src.as_deref().and_then(|s| s.lines().nth(line.saturating_sub(1))).map(str::to_string),
                width,
                cell: None,
            }
        });
        Diagnostic::error(id, message).at(location)
    }
}

/// Which template to render.
#[derive(Debug, Clone, Copy)]
pub enum Choice<'a> {
    /// A template in the project's `templates/` or a built-in: all a data file
    /// may name (it never reaches a file elsewhere).
    Name(&'a str),
    /// A name as above, or else a template file anywhere: what `--template` on
    /// the command line may give, the user's own choice.
    NameOrFile(&'a str),
}

/// The file of template `name` in the project folder `dir` (as `dir/name`, for
/// messages), once it is known to lie inside `dir` with its symlinks resolved:
/// `None` when `name` is not a plain relative name or no such file exists there; an
/// error when it exists but leads out of `dir` (a symlink to elsewhere).
fn project_file(dir: Option<&Path>, name: &str) -> Result<Option<PathBuf>> {
    let Some(dir) = dir else { return Ok(None) };
    let plain = Path::new(name).components().all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain || std::fs::symlink_metadata(dir.join(name)).is_err() {
        return Ok(None);
    }
    match crate::input::confined(dir, Path::new(name)) {
        Some(_) => Ok(Some(dir.join(name))),
        None => Err(Diagnostic::in_file(
            "template.outside",
            &dir.join(name),
            "这个模板是指向 templates/ 目录之外的链接（或链接的目标不存在），不能使用；请把模板文件本身放进 templates/",
        )
        .into()),
    }
}

/// A diagnostic of ours (a template file that cannot be read) through the
/// minijinja loader, to be read back by [`Templates::diagnostic`] with its id;
/// the file it names goes in front of the message.
fn carry(e: crate::diag::Errors) -> Error {
    let d = e.0.into_iter().next().expect("one diagnostic");
    let file = d.location.map(|l| format!("{}：", l.file)).unwrap_or_default();
    Error::new(ErrorKind::InvalidOperation, format!("{CARRY_MARK}{}{CARRY_MARK}{file}{}", d.id, d.message))
}

/// Render `t` into at most [`MAX_OUTPUT`] bytes.
fn render_bounded(t: &minijinja::Template<'_, '_>, ctx: &Value) -> std::result::Result<String, Error> {
    let mut out = Capped::default();
    match t.render_captured_to(ctx, &mut out) {
        Ok(_) => Ok(String::from_utf8(out.buf).expect("templates write UTF-8")),
        Err(e) if out.over => Err(size_error("模板生成的内容").with_source(e)),
        Err(e) => Err(e),
    }
}

/// `v` as text, if that text fits in [`MAX_OUTPUT`] bytes; worked out without
/// writing more than that.
fn bounded_text(v: &Value) -> std::result::Result<String, Error> {
    use std::fmt::Write;
    // A report never prints NaN or inf.
    if v.kind() == minijinja::value::ValueKind::Number
        && let Ok(x) = f64::try_from(v.clone())
    {
        numbers::finite(x).map_err(arg_error)?;
    }
    let mut out = Capped::default();
    match write!(out, "{v}") {
        Ok(()) => Ok(String::from_utf8(out.buf).expect("Display writes UTF-8")),
        Err(_) => Err(size_error("模板里的一个值")),
    }
}

fn size_error(what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("{SIZE_MARK}{what}超过 {} MB；模板可能在反复复制一个列表或一段文字", MAX_OUTPUT >> 20),
    )
}

/// A buffer that refuses to grow past `limit` bytes ([`MAX_OUTPUT`] by default).
struct Capped {
    buf: Vec<u8>,
    limit: usize,
    over: bool,
}

impl Default for Capped {
    fn default() -> Capped {
        Capped { buf: Vec::new(), limit: MAX_OUTPUT, over: false }
    }
}

impl Capped {
    fn push(&mut self, bytes: &[u8]) -> bool {
        if self.over || self.buf.len() + bytes.len() > self.limit {
            self.over = true;
            return false;
        }
        self.buf.extend_from_slice(bytes);
        true
    }
}

impl std::fmt::Write for Capped {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.push(s.as_bytes()) { Ok(()) } else { Err(std::fmt::Error) }
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.push(bytes) { Ok(bytes.len()) } else { Err(std::io::Error::other("template output over the limit")) }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn arg_error(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

/// A filter's number: an integer or float, finite.
fn as_f64(v: &Value, what: &str) -> std::result::Result<f64, Error> {
    let x = f64::try_from(v.clone()).map_err(|_| arg_error(format!("{what} 需要一个数字，得到的是 {}", shown(v))))?;
    numbers::finite(x).map_err(|e| arg_error(format!("{what}：{e}")))
}

/// A filter's whole number, within what Chinese numerals are written for (an `i64`).
fn as_i64(v: &Value, what: &str) -> std::result::Result<i64, Error> {
    if let Ok(n) = i64::try_from(v.clone()) {
        return Ok(n);
    }
    let why = match f64::try_from(v.clone()) {
        Ok(x) if x.is_finite() && x.fract() == 0.0 => "太大".to_string(),
        Ok(x) if x.is_finite() => "不是整数".to_string(),
        Ok(x) => format!("不是有限的数（{x}）"),
        Err(_) => format!("不是数字，而是 {}", shown(v)),
    };
    Err(arg_error(format!("{what} 需要一个整数，得到的数{why}")))
}

/// A value for a message: its first 30 characters.
fn shown(v: &Value) -> String {
    use std::fmt::Write;
    let mut out = Capped { limit: 120, ..Capped::default() };
    let cut = write!(out, "{v}").is_err();
    let text = String::from_utf8_lossy(&out.buf);
    let mut s: String = text.chars().take(30).collect();
    if cut || s.len() < text.len() {
        s.push('…');
    }
    s
}

/// The built-in filters that spell a whole value out as text, each checked
/// first: the value's text must fit [`MAX_OUTPUT`] before minijinja builds it.
/// (minijinja charges fuel for such text only once it is built, so a list
/// nested in itself 28 times would be spelt out, gigabytes long, before the
/// fuel ran out.) `pprint` and `string` are ours: they build the text bounded.
fn guard_builtins(env: &mut Environment<'static>) {
    use minijinja::filters as f;
    let spelling: [(&str, Value); 10] = [
        ("join", Value::from_function(f::join)),
        ("tojson", Value::from_function(f::tojson)),
        ("upper", Value::from_function(f::upper)),
        ("lower", Value::from_function(f::lower)),
        ("title", Value::from_function(f::title)),
        ("capitalize", Value::from_function(f::capitalize)),
        ("trim", Value::from_function(f::trim)),
        ("replace", Value::from_function(f::replace)),
        ("indent", Value::from_function(f::indent)),
        ("safe", Value::from_function(f::safe)),
    ];
    for (name, builtin) in spelling {
        env.add_filter(name, move |state: &mut State, args: Rest<Value>| -> std::result::Result<Value, Error> {
            for arg in args.iter() {
                bounded_text(arg)?;
            }
            builtin.call(state, &args)
        });
    }
    env.add_filter("string", |v: &Value| -> std::result::Result<Value, Error> {
        Ok(if v.as_str().is_some() { v.clone() } else { Value::from(bounded_text(v)?) })
    });
    env.add_filter("pprint", |v: &Value| -> std::result::Result<String, Error> {
        use std::fmt::Write;
        let mut out = Capped::default();
        write!(out, "{v:#?}").map_err(|_| size_error("模板里的一个值"))?;
        Ok(String::from_utf8(out.buf).expect("Debug writes UTF-8"))
    });
}

fn as_date(v: &Value) -> std::result::Result<Date, Error> {
    let s = match v.as_str() {
        Some(s) => s.to_string(),
        None => bounded_text(v)?,
    };
    Date::parse(&s).ok_or_else(|| arg_error(format!("cn_date 需要 2018-04-11 这样的日期，得到的是 {}", shown(v))))
}

/// `table|column_align`: each column's alignment, `left`, `center` or
/// `right`: as the table's `align` gives it, else `center` for a column that
/// counts its rows ([`numbers::is_sequence_column`]: `序号`), `right` for a
/// column of figures ([`numbers::is_figure_column`]: the markup aligns such a
/// column on the decimal point) and `left` for the rest.
fn column_align(table: Value) -> std::result::Result<Vec<String>, Error> {
    let columns = table.get_attr("columns")?.len().unwrap_or(0);
    let rows = table.get_attr("rows")?;
    let given = table.get_attr("align")?;
    let cell = |row: &Value, c: usize| row.get_item_by_index(c).ok().map(|v| v.to_string()).unwrap_or_default();
    (0..columns)
        .map(|c| {
            if let Some(a) = given.get_item_by_index(c).ok().filter(|a| !a.is_undefined() && !a.is_none()) {
                return Ok(a.to_string());
            }
            let cells: Vec<String> = rows.try_iter()?.map(|r| cell(&r, c)).collect();
            let cells = || cells.iter().map(String::as_str);
            Ok(if numbers::is_sequence_column(cells()) {
                "center"
            } else if numbers::is_figure_column(cells()) {
                "right"
            } else {
                "left"
            }
            .to_string())
        })
        .collect()
}

fn decimals_arg(kwargs: &Kwargs, name: &str, default: u8) -> std::result::Result<u8, Error> {
    Ok(kwargs.get::<Option<u8>>(name)?.unwrap_or(default))
}

/// Register this genre's filters and functions (documented in the README).
fn register(env: &mut Environment<'static>) {
    env.add_filter("column_align", column_align);
    env.add_filter("cn", |n: Value| -> std::result::Result<String, Error> {
        Ok(numbers::chinese_numeral(as_i64(&n, "cn")?))
    });
    env.add_filter("ordinal", |n: Value, pattern: Option<String>| -> std::result::Result<String, Error> {
        Ok(numbers::ordinal(as_i64(&n, "ordinal")?, pattern.as_deref().unwrap_or("{}是")))
    });
    env.add_filter("number", |v: Value, decimals: Option<u8>| -> std::result::Result<String, Error> {
        Ok(numbers::decimal(as_f64(&v, "number")?, decimals))
    });
    env.add_filter("percent", |v: Value, kwargs: Kwargs| -> std::result::Result<String, Error> {
        let d = decimals_arg(&kwargs, "decimals", 1)?;
        kwargs.assert_all_used()?;
        numbers::percent(as_f64(&v, "percent")?, d).map_err(arg_error)
    });
    env.add_filter("permille", |v: Value, kwargs: Kwargs| -> std::result::Result<String, Error> {
        let d = decimals_arg(&kwargs, "decimals", 1)?;
        kwargs.assert_all_used()?;
        numbers::permille(as_f64(&v, "permille")?, d).map_err(arg_error)
    });
    env.add_filter("yuan", |v: Value, kwargs: Kwargs| -> std::result::Result<String, Error> {
        let d = decimals_arg(&kwargs, "decimals", 2)?;
        let unit: Option<String> = kwargs.get("unit")?;
        kwargs.assert_all_used()?;
        numbers::yuan(as_f64(&v, "yuan")?, unit.as_deref(), d).map_err(arg_error)
    });
    env.add_filter("change", |cur: Value, prior: Value, kwargs: Kwargs| -> std::result::Result<String, Error> {
        let kind = match kwargs.get::<Option<String>>("kind")?.as_deref() {
            None | Some("amount") => numbers::ChangeKind::Amount,
            Some("rate") => numbers::ChangeKind::Points("个百分点"),
            Some("permille") => numbers::ChangeKind::Points("个千分点"),
            Some(k) => {
                return Err(arg_error(format!("change 的 kind 只能是 amount、rate 或 permille，不能是“{k}”")));
            }
        };
        let d = decimals_arg(&kwargs, "decimals", 1)?;
        kwargs.assert_all_used()?;
        let (cur, prior) = (as_f64(&cur, "change")?, as_f64(&prior, "change")?);
        numbers::change(cur, prior, kind, d).map(|(_, _, text)| text).ok_or_else(|| {
            arg_error(if prior == 0.0 {
                "去年的数值为 0，无法计算增长百分比"
            } else {
                "变化幅度超出范围，无法计算"
            })
        })
    });
    env.add_filter("cn_date", |v: Value, style: Option<String>| -> std::result::Result<String, Error> {
        let chinese = match style.as_deref() {
            None | Some("arabic") => false,
            Some("chinese") => true,
            Some(s) => return Err(arg_error(format!("cn_date 的样式只能是 arabic 或 chinese，不能是“{s}”"))),
        };
        Ok(numbers::chinese_date(as_date(&v)?, chinese))
    });
    env.add_filter("lead_in", |text: String, lead: Option<String>| -> String {
        numbers::lead_in(&text, lead.as_deref().unwrap_or(""))
    });
    env.add_filter("sentence", |text: String| -> String { numbers::sentence(&text) });
    env.add_test("announcing", |v: Value| -> bool { v.as_str().is_some_and(numbers::announcing) });
    env.add_filter("join_cn", |v: Value, conj: Option<String>| -> std::result::Result<String, Error> {
        let items = v.try_iter()?.map(|item| bounded_text(&item)).collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(numbers::join_chinese(&items, conj.as_deref().unwrap_or("和")))
    });
}
