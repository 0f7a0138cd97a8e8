//! The command line: argument parsing (clap), the subcommands, and how findings
//! and progress are printed. Exit codes: 0 success, 1 errors in data or
//! templates, 2 wrong usage.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::batch;
use crate::check;
use crate::diag::Diagnostic;
use crate::render;
use crate::writer::{self, DocxFonts, Format};

const AFTER_HELP: &str = "\
示例：
  nianbao render data/xiangyuan/2018.yaml                 生成 DOCX 和 PDF 到 out/xiangyuan/2018/
  nianbao render data/xiangyuan/2018.yaml --format md     只生成 Markdown，便于阅读和比较
  nianbao render data/xiangyuan/2018.yaml --format ofd    只生成 OFD，电子公文交换和归档的国家标准版式
  nianbao check data/                                      检查 data/ 下所有数据文件，不写任何文件
  nianbao fonts data/xiangyuan/2018.yaml                   每种字体用的是哪个文件，报告里的字各字体有没有

退出码：0 成功；1 数据或模板有错误；2 命令用法错误。";

/// `check --help`'s text after the options: examples, and every check from [`check::CHECKS`].
fn check_help() -> String {
    let width = check::CHECKS.iter().map(|(id, ..)| id.len()).max().unwrap_or(0);
    let mut text = String::from(
        "示例：\n  nianbao check data/xiangyuan/2018.yaml\n  nianbao check data/ --format json --deny-warnings\n\n\
         检查项（可在 nianbao.yaml 的 check.silence 里关闭，如 [text.halfwidth] 或 [text.*]）：\n",
    );
    for (id, severity, what) in check::CHECKS {
        let warning = if severity == crate::diag::Severity::Warning { "（警告）" } else { "" };
        text.push_str(&format!("  {id:width$}  {what}{warning}\n"));
    }
    text.push_str(
        "\n此外还检查 render 会做的一切（这些不能关闭）：数据能否读取、模板能否渲染、每个字有没有字体\n\
         （font.missing-glyph）、排版（页数上限等），按默认的 DOCX 和 PDF 格式做，只是不写文件。\n\n\
         退出码：0 没有错误（可能有警告）；1 有错误，或用了 --deny-warnings 且有警告；2 用法错误。",
    );
    text
}

