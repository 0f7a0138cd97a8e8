//! Many reports in one run: find the data files, render them in parallel with
//! each project's configuration, templates and fonts loaded once, skip reports
//! whose inputs have not changed, and report progress and a summary.
//!
//! Incremental builds: after a report's files are written, a stamp
//! `<out>/.nianbao/<county>/<year>.stamp` records a key over everything the
//! report depends on (its data file, `_common.yaml`, last year's file, the
//! project's templates and configuration, the font files, the tool version and
//! the options; of a workbook figures come from, only the sheet's header and
//! the unit's row, so a change to one county's row renders that county alone)
//! and the files written. The next run skips the report while the
//! key matches and the files are there; `--force` renders anyway. With
//! `--depfile`, `<out>/.nianbao/<county>/<year>.d` lists the same inputs as
//! make-style dependencies of the stamp. The report folders hold only reports.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant, UNIX_EPOCH};

use rayon::prelude::*;

use crate::config::Config;
use crate::data::sheet::Used;
use crate::diag::{Diagnostic, Result};
use crate::fonts::FontBook;
use crate::hash::Fnv;
use crate::input;
use crate::render;
use crate::template::Templates;
use crate::writer::{self, Format, Resources};

/// What a run renders and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub formats: Vec<Format>,
    pub out: PathBuf,
    pub template: Option<String>,
    /// Each writer's options.
    pub writers: writer::Options,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    /// Render even when the outputs are up to date.
    pub force: bool,
    /// Write make-style dependency files next to the stamps.
    pub depfile: bool,
}

/// How one report went.
#[derive(Debug)]
pub struct Outcome {
    pub data: PathBuf,
    pub county: String,
    pub year: Option<i32>,
    pub status: Status,
    /// Errors and warnings of the load, the checks and the writers, in the
    /// order [`render::prepare`] gives them.
    pub diagnostics: Vec<Diagnostic>,
    /// An up-to-date report's warnings as the render that wrote it printed
    /// them (how many, the listing), replayed as cargo replays a fresh
    /// crate's: a second `make` still shows what is left to fix.
    pub replayed: Option<(usize, String)>,
    pub elapsed: Duration,
}

#[derive(Debug)]
pub enum Status {
    /// Rendered; the files written.
    Written(Vec<PathBuf>),
    /// Up to date; nothing rendered.
    Skipped(Vec<PathBuf>),
    /// Not rendered (see the errors). Earlier outputs are untouched.
    Failed,
}

impl Outcome {
    pub fn failed(&self) -> bool {
        matches!(self.status, Status::Failed)
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors() + self.replayed.as_ref().map_or(0, |r| r.0)
    }

    /// The errors and warnings as printed: at most
    /// [`crate::diag::SHOWN_PER_FILE`], errors first; an up-to-date report's
    /// from when it was written.
    pub fn listing(&self) -> String {
        let listing = crate::diag::listing(&self.diagnostics, Some(crate::diag::SHOWN_PER_FILE));
        listing + self.replayed.as_ref().map_or("", |r| r.1.as_str())
    }
}

/// What [`find`] found: the reports, and the files that look meant to be one
/// but are not named `<year>.yaml` (`2018.yml`, `2018年.yaml`), each a
/// warning that it was left out.
pub struct Found {
    pub files: Vec<PathBuf>,
    pub strays: Vec<Diagnostic>,
}

