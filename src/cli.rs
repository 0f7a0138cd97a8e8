//! The command line: argument parsing (clap), the subcommands, and how findings
//! and progress are printed. Exit codes: 0 success, 1 errors in data or
//! templates, 2 wrong usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::check;
use crate::config::Config;
use crate::diag::{Diagnostic, Errors};
use crate::fonts::FontBook;
use crate::render;
use crate::template::Templates;
use crate::writer::{DocxFonts, Format, Resources};

const AFTER_HELP: &str = "\
示例：
  nianbao render data/xiangyuan/2018.yaml                 生成 DOCX 和 PDF 到 out/xiangyuan/2018/
  nianbao render data/xiangyuan/2018.yaml --format md     只生成 Markdown，便于阅读和比较
  nianbao check data/                                      检查 data/ 下所有数据文件，不写任何文件

退出码：0 成功；1 数据或模板有错误；2 命令用法错误。";

const CHECK_HELP: &str = "\
示例：
  nianbao check data/xiangyuan/2018.yaml
  nianbao check data/ --format json --deny-warnings

检查项（可在 nianbao.yaml 的 check.silence 里关闭，如 [text.halfwidth] 或 [text.*]）：
  placeholder           占位符：xx、XX、××、某某、＊＊、TODO、待定、[ ]
  text.empty            必填的文字为空
  figure.rate-over-100  比率超过100%
  figure.negative       数量或比率为负数
  figure.rate-mismatch  写明的比率与分子、分母算出的不一致
  figure.parts          合计与各分项之和不一致
  year.date             会议日期或成文日期不在报告年度
  year.honour           荣誉的日期不在回顾年度（警告）
  year.in-plan          工作部署部分出现了上一年的年份（警告）
  target.unmatched      去年的目标今年没有对应的指标（警告）
  target.deadline       目标的完成时限晚于计划年度（警告）
  text.halfwidth        中文里用了半角标点 ,;:?!()（警告）
  text.unpaired         引号、括号、书名号不成对（警告）
  text.doubled          标点重复，如“。。”“，。”（警告）
  text.artefact         文字转换留下的错词，如“效劳”“根本公共卫生”（警告）
  text.unclosed         段落没有以句号等标点结束（警告）
  doc.heading-skip      标题跳级（警告）
  doc.empty-section     标题下没有内容（警告）

退出码：0 没有错误（可能有警告）；1 有错误，或用了 --deny-warnings 且有警告；2 用法错误。";

