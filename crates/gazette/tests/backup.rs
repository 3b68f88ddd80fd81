//! `gazette backup` and the restore drill of docs/backup.md, as an operator runs them: the archive
//! unpacked into an empty data folder is the same site, pictures included.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{gazette, get, interrupt, start};

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_backup_of_a_running_site_restores_into_the_same_site() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = start(&data, &[]);
    // Taken while the server runs, as the docs say it may be.
    let archive = dir.path().join("site.tar");
    let said = stdout(&gazette(
        &data,
        &["backup", "--out", archive.to_str().unwrap()],
    ));
    assert!(said.contains("Backed up the database and"), "{said}");
    interrupt(&mut server);

    let refused = gazette(&data, &["backup", "--out", archive.to_str().unwrap()]);
    assert!(
        !refused.status.success(),
        "an existing archive is never overwritten"
    );
    assert!(
        !dir.path().join("site.tar.partial-db").exists()
            && !dir.path().join("site.tar.partial-tar").exists(),
        "no work files are left behind"
    );

    let restored = dir.path().join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    tar::Archive::new(std::fs::File::open(&archive).unwrap())
        .unpack(&restored)
        .unwrap();
    assert_eq!(
        stdout(&gazette(&restored, &["init"])),
        stdout(&gazette(&data, &["init"])),
        "the same number of articles"
    );
    let files = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir.join("media"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let pictures = files(&restored);
    assert!(
        !pictures.is_empty(),
        "the demo's pictures are in the archive"
    );
    assert_eq!(pictures, files(&data), "every media file, and only those");
    let mut server = start(&restored, &[]);
    assert_eq!(get(&server.address, "/").0, 200);
    assert_eq!(
        get(&server.address, &format!("/media/{}", pictures[0])).0,
        200
    );
    interrupt(&mut server);
}