/// Data files under `paths`: files as given; for a folder, its `<county>/<year>.yaml`
/// reports (not `_common.yaml`, nor `kind: figures` files, which only feed the
/// next year's report), optionally only those of `year`, sorted.
pub fn find(paths: &[PathBuf], year: Option<i32>) -> Result<Found> {
    let mut out = Vec::new();
    let mut strays = Vec::new();
    for p in paths {
        if p.file_name().is_some_and(|n| n == crate::data::COMMON_FILE) {
            return Err(Diagnostic::in_file(
                "file.common",
                p,
                "这是各县共用的文件，它合并在每个县的数据之下，不单独生成或检查；请给出各县的数据文件或 data 目录",
            )
            .into());
        }
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut candidates = Vec::new();
        let entries =
            std::fs::read_dir(p).map_err(|e| Diagnostic::in_file("file.read", p, format!("无法读取目录：{e}")))?;
        // The data folder (county folders inside) or one county's folder.
        let folders = entries.flatten().map(|e| e.path()).filter(|c| c.is_dir()).chain(std::iter::once(p.clone()));
        for county in folders {
            for f in std::fs::read_dir(&county).into_iter().flatten().flatten().map(|e| e.path()) {
                let file_year = crate::data::year_of(&f);
                if f.extension().is_some_and(|e| e == "yaml") && file_year.is_some_and(|y| year.is_none_or(|w| w == y))
                {
                    candidates.push(f);
                    continue;
                }
                strays.extend(stray(&f, year));
            }
        }
        strays.sort_by(|a, b| a.location.as_ref().map(|l| &l.file).cmp(&b.location.as_ref().map(|l| &l.file)));
        // Each file is read to see whether it is last year's figures alone:
        // as many at once as the pool runs.
        let mut found: Vec<PathBuf> = candidates.into_par_iter().filter(|f| !crate::data::is_figures_only(f)).collect();
        if found.is_empty() {
            let what = year.map(|y| format!("{y} 年的")).unwrap_or_default();
            let none = Diagnostic::in_file("file.none", p, format!("目录下没有找到{what} <县>/<年份>.yaml 数据文件"));
            return Err(crate::diag::Errors(strays.into_iter().chain([none]).collect()));
        }
        found.sort();
        out.extend(found);
    }
    Ok(Found { files: out, strays })
}

/// A warning for `f` when it looks like a year's report misnamed: a YAML file
/// (`.yaml`, `.yml`, any case) whose name holds a year (of `year` when one is
/// asked for) but is not `<year>.yaml`. Other files are not the batch's.
fn stray(f: &Path, year: Option<i32>) -> Option<Diagnostic> {
    let ext = f.extension()?.to_str()?.to_ascii_lowercase();
    let stem = f.file_stem()?.to_str()?;
    if !matches!(ext.as_str(), "yaml" | "yml") || stem.starts_with('.') {
        return None;
    }
    static YEAR: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(?:^|\D)((?:19|20)\d\d)(?:\D|$)").expect("year"));
    let named: i32 = YEAR.captures(stem)?[1].parse().ok()?;
    if year.is_some_and(|y| y != named) {
        return None;
    }
    let right = f.with_file_name(format!("{named}.yaml"));
    let help = if right.exists() {
        format!("已有 {}；这个若是草稿或旧版本，请移出 data 目录", right.display())
    } else {
        format!("改名为 {}", right.display())
    };
    let d = Diagnostic::in_file(
        "file.name",
        f,
        format!("没有生成这个文件：数据文件名要是四位年份加 .yaml，如 {named}.yaml"),
    );
    Some(Diagnostic { severity: crate::diag::Severity::Warning, ..d.with_help(help) })
}

/// A project's shared state: configuration, templates, fonts (read once).
pub struct Project {
    pub resources: Resources,
    pub templates: Templates,
}

/// Projects by configuration file, so files of one project share one load.
/// A project that fails to load (an error in its `nianbao.yaml` or fonts) is
/// remembered too: its errors are listed under the first report only.
#[derive(Default)]
pub struct Projects {
    loaded: Mutex<HashMap<Option<PathBuf>, Option<Arc<Project>>>>,
}

