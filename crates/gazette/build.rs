include!("../../build-support/fixtures.rs");

fn main() {
    declare_fixtures_cfg();
}
