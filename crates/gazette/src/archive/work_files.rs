//! A work folder beside the archive being written, removed however the command ends: an export
//! interrupted half-way leaves neither its pieces nor anything that looks like a finished archive.
//! And the last step of writing a tar, shared with `gazette backup`.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::Context;

pub struct WorkDir(PathBuf);

impl WorkDir {
    /// `FILE.partial/`, emptied if an earlier run left it.
    pub fn beside(out: &Path) -> anyhow::Result<Self> {
        let mut name = out.as_os_str().to_owned();
        name.push(".partial");
        let dir = PathBuf::from(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes the tar's end, flushes it and waits until it is on disk: only then may it be renamed
/// into place as a finished archive.
pub fn finish_tar(tar: tar::Builder<BufWriter<File>>) -> anyhow::Result<()> {
    tar.into_inner()
        .context("finishing the archive")?
        .into_inner()
        .map_err(|e| e.into_error())
        .context("writing the archive")?
        .sync_all()
        .context("writing the archive to disk")
}
