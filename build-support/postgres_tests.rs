// Shared by the build scripts of the crates whose tests run on both databases (`include!`d, so
// that each crate keeps a build.rs of its own).
//
// libtest cannot mark a test ignored at run time, and a PostgreSQL variant that returned early
// without a server would be counted as passed. So the choice is made when the tests are built:
// with `GAZETTE_TEST_POSTGRES_URL` set, the `gazette_postgres_tests` cfg is on and the PostgreSQL
// variants run; without it they are compiled as `#[ignore]` and reported as ignored, with the
// reason. Cargo rebuilds when the variable changes.

fn declare_postgres_tests_cfg() {
    println!("cargo::rustc-check-cfg=cfg(gazette_postgres_tests)");
    println!("cargo::rerun-if-env-changed=GAZETTE_TEST_POSTGRES_URL");
    if std::env::var_os("GAZETTE_TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=gazette_postgres_tests");
    }
}
