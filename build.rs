//! Feature `torch` only: an rpath to the real libtorch directory. `LIBTORCH/lib` (see
//! scripts/setup-torch) holds links for the link step; libtorch's own `$ORIGIN` rpath, which
//! finds libc10, libgomp and the CUDA runtime wheels, resolves only from the real directory.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_TORCH").is_none() {
        return;
    }
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    let Some(libtorch) = std::env::var_os("LIBTORCH") else {
        // torch-sys fails the build with its own message in this case.
        return;
    };
    let cpu = PathBuf::from(libtorch).join("lib/libtorch_cpu.so");
    let real = std::fs::canonicalize(&cpu)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup-torch)", cpu.display()));
    let dir = real.parent().expect("a file has a parent directory");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
}
