include!("../../build-support/postgres_tests.rs");

fn main() {
    // `sqlx::migrate!` embeds the migration folders at compile time, but Cargo does not know it
    // reads them: without this, a new migration file is missed by incremental builds until some
    // Rust file changes, and a test runs against the old schema.
    println!("cargo::rerun-if-changed=migrations");
    declare_postgres_tests_cfg();
}