/// 年报：把一年的工作数据（YAML）生成为卫生健康工作会议讲话、工作报告等年度报告（DOCX 和 PDF，版式符合 GB/T 9704-2012）。
#[derive(Debug, Parser)]
#[command(name = "nianbao", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成报告：读取数据文件，渲染模板，写出 DOCX、PDF 或 Markdown
    #[command(
        after_help = "示例：\n  nianbao render data/xiangyuan/2018.yaml\n  nianbao render data/*/2018.yaml --format pdf --out 会议材料\n  nianbao render data/xiangyuan/2018.yaml --template 我的讲话.md.j2 --format md"
    )]
    Render(RenderArgs),
    /// 检查数据和模板：报告找到的每一个问题，不写任何文件
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// 数据文件（data/<县>/<年份>.yaml），可以给多个
    #[arg(required = true, value_name = "数据文件")]
    pub data: Vec<PathBuf>,
    /// 模板名（templates/ 下的文件名）或模板文件路径；默认按数据里的 kind 选择
    #[arg(long, value_name = "模板")]
    pub template: Option<String>,
    /// 输出格式，可用逗号分隔多个
    #[arg(long, value_enum, value_delimiter = ',', default_value = "docx,pdf", value_name = "格式")]
    pub format: Vec<Format>,
    /// 输出目录；文件写到 <目录>/<县>/<年份>/ 下
    #[arg(long, default_value = "out", value_name = "目录")]
    pub out: PathBuf,
    /// DOCX 是否嵌入字体：embed 嵌入字体子集（默认），names 只写字体名
    #[arg(long, value_enum, default_value = "embed", value_name = "方式")]
    pub docx_fonts: DocxFonts,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// 数据文件或目录（目录下的 <县>/<年份>.yaml 都会检查）
    #[arg(required = true, value_name = "路径")]
    pub paths: Vec<PathBuf>,
    /// 模板名或路径；默认按数据里的 kind 选择
    #[arg(long, value_name = "模板")]
    pub template: Option<String>,
    /// 输出方式：text 给人看，json 给编辑器和 CI
    #[arg(long, value_enum, default_value = "text", value_name = "方式")]
    pub format: ReportFormat,
    /// 把警告也当作错误（有警告时退出码为 1）
    #[arg(long)]
    pub deny_warnings: bool,
}

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// Parse the arguments, run, and map the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let ok = match cli.command {
        Command::Render(args) => run_render(&args),
        Command::Check(args) => run_check(&args),
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn print_all(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

/// Configuration, templates and (when needed) fonts for a data file's project.
fn project_for(data: &Path, formats: &[Format], docx_fonts: DocxFonts) -> Result<(Resources, Templates), Errors> {
    let config = Config::discover(data)?;
    let fonts = if formats.iter().any(|f| *f != Format::Md) { Some(Arc::new(FontBook::new(&config)?)) } else { None };
    let templates = Templates::new(Some(&config.root.join("templates")));
    Ok((Resources { config: Arc::new(config), fonts, docx_fonts }, templates))
}

fn run_render(args: &RenderArgs) -> bool {
    let mut ok = true;
    for data in &args.data {
        let result = project_for(data, &args.format, args.docx_fonts).and_then(|(res, templates)| {
            let built = render::build(data, &templates, args.template.as_deref())?;
            print_all(&built.loaded.warnings);
            let findings = check::run(&built.loaded, &built.doc, &res.config.check);
            if findings.iter().any(Diagnostic::is_error) {
                return Err(Errors(findings));
            }
            print_all(&findings);
            let (written, warnings) = render::write_outputs(&built, &args.format, &args.out, &res)?;
            print_all(&warnings);
            Ok(written)
        });
        match result {
            Ok(written) => {
                for path in written {
                    eprintln!("已生成 {}", path.display());
                }
            }
            Err(e) => {
                ok = false;
                print_all(&e.0);
                eprintln!("未生成 {}：有 {} 个错误\n", data.display(), e.0.iter().filter(|d| d.is_error()).count());
            }
        }
    }
    ok
}

/// Data files under `paths`: files as given; for a folder, its `<county>/<year>.yaml`
/// files (not `_common.yaml`), sorted.
pub fn data_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Errors> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut found = Vec::new();
        let entries =
            std::fs::read_dir(p).map_err(|e| Diagnostic::in_file("file.read", p, format!("无法读取目录：{e}")))?;
        for county in entries.flatten().map(|e| e.path()).filter(|c| c.is_dir()) {
            for f in std::fs::read_dir(&county).into_iter().flatten().flatten().map(|e| e.path()) {
                let is_year = f.extension().is_some_and(|e| e == "yaml")
                    && f.file_stem()
                        .and_then(|s| s.to_str())
                        .is_some_and(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()));
                if is_year {
                    found.push(f);
                }
            }
        }
        if found.is_empty() {
            return Err(Diagnostic::in_file("file.none", p, "目录下没有找到 <县>/<年份>.yaml 数据文件").into());
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

fn run_check(args: &CheckArgs) -> bool {
    let files = match data_files(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            print_all(&e.0);
            return false;
        }
    };
    let mut all = Vec::new();
    for data in &files {
        let result = project_for(data, &[Format::Md], DocxFonts::Names).and_then(|(res, templates)| {
            let built = render::build(data, &templates, args.template.as_deref())?;
            let mut diags = built.loaded.warnings.clone();
            diags.extend(check::run(&built.loaded, &built.doc, &res.config.check));
            Ok(diags)
        });
        let diags = result.unwrap_or_else(|e| e.0);
        if args.format == ReportFormat::Text {
            print_all(&diags);
        }
        all.extend(diags);
    }
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    match args.format {
        ReportFormat::Text => eprintln!("检查了 {} 个数据文件：{errors} 个错误，{warnings} 个警告", files.len()),
        ReportFormat::Json => {
            let json: Vec<_> = all.iter().map(check::to_json).collect();
            println!("{}", serde_json::to_string_pretty(&json).expect("findings serialize"));
        }
    }
    errors == 0 && (warnings == 0 || !args.deny_warnings)
}