/// 年报：把一年的工作数据（YAML）生成为卫生健康工作会议讲话、工作报告等年度报告（DOCX 和 PDF，版式符合 GB/T 9704-2012）。
#[derive(Debug, Parser)]
#[command(name = "nianbao", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成报告：读取数据文件，渲染模板，写出 DOCX、PDF、OFD 或 Markdown
    #[command(
        after_help = "示例：\n  nianbao render data/xiangyuan/2018.yaml\n  nianbao render data/*/2018.yaml --format pdf --out 会议材料\n  nianbao render data/xiangyuan/2018.yaml --format ofd\n  nianbao render data/xiangyuan/2018.yaml --template 我的讲话.md.j2 --format md"
    )]
    Render(RenderArgs),
    /// 批量生成：找出目录下所有 <县>/<年份>.yaml，并行生成，最后列出汇总表
    #[command(
        after_help = "示例：\n  nianbao batch                          生成 data/ 下所有县、所有年份的报告\n  nianbao batch data --year 2018 --jobs 2\n  nianbao batch 各县数据/ --format pdf --force\n\n没有变化的报告会跳过（数据、共用文件、去年的数据、模板、字体、配置都没变），照样列出它上次的警告；--force 全部重新生成。\n退出码：0 全部成功；1 有报告失败（其余的照常生成）；2 用法错误。"
    )]
    Batch(BatchArgs),
    /// 检查数据和模板：报告 render 会拒绝的每一个问题，不写任何文件
    #[command(after_help = check_help())]
    Check(CheckArgs),
    /// 指标汇总：各县各年的指标（本年、上年、同比、目标、完成率）汇成一张表，供市里比较
    #[command(
        after_help = "示例：\n  nianbao table                              汇总 data/ 下所有县，写到 指标汇总.xlsx\n  nianbao table data -o 2018年指标汇总.xlsx --year 2018\n  nianbao table data -o 指标汇总.csv\n\nXLSX 每个年份一张表（如“2018年”），每个县一行；每个指标五列：本年、上年、同比、目标、完成率，\n表头写明单位，数字是可以计算的数字（百分比、千分比、金额各用相应格式），表头冻结。\nCSV 每个县每年一行，UTF-8 编码（Excel 可直接打开）。数据有错误时不写文件，退出码 1。"
    )]
    Table(TableArgs),
    /// 导入已有的报告：把 Word（.docx）、文本（.txt）或 Markdown（.md）文件读成数据文件，标出每处猜测
    #[command(
        after_help = "示例：\n  nianbao import 2018年工作会议讲话.docx -o data/xiangyuan/2018.yaml\n  nianbao import 工作要点.txt --kind key-points --unit 金华市 --dry-run\n\n识别标题、副标题、日期、讲话人、称呼，各级标题的编号（一、（一）1．（1）第X章 第X节），\n接排标题，“一是……二是……”，荣誉，表格；文中“名称+数字+单位”（签约率66.2%）提议为指标。\n从网页复制的文字里的导航、“浏览次数”“下载文档”“温馨提示”等杂项会去掉并报告行数。\n认不出的内容都作为段落保留，不会丢掉。写出的文件里，“识别为”注释标出每处猜测，请核对。\n已有的文件绝不覆盖。"
    )]
    Import(ImportArgs),
    /// 新的一年：由今年的数据文件生成下一年的（去年的部署变成回顾，目标变成待填的指标），已有的文件绝不覆盖
    #[command(
        after_help = "示例：\n  nianbao next data/xiangyuan/2018.yaml     写出 data/xiangyuan/2019.yaml\n\n单位、发文单位、讲话人和各部分标题照搬；2018 年的工作部署变成 2019 年报告的工作回顾，\n每项任务是一个待填写完成情况的条目，每个目标是一个同 id、待填数值的指标（完成情况自动计算）。\n要改写、填写的文字都标有“待定”，改完之前 nianbao check 会报告它们。"
    )]
    Next(NextArgs),
    /// 新建工作目录：示例数据、可修改的模板、Makefile 和配置，建好即可生成
    #[command(after_help = "示例：\n  nianbao init 我县年报\n  cd 我县年报 && nianbao render data/example/*.yaml")]
    Init(InitArgs),
    /// 查看字体：每种字体用的哪个文件、在哪里找到；给出报告时列出各角色缺的字和补字的后备字体
    #[command(
        after_help = "示例：\n  nianbao fonts                              当前项目的字体\n  nianbao fonts data/xiangyuan/2018.yaml     再加上这份报告的文字每种字体有没有\n\n打印出来的字“看起来不对”时，先运行它。"
    )]
    Fonts(FontsArgs),
    /// 监视数据文件：每次保存（数据、共用文件、模板、配置）都重新生成，出错时打印错误并继续等待
    #[command(after_help = "示例：\n  nianbao watch data/xiangyuan/2018.yaml --format pdf\n\n按 Ctrl-C 结束。")]
    Watch(WatchArgs),
    /// 输出数据文件的 JSON Schema（编辑器据此自动补全、提示错误）
    #[command(after_help = "示例：\n  nianbao schema > schema/nianbao.schema.json")]
    Schema,
    /// 输出命令行补全脚本（按 Tab 补全命令和选项）
    #[command(
        after_help = "示例：\n  nianbao completions bash > /etc/bash_completion.d/nianbao\n  nianbao completions zsh > ~/.zfunc/_nianbao\n  nianbao completions powershell >> $PROFILE"
    )]
    Completions {
        /// 终端类型：bash、zsh、fish、powershell 或 elvish
        #[arg(value_enum, value_name = "终端", hide_possible_values = true)]
        shell: clap_complete::Shell,
    },
}

/// The command line with clap's own words in Chinese: headings, usage lines,
/// the help and version flags (usage errors: [`Chinese`]).
pub fn command() -> clap::Command {
    fn localize(cmd: clap::Command) -> clap::Command {
        cmd.help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
            .subcommand_help_heading("命令")
            .subcommand_value_name("命令")
            .disable_help_subcommand(true)
            .disable_help_flag(true)
            .mut_args(|a| {
                let heading = if a.is_positional() { "参数" } else { "选项" };
                if a.get_help_heading().is_none() { a.help_heading(heading) } else { a }
            })
            .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示帮助").help_heading("选项"))
            .mut_subcommands(localize)
    }
    let mut cmd = localize(Cli::command()).disable_version_flag(true).arg(
        Arg::new("version").short('V').long("version").action(ArgAction::Version).help("显示版本").help_heading("选项"),
    );
    // Usage lines as clap writes them, `[OPTIONS]` in Chinese.
    cmd.build();
    let usage = |c: &clap::Command| {
        let text = c.clone().render_usage().to_string();
        text.trim_start_matches("Usage:").trim().replace("[OPTIONS]", "[选项]")
    };
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in names {
        let line = cmd.find_subcommand(&name).map(usage).unwrap_or_default();
        cmd = cmd.mut_subcommand(name, |c| c.override_usage(line));
    }
    cmd
}

