include!("../../build-support/postgres_tests.rs");

fn main() {
    declare_postgres_tests_cfg();
    // The theme and the Fluent files are embedded (include_dir!): a file added to either folder
    // must rebuild the crate, which cargo does not notice by itself.
    println!("cargo::rerun-if-changed=../../locales");
    println!("cargo::rerun-if-changed=../../themes");
}
