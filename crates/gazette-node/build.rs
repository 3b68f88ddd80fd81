include!("../../build-support/postgres_tests.rs");

fn main() {
    declare_postgres_tests_cfg();
}
