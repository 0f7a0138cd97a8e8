//! nianbao (年报): turns a county health bureau's year of work, written as YAML,
//! into its annual work report: a DOCX to keep editing and a PDF to print, laid
//! out per GB/T 9704-2012.
//!
//! The stages, each a module with one job:
//!
//! * [`data`]: load `data/<county>/<year>.yaml` (through [`yaml`]), merge
//!   `_common.yaml`, validate, derive figures;
//! * [`template`]: the minijinja environment and this genre's filters, producing markup;
//! * [`markup`]: parse that markup into the [`doc`] model;
//! * [`writer`]: render the model as Markdown, DOCX or PDF ([`fonts`] shared; the
//!   PDF set by our own [`layout`] engine);
//! * [`check`]: the checks for mistakes that reach print;
//! * [`import`](crate::r#import): the reader the other way, an existing report
//!   (DOCX, text, Markdown) into the data model, written as a data file
//!   (`nianbao import`; `nianbao next` rolls a data file into next year's, in [`data`]);
//! * [`render`]: run the stages for one report and write its files through
//!   [`output`] (all or none, atomically, cleaned up on interrupt);
//!   [`batch`]: many reports in parallel, skipping unchanged ones;
//!   [`table`]: every county's figures side by side, for the city office;
//! * [`cli`]: the command line, with [`init`] and [`watch`].
//!
//! Errors and warnings are [`diag::Diagnostic`]s; the project settings are [`config`].
//!
//! # The seeds and the model speech
//!
//! nianbao was shaped on five real reports (the project's seeds, numbered 000
//! to 004): two 工作要点 (000, 002), a 规划 (001), a 工作报告 (004) and the
//! 襄垣县 2018 工作会议讲话 (003). The last, written as data in
//! `data/xiangyuan/2018.yaml`, is the **model speech**: the sample the layout
//! is judged on and the benchmarks time. Comments say "the model speech" for it.
//! Every file read goes through [`input`] (bounded, never blocking), every
//! report file written through [`output`].
//!
//! # Concurrency
//!
//! All parallel work is fork-join on one rayon pool, the pool the caller runs
//! on (rayon's global pool, or the `--jobs` pool `batch` installs): a batch
//! spreads reports with `par_iter`, a report runs its writers with `par_iter`,
//! the PDF writer deflates beside drawing with `rayon::join`, the DOCX writer
//! subsets faces with `par_iter`. A pool thread that waits on such a join
//! runs queued work meanwhile, so nesting can never leave every thread of the
//! pool blocked. Library code therefore never spawns an OS thread, never joins
//! one, and never blocks on a channel, lock or condition another task must
//! release: that is how a thread of the pool could sleep while the work it
//! waits for sits in its own queue. `tests/structure.rs` holds the code to it.
//! The only other threads are `watch`'s file watcher and the Ctrl-C handler,
//! which run no pool work.

pub mod batch;
pub mod check;
pub mod cli;
pub mod config;
pub mod data;
pub mod diag;
pub mod doc;
pub mod fonts;
pub mod hash;
pub mod r#import;
pub mod init;
pub mod input;
pub mod layout;
pub mod markup;
pub mod numbers;
pub mod output;
pub mod render;
pub mod table;
pub mod template;
pub mod watch;
pub mod writer;
pub mod yaml;