/// Usage errors in Chinese: what clap would say (`unexpected argument
/// '--fromat' found`), said to the office writer. [`usage_error`] adds the
/// usage line and where to read more.
pub struct Chinese;

impl clap::error::ErrorFormatter for Chinese {
    fn format_error(error: &clap::error::Error<Self>) -> clap::builder::StyledStr {
        use clap::error::{ContextKind, ContextValue, ErrorKind};
        let text = |k| match error.get(k) {
            Some(ContextValue::String(s)) => Some(s.clone()),
            Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
            Some(ContextValue::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let list = |k| match error.get(k) {
            Some(ContextValue::Strings(v)) => v.clone(),
            Some(ContextValue::StyledStrs(v)) => v.iter().map(|s| s.to_string()).collect(),
            Some(ContextValue::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        };
        let arg = text(ContextKind::InvalidArg).unwrap_or_default();
        let value = text(ContextKind::InvalidValue).unwrap_or_default();
        let quoted = |v: Vec<String>| v.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、");
        let mut lines: Vec<String> = Vec::new();
        match error.kind() {
            ErrorKind::UnknownArgument => {
                lines.push(format!("错误：不认识的选项“{arg}”"));
                let suggested = list(ContextKind::SuggestedArg);
                if !suggested.is_empty() {
                    lines.push(format!("  提示：是不是想写{}？", quoted(suggested)));
                }
                if matches!(error.get(ContextKind::TrailingArg), Some(ContextValue::Bool(true))) {
                    lines.push(format!("  提示：如果“{arg}”是文件名，请写成 -- {arg}"));
                }
            }
            ErrorKind::InvalidSubcommand => {
                let sub = text(ContextKind::InvalidSubcommand).unwrap_or_default();
                lines.push(format!("错误：没有“{sub}”这个命令"));
                let suggested = list(ContextKind::SuggestedSubcommand);
                if !suggested.is_empty() {
                    lines.push(format!("  提示：是不是想写{}？", quoted(suggested)));
                }
                let all: Vec<String> = command().get_subcommands().map(|c| c.get_name().to_string()).collect();
                lines.push(format!("  可用的命令：{}", all.join("、")));
            }
            ErrorKind::InvalidValue if value.is_empty() => lines.push(format!("错误：{arg} 后面要写一个值")),
            ErrorKind::InvalidValue => {
                lines.push(format!("错误：“{value}”不是 {arg} 可用的值"));
                let valid = list(ContextKind::ValidValue);
                if !valid.is_empty() {
                    lines.push(format!("  可用的值：{}", valid.join("、")));
                }
                let suggested = list(ContextKind::SuggestedValue);
                if !suggested.is_empty() {
                    lines.push(format!("  提示：是不是想写{}？", quoted(suggested)));
                }
            }
            ErrorKind::ValueValidation => {
                let why = match std::error::Error::source(error) {
                    Some(e) if e.is::<std::num::ParseIntError>() => "应为一个整数".to_string(),
                    Some(e) if e.to_string().chars().any(|c| c as u32 >= 0x3400) => e.to_string(),
                    _ => "取值不对".to_string(),
                };
                lines.push(format!("错误：{arg} 的值“{value}”不对：{why}"));
            }
            ErrorKind::NoEquals => lines.push(format!("错误：{arg} 的值要用等号连接，如 {arg}=值")),
            ErrorKind::TooManyValues => lines.push(format!("错误：“{value}”是多余的：{arg} 后面不能再写值")),
            ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
                let expected = text(ContextKind::ExpectedNumValues).or_else(|| text(ContextKind::MinValues));
                let actual = text(ContextKind::ActualNumValues).unwrap_or_default();
                lines.push(format!("错误：{arg} 需要 {} 个值，实际给了 {actual} 个", expected.unwrap_or_default()));
            }
            ErrorKind::ArgumentConflict => {
                let prior = list(ContextKind::PriorArg);
                lines.push(format!("错误：{arg} 不能和 {} 一起使用", prior.join("、")));
            }
            ErrorKind::MissingRequiredArgument => {
                lines.push(format!("错误：缺少必填的参数 {}", list(ContextKind::InvalidArg).join("、")));
            }
            ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                lines.push("错误：缺少命令".to_string());
            }
            ErrorKind::InvalidUtf8 => lines.push("错误：参数里有不是 UTF-8 编码的文字".to_string()),
            _ => lines.push("错误：命令行用法不对".to_string()),
        }
        let mut out = clap::builder::StyledStr::new();
        use std::fmt::Write;
        let _ = writeln!(out, "{}", lines.join("\n"));
        out
    }
}

/// Options shared by the commands that write reports.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// 模板名（templates/ 下的文件名）或模板文件路径；默认按数据里的 kind 选择
    #[arg(long, value_name = "模板")]
    pub template: Option<String>,
    /// 输出格式：docx（Word，继续编辑）、pdf（印刷）、ofd（电子公文交换和归档，GB/T 33190）、md（Markdown，便于阅读和比较），可用逗号分隔多个；默认 docx,pdf
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "docx,pdf",
        value_name = "格式",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub format: Vec<Format>,
    /// 输出目录，默认 out；文件写到 <目录>/<县>/<年份>/ 下
    #[arg(long, default_value = "out", value_name = "目录", hide_default_value = true)]
    pub out: PathBuf,
    /// DOCX 怎样带字体：subset 嵌入用到的字（默认），embed 嵌入整套字体（以后输入的字也是同一字体，文件大），names 只写字体名
    #[arg(
        long,
        value_enum,
        default_value = "subset",
        value_name = "方式",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub docx_fonts: DocxFonts,
    /// 即使输入没有变化也重新生成
    #[arg(long)]
    pub force: bool,
    /// 在输出目录写 make 格式的依赖文件（<目录>/.nianbao/<县>/<年份>.d），供 Makefile 用 -include 读入
    #[arg(long)]
    pub depfile: bool,
}

