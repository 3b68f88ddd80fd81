// Shared by the build scripts of the crates whose tests read the real exports in
// `../shared/fixtures` (`include!`d, so that each crate keeps a build.rs of its own).
//
// Those files sit outside the repository and are not on every machine. A test that returned early
// without them would be counted as passed, so the choice is made when the tests are built: with
// the folder present, the `gazette_fixtures` cfg is on and the tests run; without it they are
// compiled as `#[ignore]` and reported as ignored, with the reason. Cargo rebuilds when the folder
// appears, disappears or changes.

fn declare_fixtures_cfg() {
    println!("cargo::rustc-check-cfg=cfg(gazette_fixtures)");
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    // crates/<crate>/ → the repository → the folder beside it.
    let Some(fixtures) = manifest_dir.map(|dir| dir.join("../../../shared/fixtures")) else {
        return;
    };
    let fixtures = fixtures
        .canonicalize()
        .or_else(|_| std::path::absolute(&fixtures))
        .unwrap_or(fixtures);
    if fixtures.is_dir() {
        // Noticed when it changes or goes away.
        println!("cargo::rerun-if-changed={}", fixtures.display());
        println!("cargo::rustc-cfg=gazette_fixtures");
    } else if let Some(shared) = fixtures.parent().filter(|shared| shared.is_dir()) {
        // `shared/` is there without the fixtures: watched, so they are noticed when they come.
        println!("cargo::rerun-if-changed={}", shared.display());
    } else {
        // Nothing to watch: a missing path would count as changed on every build and rebuild the
        // crate (and `gazette` with it) each time. Fixtures added later are picked up after
        // `touch build-support/fixtures.rs`; until then their tests stay ignored, never passed.
        println!("cargo::rerun-if-changed=build.rs");
    }
}