impl Projects {
    /// The project a data file belongs to, loading it on first use. The lock
    /// is held only to look up and to insert, never while loading (see the
    /// crate's concurrency note): two reports that start together may both
    /// load it, and the first to finish is kept.
    pub fn for_data(&self, data: &Path, formats: &[Format]) -> Result<Arc<Project>> {
        let key = Config::locate(data);
        match self.loaded.lock().expect("project cache").get(&key) {
            Some(Some(p)) => return Ok(p.clone()),
            Some(None) => {
                let file = key.as_deref().unwrap_or(Path::new(crate::config::FILE_NAME));
                return Err(Diagnostic::error(
                    "config.failed",
                    format!("{} 有错，这份报告没有生成（错误在另一份报告下已经列出）", file.display()),
                )
                .into());
            }
            None => {}
        }
        let load = || -> Result<Project> {
            let config = Config::load(key.as_deref())?;
            let fonts =
                if formats.iter().any(|f| *f != Format::Md) { Some(Arc::new(FontBook::new(&config)?)) } else { None };
            let templates = Templates::new(Some(&config.root.join("templates")));
            Ok(Project { resources: Resources { config: Arc::new(config), fonts }, templates })
        };
        match load() {
            Ok(project) => {
                let project = Arc::new(project);
                let mut loaded = self.loaded.lock().expect("project cache");
                let kept = loaded.entry(key).or_insert_with(|| Some(project.clone()));
                Ok(kept.clone().unwrap_or(project))
            }
            Err(e) => {
                self.loaded.lock().expect("project cache").insert(key, None);
                Err(e)
            }
        }
    }
}

/// Render `files`, calling `progress` as each finishes; outcomes in `files` order.
pub fn run(files: &[PathBuf], opts: &Options, progress: &(dyn Fn(&Outcome) + Sync)) -> Vec<Outcome> {
    let projects = Projects::default();
    if files.len() <= 1 {
        // One report: on this thread. A thread pool would only add idle workers
        // spinning for work beside it (half the wall time of a whole process).
        return files
            .iter()
            .map(|data| {
                let outcome = one(data, opts, &projects);
                progress(&outcome);
                outcome
            })
            .collect();
    }
    let work = || {
        files
            .par_iter()
            .map(|data| {
                let outcome = one(data, opts, &projects);
                progress(&outcome);
                outcome
            })
            .collect()
    };
    match opts.jobs {
        Some(n) => rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build().expect("thread pool").install(work),
        None => work(),
    }
}

fn one(data: &Path, opts: &Options, projects: &Projects) -> Outcome {
    let start = Instant::now();
    let county = crate::data::county_of(data);
    let year = crate::data::year_of(data);
    let mut diagnostics = Vec::new();
    let mut replayed = None;
    let status = match render_one(data, opts, projects, &county, year, &mut diagnostics, &mut replayed) {
        Ok(s) => s,
        Err(e) => {
            diagnostics.extend(e.0);
            Status::Failed
        }
    };
    Outcome { data: data.to_path_buf(), county, year, status, diagnostics, replayed, elapsed: start.elapsed() }
}