impl OutputArgs {
    fn options(&self, jobs: Option<usize>) -> batch::Options {
        // A format named twice (`--format pdf,pdf`) is written once.
        let mut formats: Vec<Format> = Vec::new();
        for f in &self.format {
            if !formats.contains(f) {
                formats.push(*f);
            }
        }
        batch::Options {
            formats,
            out: self.out.clone(),
            template: self.template.clone(),
            writers: writer::Options { docx: writer::docx::Options { fonts: self.docx_fonts } },
            jobs,
            force: self.force,
            depfile: self.depfile,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// 数据目录，默认 data
    #[arg(value_name = "目录")]
    pub dirs: Vec<PathBuf>,
    /// 只生成这一年的报告
    #[arg(long, value_name = "年份")]
    pub year: Option<i32>,
    /// 同时生成的份数，默认等于 CPU 核数
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// 数据目录，默认 data
    #[arg(value_name = "目录")]
    pub dirs: Vec<PathBuf>,
    /// 输出文件，默认 指标汇总.xlsx（--format csv 时为 指标汇总.csv）
    #[arg(short = 'o', long = "output", value_name = "文件")]
    pub output: Option<PathBuf>,
    /// 输出格式：xlsx（默认）或 csv；不写时按输出文件的扩展名
    #[arg(long, value_enum, value_name = "格式", hide_possible_values = true)]
    pub format: Option<crate::table::TableFormat>,
    /// 只汇总这一年的报告
    #[arg(long, value_name = "年份")]
    pub year: Option<i32>,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// 要导入的文件：.docx、.txt（UTF-8 或 GBK/GB18030）或 .md
    #[arg(value_name = "文件")]
    pub file: PathBuf,
    /// 体裁：speech 讲话、work-report 工作报告、key-points 工作要点、plan 规划；不写时自动判断
    #[arg(long, value_parser = parse_kind, value_name = "体裁")]
    pub kind: Option<crate::data::model::Kind>,
    /// 报告单位的全称，如 襄垣县；不写时从标题推测
    #[arg(long, value_name = "单位")]
    pub unit: Option<String>,
    /// 写到哪个数据文件，如 data/xiangyuan/2018.yaml；默认 data/<单位>/<年份>.yaml
    #[arg(short = 'o', long = "output", value_name = "数据文件")]
    pub output: Option<PathBuf>,
    /// 只列出识别出的结构，不写文件
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_kind(s: &str) -> Result<crate::data::model::Kind, String> {
    use crate::data::model::Kind;
    match s {
        "speech" => Ok(Kind::Speech),
        "work-report" => Ok(Kind::WorkReport),
        "key-points" => Ok(Kind::KeyPoints),
        "plan" => Ok(Kind::Plan),
        _ => Err("应为 speech、work-report、key-points 或 plan".to_string()),
    }
}

#[derive(Debug, clap::Args)]
pub struct NextArgs {
    /// 今年的数据文件（data/<县>/<年份>.yaml）
    #[arg(value_name = "数据文件")]
    pub data: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// 新工作目录，默认当前目录
    #[arg(value_name = "目录", default_value = ".", hide_default_value = true)]
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct FontsArgs {
    /// 数据文件（可选）：列出这份报告的文字各角色的字体有没有
    #[arg(value_name = "数据文件")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// 要监视的数据文件
    #[arg(value_name = "数据文件")]
    pub data: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// 数据文件（data/<县>/<年份>.yaml），可以给多个
    #[arg(required = true, value_name = "数据文件")]
    pub data: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// 数据文件或目录（目录下的 <县>/<年份>.yaml 都会检查）
    #[arg(required = true, value_name = "路径")]
    pub paths: Vec<PathBuf>,
    /// 模板名或路径；默认按数据里的 kind 选择
    #[arg(long, value_name = "模板")]
    pub template: Option<String>,
    /// 输出方式：text 给人看（默认），json 给编辑器和 CI
    #[arg(
        long,
        value_enum,
        default_value = "text",
        value_name = "方式",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub format: ReportFormat,
    /// 把警告也当作错误（有警告时退出码为 1）
    #[arg(long)]
    pub deny_warnings: bool,
    /// 列出全部问题（默认每个文件最多列出 20 个，错误优先）
    #[arg(long)]
    pub all: bool,
}

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// Parse the arguments, run, and map the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    crate::output::handle_interrupts();
    let ok = match cli.command {
        Command::Render(args) => run_render(&args),
        Command::Batch(args) => run_batch(&args),
        Command::Check(args) => run_check(&args),
        Command::Table(args) => run_table(&args),
        Command::Import(args) => run_import(&args),
        Command::Next(args) => run_next(&args),
        Command::Init(args) => crate::init::run(&args.dir),
        Command::Fonts(args) => run_fonts(&args),
        Command::Watch(args) => crate::watch::run(&args.data, &args.output.options(Some(1))),
        Command::Schema => {
            print_stdout(&crate::data::schema());
            true
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command(), "nianbao", &mut script);
            print_stdout(String::from_utf8_lossy(&script).trim_end());
            true
        }
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// Help and version as clap prints them (in Chinese through [`command`]); a
/// usage error in Chinese with the usage line of the command it concerns and
/// where to read more, exit code 2.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
    }
    let cmd = command();
    let sub = std::env::args().skip(1).find_map(|a| cmd.find_subcommand(&a).cloned());
    let (mut usage_of, name) = match sub {
        Some(s) => {
            let name = format!("nianbao {}", s.get_name());
            (s, name)
        }
        None => (cmd, "nianbao".to_string()),
    };
    let usage = usage_of.render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    eprint!("{}\n用法：{usage}\n\n运行 {name} --help 查看全部选项和示例。\n", e.apply::<Chinese>().render());
    ExitCode::from(2)
}

/// Print to stdout; a closed pipe (`| head`) is not an error.
fn print_stdout(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

fn print_all(diags: &[Diagnostic]) {
    eprint!("{}", crate::diag::listing(diags, None));
}

fn run_render(args: &RenderArgs) -> bool {
    let outcomes = batch::run(&args.data, &args.output.options(None), &batch::print_outcome);
    outcomes.iter().all(|o| !o.failed())
}

fn run_batch(args: &BatchArgs) -> bool {
    let dirs = if args.dirs.is_empty() { vec![PathBuf::from("data")] } else { args.dirs.clone() };
    let Some(files) = reports(&dirs, args.year) else { return false };
    let progress = batch::Progress::new(files.len());
    let outcomes = batch::run(&files, &args.output.options(args.jobs), &|o| progress.report(o));
    progress.finish();
    eprint!("\n{}", batch::summary(&outcomes));
    outcomes.iter().all(|o| !o.failed())
}

/// The reports under `dirs` (of `year`), the misnamed files left out
/// reported; `None`, with the reason printed, when there are none.
fn reports(dirs: &[PathBuf], year: Option<i32>) -> Option<Vec<PathBuf>> {
    match batch::find(dirs, year) {
        Ok(found) => {
            print_all(&found.strays);
            Some(found.files)
        }
        Err(e) => {
            print_all(&e.0);
            None
        }
    }
}

/// The formats `check` judges a report by: `render`'s default.
const CHECK_FORMATS: [Format; 2] = [Format::Docx, Format::Pdf];

fn run_fonts(args: &FontsArgs) -> bool {
    let text = match &args.report {
        Some(data) => batch::Projects::default().for_data(data, &[Format::Pdf]).and_then(|p| {
            let built = render::build(data, &p.templates, None)?;
            let book = p.resources.fonts.as_ref().expect("fonts are loaded for a PDF");
            crate::fonts::report::describe(&p.resources.config, book, Some(&built.doc))
        }),
        // The project of the current folder (a file in it finds its nianbao.yaml).
        None => crate::config::Config::discover(std::path::Path::new(crate::config::FILE_NAME)).and_then(|config| {
            let book = crate::fonts::FontBook::new(&config)?;
            crate::fonts::report::describe(&config, &book, None)
        }),
    };
    match text {
        Ok(text) => {
            print_stdout(text.trim_end());
            true
        }
        Err(e) => {
            print_all(&e.0);
            false
        }
    }
}

fn run_import(args: &ImportArgs) -> bool {
    let options = crate::r#import::Options { kind: args.kind, unit: args.unit.clone(), output: args.output.clone() };
    let result = if args.dry_run {
        crate::r#import::import(&args.file, &options)
    } else {
        crate::r#import::run(&args.file, &options)
    };
    match result {
        Ok(i) => {
            print_all(&i.warnings);
            if args.dry_run {
                print_stdout(crate::r#import::outline_text(&i.report, i.dropped).trim_end());
                eprintln!("没有写文件（--dry-run）；去掉 --dry-run 就写到 {}", i.path.display());
            } else {
                eprintln!(
                    "已生成 {}：去掉网页杂项 {} 行；“识别为”注释是导入时的猜测，请核对；再运行 nianbao check {} 查看要补的内容",
                    i.path.display(),
                    i.dropped,
                    i.path.display()
                );
            }
            true
        }
        Err(e) => {
            print_all(&e.0);
            false
        }
    }
}

fn run_next(args: &NextArgs) -> bool {
    match crate::data::next::next(&args.data) {
        Ok(r) => {
            let dates = match r.dates.as_slice() {
                [] => String::new(),
                dates => format!("；日期 {} 是按去年推算的，请核对", dates.join("、")),
            };
            eprintln!(
                "已生成 {}：{} 处文字标有“{}”待改写或填写，{} 个指标待填数值{dates}",
                r.path.display(),
                r.texts,
                crate::data::next::MARK,
                r.metrics
            );
            true
        }
        Err(e) => {
            print_all(&e.0);
            false
        }
    }
}

/// `2026、2027`.
fn join_years(years: &std::collections::BTreeSet<i32>) -> String {
    years.iter().map(i32::to_string).collect::<Vec<_>>().join("、")
}

fn run_table(args: &TableArgs) -> bool {
    use crate::table::TableFormat;
    use rayon::prelude::*;
    let by_extension = args.output.as_ref().and_then(|o| o.extension()).and_then(|e| e.to_str()).and_then(|e| match e
        .to_ascii_lowercase()
        .as_str()
    {
        "csv" => Some(TableFormat::Csv),
        "xlsx" => Some(TableFormat::Xlsx),
        _ => None,
    });
    if args.format.is_none()
        && by_extension.is_none()
        && let Some(o) = &args.output
    {
        eprintln!("错误：不知道 {} 该写成什么格式：文件名要以 .xlsx 或 .csv 结尾，或用 --format 指定", o.display());
        return false;
    }
    let format = args.format.or(by_extension).unwrap_or(TableFormat::Xlsx);
    let output = args.output.clone().unwrap_or_else(|| match format {
        TableFormat::Xlsx => PathBuf::from("指标汇总.xlsx"),
        TableFormat::Csv => PathBuf::from("指标汇总.csv"),
    });
    let dirs = if args.dirs.is_empty() { vec![PathBuf::from("data")] } else { args.dirs.clone() };
    let Some(files) = reports(&dirs, args.year) else { return false };
    let loaded: Vec<_> = files.par_iter().map(|f| crate::data::load(f)).collect();
    let errors: Vec<Diagnostic> = loaded.iter().filter_map(|l| l.as_ref().err()).flat_map(|e| e.0.clone()).collect();
    if !errors.is_empty() {
        print_all(&errors);
        // A draft of next year (from `nianbao next`) should not hold up this
        // year's table: name a year without errors.
        let years = |bad: bool| -> std::collections::BTreeSet<i32> {
            files
                .iter()
                .zip(&loaded)
                .filter(|(_, l)| l.is_err() == bad)
                .filter_map(|(f, _)| crate::data::year_of(f))
                .collect()
        };
        let failed = years(true);
        let clean = years(false).into_iter().filter(|y| !failed.contains(y)).max();
        let hint = match clean {
            Some(y) if args.year.is_none() => {
                format!("；出错的是{}年的数据，只汇总 {y} 年可用 --year {y}", join_years(&failed))
            }
            _ => String::new(),
        };
        eprintln!("未生成 {}：数据有 {} 个错误{hint}", output.display(), errors.len());
        return false;
    }
    let loaded: Vec<_> = loaded.into_iter().flatten().collect();
    match crate::table::write(&loaded, &output, format) {
        Ok(()) => {
            let years: std::collections::BTreeSet<i32> = loaded.iter().map(|l| l.derived.report_year).collect();
            eprintln!("已生成 {}（{} 份报告，{} 个年份）", output.display(), loaded.len(), years.len());
            // Key points and plans may set targets and report no figures: say why their rows are empty.
            let bare: Vec<String> = loaded
                .iter()
                .filter(|l| l.metrics().next().is_none())
                .map(|l| format!("{}{}年", l.report.unit.name, l.derived.report_year))
                .collect();
            if !bare.is_empty() {
                eprintln!(
                    "提示：{}的数据里没有指标，表里这些行是空的：汇总表比较写在 review 里的指标（metrics），只定了目标（targets）的报告没有可比的数",
                    bare.join("、")
                );
            }
            true
        }
        Err(e) => {
            print_all(&e.0);
            false
        }
    }
}

fn run_check(args: &CheckArgs) -> bool {
    use rayon::prelude::*;
    let (files, strays) = match batch::find(&args.paths, None) {
        Ok(found) => (found.files, found.strays),
        Err(e) => {
            print_all(&e.0);
            return false;
        }
    };
    let projects = batch::Projects::default();
    // What `render` runs, short of writing files; files side by side, reported in order.
    let mut found: Vec<Vec<Diagnostic>> = files
        .par_iter()
        .map(|data| match projects.for_data(data, &CHECK_FORMATS) {
            Ok(project) => {
                let job = render::Job {
                    templates: &project.templates,
                    resources: &project.resources,
                    template: args.template.as_deref(),
                    formats: &CHECK_FORMATS,
                    out: std::path::Path::new("out"),
                    // The writers as `render` runs them by default.
                    writers: &writer::Options::default(),
                };
                render::prepare(crate::data::recover(data), data, &job).diagnostics
            }
            Err(e) => e.0,
        })
        .collect();
    // The files left out first: a misnamed report is not checked either.
    found.insert(0, strays);
    let limit = (!args.all).then_some(crate::diag::SHOWN_PER_FILE);
    let all: Vec<Diagnostic> = found.iter().flatten().cloned().collect();
    if args.format == ReportFormat::Text {
        for diags in &found {
            eprint!("{}", crate::diag::listing(diags, limit));
        }
    }
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    match args.format {
        ReportFormat::Text => eprintln!("检查了 {} 个数据文件：{errors} 个错误，{warnings} 个警告", files.len()),
        ReportFormat::Json => {
            let json: Vec<_> = all.iter().map(check::to_json).collect();
            print_stdout(&serde_json::to_string_pretty(&json).expect("findings serialize"));
        }
    }
    errors == 0 && (warnings == 0 || !args.deny_warnings)
}
