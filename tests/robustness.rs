//! What no input may do: hang a run, crash it, make it read without bound, or
//! make it read (and print) a file outside the project. Each case runs the
//! real binary under a timeout that turns a hang into a failure (not a timing:
//! the limits are far above what a working run takes).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{MINIMAL, Project};

/// What a run printed and how it ended, with the most memory it used.
struct Run {
    code: Option<i32>,
    stderr: String,
    max_rss_kb: i64,
}

/// Run nianbao in `dir` with `args` (and `env`), killed and failed after `limit`.
// The child is reaped by `wait4` (for its memory use), which clippy does not see.
#[allow(clippy::zombie_processes)]
fn run_within(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Run {
    let err_path = dir.join(".stderr.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("run nianbao");
    let start = Instant::now();
    let pid = child.id() as libc::pid_t;
    loop {
        let mut status = 0;
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child, with valid pointers to locals.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
            let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
            return Run { code, stderr, max_rss_kb: usage.ru_maxrss };
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nianbao {args:?} did not finish within {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A project with three small speeches (as many reports as the pool below has
/// threads, and one more: enough for every pool thread to hold a report).
fn three_counties() -> Project {
    Project::new(&[("data/a/2018.yaml", MINIMAL), ("data/b/2018.yaml", MINIMAL), ("data/c/2018.yaml", MINIMAL)])
}

/// Every ordered choice of one to three of the formats, and the OFD alone,
/// first and last among all four.
fn format_orders() -> Vec<String> {
    let all = ["md", "docx", "pdf"];
    let mut out = Vec::new();
    for a in all {
        out.push(a.to_string());
        for b in all.iter().filter(|b| **b != a) {
            out.push(format!("{a},{b}"));
            for c in all.iter().filter(|c| **c != a && *c != b) {
                out.push(format!("{a},{b},{c}"));
            }
        }
    }
    out.extend(["ofd", "ofd,pdf,docx,md", "md,docx,pdf,ofd"].map(String::from));
    out
}

#[test]
fn every_order_of_formats_finishes_through_render_and_batch() {
    let orders = format_orders();
    assert_eq!(orders.len(), 18);
    let p = three_counties();
    let dir = p.dir.path();
    let files = ["data/a/2018.yaml", "data/b/2018.yaml", "data/c/2018.yaml"];
    // Two pool threads, fewer than the reports: every thread of the pool holds
    // a report while its writers run (the shape of the hang this guards).
    let env = [("RAYON_NUM_THREADS", "2")];
    for formats in &orders {
        let mut runs: Vec<Vec<&str>> = Vec::new();
        let mut render = vec!["render", "--force", "--format", formats.as_str()];
        render.extend(files);
        runs.push(render);
        runs.push(vec!["batch", "data", "--force", "--format", formats.as_str()]);
        runs.push(vec!["batch", "data", "--force", "--jobs", "2", "--format", formats.as_str()]);
        for args in runs {
            let r = run_within(dir, &args, &env, Duration::from_secs(60));
            assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        }
        for c in ["a", "b", "c"] {
            for ext in formats.split(',') {
                let f = dir.join(format!("out/{c}/2018/样例县2018年卫生健康工作会议讲话.{ext}"));
                assert!(f.is_file(), "{formats}: {} missing", f.display());
            }
        }
    }
}

/// The message a refused input gets: its id, in Chinese, at the file named.
fn assert_refused(r: &Run, id: &str, file: &str, why: &str) {
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("错误[{id}]")), "expected {id}:\n{}", r.stderr);
    assert!(r.stderr.contains(&format!("--> {file}")), "expected the location {file}:\n{}", r.stderr);
    assert!(r.stderr.contains(why), "expected “{why}”:\n{}", r.stderr);
    // Nothing near the size of what it would have read.
    assert!(r.max_rss_kb < 200 * 1024, "{} KB used", r.max_rss_kb);
}

/// `render`, `check` and `batch` each refuse the data file at `rel` alike.
fn refused_everywhere(p: &Project, rel: &str, id: &str, why: &str) {
    let limit = Duration::from_secs(20);
    for args in [vec!["render", rel, "--format", "md"], vec!["check", rel], vec!["batch", "data", "--format", "md"]] {
        let r = run_within(p.dir.path(), &args, &[], limit);
        assert_refused(&r, id, rel, why);
    }
}

#[test]
fn a_fifo_as_a_data_file_is_refused_at_once() {
    let p = Project::new(&[]);
    std::fs::create_dir_all(p.path("data/x")).unwrap();
    let fifo = std::ffi::CString::new(p.path("data/x/2018.yaml").to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path of our own temporary folder.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    refused_everywhere(&p, "data/x/2018.yaml", "file.type", "命名管道");
}

#[test]
fn a_device_behind_a_symlink_is_refused_not_read() {
    let p = Project::new(&[]);
    std::fs::create_dir_all(p.path("data/x")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", p.path("data/x/2018.yaml")).unwrap();
    refused_everywhere(&p, "data/x/2018.yaml", "file.type", "设备");
}

#[test]
fn a_huge_sparse_file_is_refused_by_its_size_before_it_is_read() {
    let p = Project::new(&[]);
    std::fs::create_dir_all(p.path("data/x")).unwrap();
    // 3 GB that take no disk: the file is only measured.
    let f = std::fs::File::create(p.path("data/x/2018.yaml")).unwrap();
    f.set_len(3 << 30).unwrap();
    refused_everywhere(&p, "data/x/2018.yaml", "file.too-large", "文件太大（3 GB），数据文件最大 1 MB");
}

#[test]
fn a_huge_common_file_or_prior_year_is_refused_too() {
    for rel in ["data/_common.yaml", "data/x/2017.yaml"] {
        let p = Project::new(&[("data/x/2018.yaml", MINIMAL)]);
        std::fs::File::create(p.path(rel)).unwrap().set_len(2 << 30).unwrap();
        let r =
            run_within(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"], &[], Duration::from_secs(20));
        assert_refused(&r, "file.too-large", rel, "文件太大（2 GB）");
    }
}

/// A file outside the project whose every line is distinctive, and the lines.
fn secret() -> (tempfile::TempDir, std::path::PathBuf, Vec<&'static str>) {
    let lines = vec!["zq-secret-line-one:x:0:0", "zq-secret-line-two:x:1:1", "zq-secret-line-three:x:2:2"];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shadow");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    (dir, path, lines)
}

fn assert_no_secret(r: &Run, lines: &[&str]) {
    for l in lines {
        assert!(
            !r.stderr.contains(l) && !r.stderr.contains(&l[..12]),
            "printed a line of the outside file:\n{}",
            r.stderr
        );
    }
}

#[test]
fn a_data_file_cannot_name_a_template_outside_the_project() {
    let (_keep, secret, lines) = secret();
    let secret = secret.to_str().unwrap().to_string();
    let relative = format!("../../../../../../../../../..{secret}");
    for template in [secret.as_str(), relative.as_str(), "../nianbao.yaml"] {
        let data = format!("{MINIMAL}template: \"{template}\"\n");
        let p = Project::new(&[("data/x/2018.yaml", &data), ("nianbao.yaml", "check: { silence: [] }\n")]);
        let r =
            run_within(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"], &[], Duration::from_secs(20));
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert!(r.stderr.contains("错误[template.not-found]"), "{}", r.stderr);
        assert!(r.stderr.contains("data/x/2018.yaml:14:"), "located at the data's template key:\n{}", r.stderr);
        assert_no_secret(&r, &lines);
        assert!(!p.path("out").exists());
    }
}

#[test]
fn a_symlink_in_templates_leading_out_is_refused() {
    let (_keep, secret, lines) = secret();
    let data = format!("{MINIMAL}template: mine.md.j2\n");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    std::fs::create_dir_all(p.path("templates")).unwrap();
    std::os::unix::fs::symlink(&secret, p.path("templates/mine.md.j2")).unwrap();
    let r = run_within(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"], &[], Duration::from_secs(20));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("错误[template.outside]"), "{}", r.stderr);
    assert_no_secret(&r, &lines);
    // The built-in template included through a symlink is refused the same way.
    std::fs::remove_file(p.path("templates/mine.md.j2")).unwrap();
    std::fs::write(p.path("templates/mine.md.j2"), "{% include \"_base.md.j2\" %}\n").unwrap();
    std::os::unix::fs::symlink(&secret, p.path("templates/_base.md.j2")).unwrap();
    let r = run_within(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"], &[], Duration::from_secs(20));
    assert!(r.stderr.contains("错误[template.outside]"), "{}", r.stderr);
    assert_no_secret(&r, &lines);
}

#[test]
fn a_data_file_that_is_a_symlink_to_another_file_prints_none_of_it() {
    let (_keep, secret, lines) = secret();
    let p = Project::new(&[]);
    std::fs::create_dir_all(p.path("data/x")).unwrap();
    std::os::unix::fs::symlink(&secret, p.path("data/x/2018.yaml")).unwrap();
    for args in [vec!["render", "data/x/2018.yaml", "--format", "md"], vec!["check", "data"], vec!["batch", "data"]] {
        let r = run_within(p.dir.path(), &args, &[], Duration::from_secs(20));
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert!(r.stderr.contains("错误[yaml.not-mapping]"), "{}", r.stderr);
        assert_no_secret(&r, &lines);
    }
}

#[test]
fn a_quoted_value_in_a_message_is_cut_to_its_first_line() {
    let long = "第一行很长的文字".repeat(10);
    let data = MINIMAL.replace("  level: 县\n", &format!("  level: \"{long}\\n第二行不应出现\"\n"));
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let r = run_within(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"], &[], Duration::from_secs(20));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("不认识的取值 `第一行很长的文字第一行很长的文字第一行很长的文字第一行很长的…`"),
        "{}",
        r.stderr
    );
    // The message names the value by its start; the offending line follows it as written.
    let message = r.stderr.lines().next().unwrap();
    assert!(!message.contains("第二行不应出现"), "{}", r.stderr);
}
