//! Templates: the minijinja environment that turns a report's data into markup.
//!
//! Templates live in the project's `templates/` folder, falling back to the
//! built-in defaults compiled into the binary, so inheritance and includes work
//! across both. Every value printed into a `.md.j2` template is escaped for the
//! markup ([`filters::escape_markup`]); undefined values and `none` are errors
//! naming the template and line; a fuel limit stops a looping template.

pub mod filters;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};

use crate::data::model::Date;
use crate::diag::{Diagnostic, Location, Result};

/// The default templates, compiled in (name, source).
pub const BUILTIN: &[(&str, &str)] = &[
    ("_base.md.j2", include_str!("../../templates/_base.md.j2")),
    ("_macros.md.j2", include_str!("../../templates/_macros.md.j2")),
    ("speech.md.j2", include_str!("../../templates/speech.md.j2")),
    ("work-report.md.j2", include_str!("../../templates/work-report.md.j2")),
    ("key-points.md.j2", include_str!("../../templates/key-points.md.j2")),
    ("plan.md.j2", include_str!("../../templates/plan.md.j2")),
];

/// Instructions one render may spend: the seed-003 speech takes under 10 000, so
/// this leaves room for a province's report and stops a runaway loop in ~0.2 s.
pub const FUEL: u64 = 1_000_000;
/// How deep includes, macros and blocks may nest.
pub const RECURSION_LIMIT: usize = 64;

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
                if let Some(dir) = &dir
                    && let Some(path) = safe_join(dir, name)
                    && path.is_file()
                {
                    let src = std::fs::read_to_string(&path).map_err(|e| {
                        Error::new(
                            ErrorKind::InvalidOperation,
                            format!("无法读取模板 {}：{}", path.display(), read_error(&e)),
                        )
                    })?;
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
                    out.write_str(&filters::escape_markup(&value.to_string())).map_err(Error::from)
                }
                AutoEscape::Custom(name) if name == MARKUP => {
                    out.write_str(value.as_str().unwrap_or_default()).map_err(Error::from)
                }
                _ => minijinja::escape_formatter(out, state, value),
            }
        });
        register(&mut env);
        Templates { env, used, dir }
    }

    /// Render `template` with `ctx`: a template name (looked up in the project's
    /// `templates/`, then the built-ins) or else a path to a template file.
    pub fn render(&self, template: &str, ctx: &impl serde::Serialize) -> Result<String> {
        let ctx = Value::from(minijinja::value::Serde(ctx));
        let is_name = BUILTIN.iter().any(|(n, _)| *n == template)
            || self.dir.as_ref().and_then(|d| safe_join(d, template)).is_some_and(|p| p.is_file());
        let path = Path::new(template);
        let result = if !is_name && path.is_file() {
            let src = std::fs::read_to_string(path).map_err(|e| {
                Diagnostic::in_file("template.read", path, format!("无法读取模板文件：{}", read_error(&e)))
            })?;
            self.used.lock().expect("lock").insert(template.to_string(), path.to_path_buf());
            let mut env = self.env.clone();
            env.add_template_owned(template.to_string(), src).map_err(|e| self.diagnostic(&e))?;
            env.get_template(template).and_then(|t| t.render(&ctx))
        } else {
            self.env.get_template(template).and_then(|t| t.render(&ctx))
        };
        result.map_err(|e| self.diagnostic(&e).into())
    }

    /// Project template files read so far (for dependency tracking).
    pub fn files_used(&self) -> Vec<PathBuf> {
        self.used.lock().expect("lock").values().cloned().collect()
    }

    /// Where a template's source can be shown from: the project file or the built-in.
    fn source_of(&self, name: &str) -> (String, Option<String>) {
        if let Some(path) = self.used.lock().expect("lock").get(name) {
            return (path.display().to_string(), std::fs::read_to_string(path).ok());
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
        while let Some(inner) = std::error::Error::source(err).and_then(|s| s.downcast_ref::<Error>()) {
            err = inner;
        }
        let detail = err.detail().unwrap_or_default();
        let (id, what) = match err.kind() {
            ErrorKind::UndefinedError => {
                ("template.undefined", "模板用到了未定义的变量或属性（可能是拼写错误，或数据里没有这一项）".to_string())
            }
            ErrorKind::SyntaxError => ("template.syntax", "模板语法错误".to_string()),
            ErrorKind::TemplateNotFound => ("template.not-found", "找不到模板".to_string()),
            ErrorKind::UnknownFilter => ("template.unknown-filter", "未知的过滤器".to_string()),
            ErrorKind::UnknownFunction => ("template.unknown-function", "未知的函数".to_string()),
            ErrorKind::UnknownTest => ("template.unknown-test", "未知的测试".to_string()),
            ErrorKind::UnknownMethod => ("template.unknown-method", "未知的方法".to_string()),
            ErrorKind::OutOfFuel => {
                ("template.fuel", format!("模板执行步数超过上限（{FUEL}），可能陷入了死循环或过深的递归"))
            }
            ErrorKind::BadInclude => ("template.include", "包含（include）模板失败".to_string()),
            ErrorKind::TooManyArguments | ErrorKind::MissingArgument => {
                ("template.arguments", "参数个数不对".to_string())
            }
            ErrorKind::InvalidOperation if err.detail().is_some_and(|d| d.contains("recursion")) => {
                ("template.recursion", format!("模板嵌套（include、宏、块）超过 {RECURSION_LIMIT} 层"))
            }
            _ => ("template.error", "模板执行出错".to_string()),
        };
        let message = if detail.is_empty() { what } else { format!("{what}：{detail}") };
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
            }
        });
        Diagnostic::error(id, message).at(location)
    }
}