fn render_one(
    data: &Path,
    opts: &Options,
    projects: &Projects,
    county: &str,
    year: Option<i32>,
    diagnostics: &mut Vec<Diagnostic>,
    replayed: &mut Option<(usize, String)>,
) -> Result<Status> {
    // The project (its configuration, templates and fonts, found once per
    // project) and the data are read side by side. The data is loaded once:
    // for what it reads from workbooks (its inputs and its key), then for the
    // report.
    let (project, loaded) = rayon::join(|| projects.for_data(data, &opts.formats), || crate::data::recover(data));
    let project = project?;
    let config = &project.resources.config;
    let stamp = year.map(|y| opts.out.join(".nianbao").join(county).join(format!("{y}.stamp")));
    let workbooks = loaded.as_ref().ok().map(|l| l.sheets.as_slice());
    let inputs = inputs(data, config, project.resources.fonts.as_deref(), workbooks.unwrap_or_default());
    let key = workbooks.and_then(|w| stamp_key(&inputs, w, opts));
    if let Some(stamp) = &stamp
        && !opts.force
        && let Some(key) = &key
        && let Some(outputs) = up_to_date(stamp, &opts.out, key)
    {
        // For make: a stamp older than an input (touched, same content) is renewed.
        let stamp_time = std::fs::metadata(stamp).and_then(|m| m.modified()).ok();
        let newer = inputs.iter().any(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok() > stamp_time);
        if newer {
            write_stamp(stamp, &opts.out, key, &outputs)?;
        }
        if opts.depfile {
            write_depfile(stamp, &inputs)?;
        }
        *replayed = read_warnings(stamp);
        return Ok(Status::Skipped(outputs));
    }
    let job = render::Job {
        templates: &project.templates,
        resources: &project.resources,
        template: opts.template.as_deref(),
        formats: &opts.formats,
        out: &opts.out,
        writers: &opts.writers,
    };
    let prepared = render::prepare(loaded, data, &job);
    diagnostics.extend(prepared.diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(Status::Failed);
    }
    let files: Vec<(PathBuf, &[u8])> = prepared.files.iter().map(|(p, b)| (p.clone(), b.as_slice())).collect();
    crate::output::write_all(&files)?;
    let written: Vec<PathBuf> = prepared.files.into_iter().map(|(p, _)| p).collect();
    if let (Some(stamp), Some(key)) = (&stamp, &key) {
        let recorded = write_stamp(stamp, &opts.out, key, &written)
            .and_then(|()| write_warnings(stamp, diagnostics))
            .and_then(|()| if opts.depfile { write_depfile(stamp, &inputs) } else { Ok(()) });
        // The report is written: a stamp not written only costs a render next time.
        if let Err(e) = recorded {
            diagnostics.extend(e.0.into_iter().map(|d| Diagnostic {
                severity: crate::diag::Severity::Warning,
                id: "output.stamp",
                message: format!("报告已生成，但记录其输入的文件没有写成，下次会重新生成这份报告：{}", d.message),
                ..d
            }));
        }
    }
    Ok(Status::Written(written))
}

