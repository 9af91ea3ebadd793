//! Writing generated files: atomically (build in a sibling temporary directory, then swap), and
//! comparing them with a directory on disk for drift checks.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::emit::Files;
use crate::error::{Error, Result};

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// Replaces `dir` with exactly `files`. Nothing is half-written: the new tree is built beside `dir` and
/// renamed into place, so a failure leaves the old directory as it was.
pub fn write(files: &Files, dir: &Path) -> Result<()> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io(parent))?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "sdk".into());
    let staging = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let backup = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = (|| {
        for (relative, contents) in files {
            let path = staging.join(relative);
            if let Some(p) = path.parent() {
                fs::create_dir_all(p).map_err(io(p))?;
            }
            fs::write(&path, contents).map_err(io(&path))?;
        }
        if dir.exists() {
            fs::rename(dir, &backup).map_err(io(dir))?;
        }
        if let Err(source) = fs::rename(&staging, dir) {
            let _ = fs::rename(&backup, dir);
            return Err(Error::Io { path: dir.to_path_buf(), source });
        }
        let _ = fs::remove_dir_all(&backup);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// One way a directory differs from the generated files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    Changed(PathBuf),
    Missing(PathBuf),
    Extra(PathBuf),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Changed(p) => write!(f, "changed: {}", p.display()),
            Drift::Missing(p) => write!(f, "missing: {}", p.display()),
            Drift::Extra(p) => write!(f, "not generated: {}", p.display()),
        }
    }
}

/// Every file of `dir` that differs from `files`: changed, missing, or present but not generated.
pub fn diff(files: &Files, dir: &Path) -> Result<Vec<Drift>> {
    let mut drift = Vec::new();
    for (relative, contents) in files {
        let path = dir.join(relative);
        match fs::read(&path) {
            Ok(on_disk) if on_disk == contents.as_bytes() => {}
            Ok(_) => drift.push(Drift::Changed(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => drift.push(Drift::Missing(path)),
            Err(source) => return Err(Error::Io { path, source }),
        }
    }
    let generated: BTreeSet<PathBuf> = files.keys().map(|k| dir.join(k)).collect();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = match fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(Error::Io { path: current, source }),
        };
        for entry in entries {
            let entry = entry.map_err(io(&current))?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if !generated.contains(&path) {
                drift.push(Drift::Extra(path));
            }
        }
    }
    drift.sort_by_key(|d| d.to_string());
    Ok(drift)
}

/// Adds every file under `dir` to `files`, keyed by its path relative to `dir` (`/`-separated, so
/// the keys are the same on every platform).
pub fn read_tree(dir: &Path, files: &mut Files) -> Result<()> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).map_err(io(&current))? {
            let path = entry.map_err(io(&current))?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let key = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let text = fs::read_to_string(&path).map_err(io(&path))?;
            files.insert(key, text);
        }
    }
    Ok(())
}