/// `dir/name` if `name` is a plain relative path that stays inside `dir`.
fn safe_join(dir: &Path, name: &str) -> Option<PathBuf> {
    let p = Path::new(name);
    let plain = p.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    plain.then(|| dir.join(p))
}

fn arg_error(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

fn as_f64(v: &Value, what: &str) -> std::result::Result<f64, Error> {
    f64::try_from(v.clone()).map_err(|_| arg_error(format!("{what} 需要一个数字，得到的是 {v}")))
}

fn as_date(v: &Value) -> std::result::Result<Date, Error> {
    let s = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
    Date::parse(&s).ok_or_else(|| arg_error(format!("cn_date 需要 2018-04-11 这样的日期，得到的是 {v}")))
}

fn decimals_arg(kwargs: &Kwargs, name: &str, default: u8) -> std::result::Result<u8, Error> {
    Ok(kwargs.get::<Option<u8>>(name)?.unwrap_or(default))
}

/// Register this genre's filters and functions (documented in the README).
fn register(env: &mut Environment<'static>) {
    env.add_filter("cn", |n: i64| filters::chinese_numeral(n));
    env.add_filter("ordinal", |n: i64, pattern: Option<String>| {
        filters::ordinal(n, pattern.as_deref().unwrap_or("{}是"))
    });
    env.add_filter("number", |v: Value, decimals: Option<u8>| -> std::result::Result<String, Error> {
        Ok(filters::decimal(as_f64(&v, "number")?, decimals))
    });
    env.add_filter("percent", |v: Value, kwargs: Kwargs| -> std::result::Result<String, Error> {
        let d = decimals_arg(&kwargs, "decimals", 1)?;
        kwargs.assert_all_used()?;
        Ok(filters::percent(as_f64(&v, "percent")?, d))
    });
    env.add_filter("permille", |v: Value, kwargs: Kwargs| -> std::result::Result<String, Error> {
        let d = decimals_arg(&kwargs, "decimals", 1)?;
        kwargs.assert_all_used()?;
        Ok(filters::permille(as_f64(&v, "permille")?, d))
    });
    env.add_filter("yuan", |v: Value, kwargs: Kwargs| -> std::result::Result<String, Error> {
        let d = decimals_arg(&kwargs, "decimals", 2)?;
        let unit: Option<String> = kwargs.get("unit")?;
        kwargs.assert_all_used()?;
        filters::yuan(as_f64(&v, "yuan")?, unit.as_deref(), d).map_err(arg_error)
    });
    env.add_filter("change", |cur: Value, prior: Value, kwargs: Kwargs| -> std::result::Result<String, Error> {
        let kind = match kwargs.get::<Option<String>>("kind")?.as_deref() {
            None | Some("amount") => filters::ChangeKind::Amount,
            Some("rate") => filters::ChangeKind::Rate,
            Some(k) => return Err(arg_error(format!("change 的 kind 只能是 amount 或 rate，不能是“{k}”"))),
        };
        let d = decimals_arg(&kwargs, "decimals", 1)?;
        kwargs.assert_all_used()?;
        filters::change(as_f64(&cur, "change")?, as_f64(&prior, "change")?, kind, d)
            .map(|(_, _, text)| text)
            .ok_or_else(|| arg_error("去年的数值为 0，无法计算增长百分比"))
    });
    env.add_filter("cn_date", |v: Value, style: Option<String>| -> std::result::Result<String, Error> {
        let chinese = match style.as_deref() {
            None | Some("arabic") => false,
            Some("chinese") => true,
            Some(s) => return Err(arg_error(format!("cn_date 的样式只能是 arabic 或 chinese，不能是“{s}”"))),
        };
        Ok(filters::chinese_date(as_date(&v)?, chinese))
    });
    env.add_filter("join_cn", |v: Vec<String>, conj: Option<String>| {
        filters::join_chinese(&v, conj.as_deref().unwrap_or("和"))
    });
}

/// Why a template file could not be read, in the writer's words.
fn read_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::InvalidData => {
            "文件不是 UTF-8 编码；请用 UTF-8 重新保存（记事本：另存为 → 编码选 UTF-8）".to_string()
        }
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        _ => e.to_string(),
    }
}
