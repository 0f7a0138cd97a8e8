//! The `nianbao` binary: everything lives in the library; this hands it the
//! free fonts the binary carries and returns the process exit code.
//!
//! The fonts are embedded uncompressed (`include_bytes!`): the executable is
//! mapped into memory lazily, so a report reads only the pages of the glyphs
//! it sets and start-up costs nothing, and `cargo install` (from a checkout or
//! `--git`) gives a `nianbao` that works from any folder. They are embedded
//! here, not in the library, so that the test binaries do not each carry them.

use nianbao::fonts::Shipped;

macro_rules! shipped {
    ($($file:literal),* $(,)?) => {
        [$(Shipped { file: $file, data: include_bytes!(concat!("../fonts/", $file)) }),*]
    };
}

static FONTS: [Shipped; 6] = shipped![
    "FandolSong-Regular.otf",
    "FandolSong-Bold.otf",
    "FandolFang-Regular.otf",
    "FandolHei-Regular.otf",
    "FandolKai-Regular.otf",
    "NotoSerifCJKsc-Regular.otf",
];

/// mimalloc rather than the system allocator: a report makes and frees
/// hundreds of thousands of small values (glyphs, spans, XML nodes) on both
/// cores at once, where glibc's allocator spent about a tenth of the CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    nianbao::fonts::find::install_shipped(&FONTS);
    nianbao::cli::main()
}
