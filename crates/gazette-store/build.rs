// `sqlx::migrate!` embeds the migration folders at compile time, but Cargo does not know it reads
// them: without this, a new migration file is missed by incremental builds until some Rust file
// changes, and a test runs against the old schema.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
