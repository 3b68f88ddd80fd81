include!("../../build-support/fixtures.rs");
include!("../../build-support/postgres_tests.rs");

fn main() {
    declare_fixtures_cfg();
    declare_postgres_tests_cfg();
}