/// Every file a report's output depends on, before it is loaded: the data
/// file, `_common.yaml` and last year's file when present, the workbooks
/// their figures come from, the project's templates and configuration, and
/// the font files found for `fonts` (the fonts nianbao carries change only
/// with the executable, which is in the key).
pub fn inputs(data: &Path, config: &Config, fonts: Option<&FontBook>, workbooks: &[Used]) -> Vec<PathBuf> {
    let mut out = vec![data.to_path_buf()];
    if let Some(root) = data.parent().and_then(Path::parent) {
        out.push(root.join(crate::data::COMMON_FILE));
    }
    if let Some(y) = crate::data::year_of(data) {
        out.push(data.with_file_name(format!("{}.yaml", y - 1)));
    }
    for used in workbooks {
        if !out.contains(&used.workbook) {
            out.push(used.workbook.clone());
        }
    }
    out.retain(|p| p.exists());
    let mut templates: Vec<PathBuf> = std::fs::read_dir(config.root.join("templates"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    templates.sort();
    out.extend(templates);
    out.extend(config.file.clone());
    out.extend(fonts.map(FontBook::files).unwrap_or_default());
    out.into_iter().map(|p| p.strip_prefix(".").map(Path::to_path_buf).unwrap_or(p)).collect()
}

/// A key over the inputs' contents (fonts: size and modification time; a
/// workbook: what the report reads from it) and the options that change the
/// output.
fn stamp_key(inputs: &[PathBuf], workbooks: &[Used], opts: &Options) -> Option<String> {
    let mut h = Fnv::new();
    h.write_field(env!("CARGO_PKG_VERSION").as_bytes());
    // The binary itself: a rebuilt tool renders again.
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    h.write_field(format!("{:?}", exe.map(|m| (m.len(), m.modified().ok()))).as_bytes());
    h.write_field(format!("{:?}{:?}{:?}", opts.formats, opts.template, opts.writers).as_bytes());
    h.write_field(std::env::var("SOURCE_DATE_EPOCH").unwrap_or_default().as_bytes());
    for p in inputs {
        h.write_field(p.to_string_lossy().as_bytes());
        let ext = p.extension().and_then(|e| e.to_str());
        if matches!(ext, Some("otf" | "ttf" | "ttc" | "otc")) {
            let m = std::fs::metadata(p).ok();
            let mtime = m.as_ref().and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(UNIX_EPOCH).ok());
            h.write_field(format!("{:?}:{mtime:?}", m.map(|m| m.len())).as_bytes());
            continue;
        }
        let read: Vec<&str> = workbooks
            .iter()
            .filter(|u| u.workbook.strip_prefix(".").unwrap_or(&u.workbook) == p)
            .map(|u| u.rows.as_str())
            .collect();
        if !read.is_empty() {
            read.iter().for_each(|rows| h.write_field(rows.as_bytes()));
            continue;
        }
        // Read as the render will read it: a file it would refuse (too large, a
        // FIFO) gives no key to match, so the render runs and reports it.
        let kind = if ext == Some("yaml") { input::Kind::Yaml } else { input::Kind::Template };
        match input::read(p, kind) {
            Ok(bytes) => h.write_field(&bytes),
            Err(_) => return None,
        }
    }
    Some(format!("{:016x}", h.finish()))
}

/// The outputs recorded in `stamp` (relative to `out`), when its key is `key`
/// and they all exist.
fn up_to_date(stamp: &Path, out: &Path, key: &str) -> Option<Vec<PathBuf>> {
    let text = input::read_utf8(stamp, input::Kind::Stamp).ok()?;
    let mut lines = text.lines();
    if lines.next()? != format!("key {key}") {
        return None;
    }
    let outputs: Vec<PathBuf> = lines.map(|name| out.join(name)).collect();
    outputs.iter().all(|p| p.is_file()).then_some(outputs)
}

/// Record what was written; files of the same formats that an earlier stamp
/// listed and this run did not write (the template changed the file name) are
/// removed.
fn write_stamp(stamp: &Path, out: &Path, key: &str, written: &[PathBuf]) -> Result<()> {
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.strip_prefix(out).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    // A stale file is one of a format written now under a name not written now.
    let ext = |n: &str| Path::new(n).extension().map(|e| e.to_os_string());
    if let Ok(old) = input::read_utf8(stamp, input::Kind::Stamp) {
        for name in old
            .lines()
            .skip(1)
            .filter(|n| !names.iter().any(|m| m == n) && !n.contains("..") && names.iter().any(|m| ext(m) == ext(n)))
        {
            let _ = std::fs::remove_file(out.join(name));
        }
    }
    let mut text = format!("key {key}\n");
    for n in &names {
        text.push_str(n);
        text.push('\n');
    }
    crate::output::write(stamp, text.as_bytes())
}

/// Beside `stamp`, the warnings of the render that wrote the report: their
/// count on the first line, then the listing as printed; no file without any.
fn write_warnings(stamp: &Path, diagnostics: &[Diagnostic]) -> Result<()> {
    let path = stamp.with_extension("warnings");
    if diagnostics.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Diagnostic::in_file("output.write", &path, format!("无法删除：{e}")).into())
            }
            _ => Ok(()),
        };
    }
    let listing = crate::diag::listing(diagnostics, Some(crate::diag::SHOWN_PER_FILE));
    crate::output::write(&path, format!("{}\n{listing}", diagnostics.len()).as_bytes())
}

/// What [`write_warnings`] recorded beside `stamp`.
fn read_warnings(stamp: &Path) -> Option<(usize, String)> {
    let text = input::read_utf8(&stamp.with_extension("warnings"), input::Kind::Stamp).ok()?;
    let (count, listing) = text.split_once('\n')?;
    Some((count.parse().ok()?, listing.to_string()))
}

