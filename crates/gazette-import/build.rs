//! Defines `cfg(gazette_fixtures)` when the shared real-world exports are present, so that the
//! tests reading them are reported ignored (with the reason), not passed, where they are absent.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(gazette_fixtures)");
    println!("cargo::rerun-if-changed=../../../shared/fixtures");
    if Path::new("../../../shared/fixtures").is_dir() {
        println!("cargo::rustc-cfg=gazette_fixtures");
    }
}