/// `<stamp>: <inputs>` for make, with spaces in paths escaped; each input also
/// as an empty rule, so a deleted input does not stop make.
fn write_depfile(stamp: &Path, inputs: &[PathBuf]) -> Result<()> {
    let esc = |p: &Path| p.to_string_lossy().replace(' ', "\\ ");
    let mut text = format!("{}:", esc(stamp));
    for p in inputs {
        text.push_str(" \\\n  ");
        text.push_str(&esc(p));
    }
    text.push('\n');
    for p in inputs {
        text.push_str(&format!("\n{}:\n", esc(p)));
    }
    crate::output::write(&stamp.with_extension("d"), text.as_bytes())
}

/// What `render` prints for one report: its errors and warnings (at most
/// [`crate::diag::SHOWN_PER_FILE`], errors first), then the files written or why none were.
pub fn print_outcome(o: &Outcome) {
    eprint!("{}", o.listing());
    match &o.status {
        Status::Written(files) => {
            for path in files {
                eprintln!("已生成 {}", path.display());
            }
        }
        Status::Skipped(files) => {
            for path in files {
                eprintln!("已是最新 {}（输入没有变化；--force 重新生成）", path.display());
            }
        }
        Status::Failed => {
            eprintln!("未生成 {}：有 {} 个错误；原有的报告没有改动\n", o.data.display(), o.errors());
        }
    }
}

/// Progress on stderr: a bar on a terminal, one line per report otherwise
/// (CI, make, a pipe).
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    done: std::sync::atomic::AtomicUsize,
    total: usize,
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        let tty = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = tty.then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]").expect("template"),
            );
            bar
        });
        Progress { bar, done: 0.into(), total }
    }

    pub fn report(&self, o: &Outcome) {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let name = format!("{}/{}", o.county, o.year.map(|y| y.to_string()).unwrap_or_default());
        let line = match &o.status {
            Status::Written(_) => format!("已生成 {name}（{} ms）", o.elapsed.as_millis()),
            Status::Skipped(_) => format!("已是最新 {name}"),
            Status::Failed => format!("失败 {name}：{} 个错误", o.errors()),
        };
        // Each report's errors and warnings, once, above the bar or after its line.
        let listing = o.listing();
        match &self.bar {
            Some(bar) => {
                if !listing.is_empty() {
                    bar.suspend(|| eprint!("{listing}"));
                }
                bar.set_message(line);
                bar.inc(1);
            }
            None => {
                let width = self.total.to_string().len();
                eprintln!("[{n:>width$}/{}] {line}", self.total);
                eprint!("{listing}");
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The summary table: county, year, outputs, warnings, time, status.
pub fn summary(outcomes: &[Outcome]) -> String {
    let mut rows = vec![["县".to_string(), "年份".into(), "输出".into(), "警告".into(), "用时".into(), "结果".into()]];
    for o in outcomes {
        let (files, result) = match &o.status {
            Status::Written(f) => (f.len().to_string(), "已生成"),
            Status::Skipped(f) => (f.len().to_string(), "已是最新"),
            Status::Failed => ("0".into(), "失败"),
        };
        rows.push([
            o.county.clone(),
            o.year.map(|y| y.to_string()).unwrap_or_default(),
            files,
            o.warnings().to_string(),
            format!("{} ms", o.elapsed.as_millis()),
            result.to_string(),
        ]);
    }
    let mut out = crate::diag::table(&rows);
    let failed = outcomes.iter().filter(|o| o.failed()).count();
    let skipped = outcomes.iter().filter(|o| matches!(o.status, Status::Skipped(_))).count();
    out.push_str(&format!(
        "共 {} 份：生成 {}，已是最新 {}，失败 {}\n",
        outcomes.len(),
        outcomes.len() - failed - skipped,
        skipped,
        failed
    ));
    out
}
