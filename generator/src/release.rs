//! Regenerating as a release: the crate's version and `CHANGELOG.md` follow what changed in its
//! surface since the generation in the output directory, and the new surface is recorded there
//! (`api-surface.json`) for the next one. A regeneration that changes no surface changes none of
//! the three, so the drift check stays byte-exact.

use std::path::Path;

use crate::diff::{self, Level, Report};
use crate::error::{Error, Result};
use crate::ir::Api;
use crate::surface::{Surface, SURFACE_FILE, SURFACE_FORMAT};

pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// The version of a crate generated for the first time.
pub const FIRST_VERSION: &str = "0.1.0";

const CHANGELOG_HEADER: &str = "# Changelog\n\n\
Changes to the crate's Rust API, written by the generator (`generator diff`) whenever a new spec changes it.\n\
Versions follow Cargo's semver rules: a breaking change bumps the major version (the minor one before\n\
1.0), a feature the minor version (the patch one before 1.0), a fix the patch version.\n";

/// The next release, planned from the previous one.
#[derive(Debug, Clone)]
pub struct Release {
    pub version: String,
    pub changelog: String,
    pub surface: String,
    /// What changed since the previous generation (`None` for the first one, or when the previous
    /// surface cannot be compared).
    pub report: Option<Report>,
    pub previous_version: Option<String>,
    /// The previous surface was recorded by another generator version, so it was not compared.
    pub recorded_anew: bool,
}

/// Plans the release of the SDK of `api` after the generation in `previous_dir` (the output
/// directory, which may not exist yet). `version`, when given, is used as it is instead of the
/// bumped one.
pub fn plan(api: &Api, previous_dir: &Path, version: Option<&str>, date: &str) -> Result<Release> {
    let surface = &Surface::of(api);
    let surface_json = surface.to_json();
    let read = |name: &str| -> Result<Option<String>> {
        let path = previous_dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io { path, source }),
        }
    };
    let previous_surface = read(SURFACE_FILE)?;
    let previous_version = read("Cargo.toml")?.as_deref().and_then(package_version);
    let previous_changelog = read(CHANGELOG_FILE)?;

    let (Some(previous_surface), Some(previous_version), Some(previous_changelog)) = (previous_surface, previous_version.clone(), previous_changelog) else {
        // The first release: nothing to compare with.
        let version = version.unwrap_or(previous_version.as_deref().unwrap_or(FIRST_VERSION)).to_owned();
        let changelog = format!("{CHANGELOG_HEADER}\n## {version} - {date}\n\nThe first version generated.\n");
        return Ok(Release { version, changelog, surface: surface_json, report: None, previous_version, recorded_anew: false });
    };
    // A surface another generator version recorded differently cannot be compared: it is recorded
    // anew, and the release stays as it was.
    let Some(old) = Surface::from_json(&previous_surface).ok().filter(|old| old.format == SURFACE_FORMAT) else {
        let version = version.unwrap_or(&previous_version).to_owned();
        return Ok(Release { version, changelog: previous_changelog, surface: surface_json, report: None, previous_version: Some(previous_version), recorded_anew: true });
    };
    let report = diff::diff(&old, surface).explained(&api.name_notes);
    let Some(verdict) = report.verdict() else {
        // Nothing users can see changed: the release stays as it was.
        let version = version.unwrap_or(&previous_version).to_owned();
        return Ok(Release { version, changelog: previous_changelog, surface: surface_json, report: Some(report), previous_version: Some(previous_version), recorded_anew: false });
    };
    let version = match version {
        Some(version) => version.to_owned(),
        None => diff::bump(&previous_version, verdict).ok_or_else(|| Error::Io {
            path: previous_dir.join("Cargo.toml"),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, format!("version {previous_version:?} is not MAJOR.MINOR.PATCH")),
        })?,
    };
    let section = format!("## {version} - {date}\n\n{}", report.to_markdown());
    let changelog = insert_section(&previous_changelog, &section);
    Ok(Release { version, changelog, surface: surface_json, report: Some(report), previous_version: Some(previous_version), recorded_anew: false })
}

/// The newest section goes first, after the header.
fn insert_section(changelog: &str, section: &str) -> String {
    match changelog.find("\n## ") {
        Some(at) => format!("{}{section}\n{}", &changelog[..at + 1], &changelog[at + 1..]),
        None => format!("{}\n{section}", changelog.trim_end_matches('\n').to_owned() + "\n"),
    }
}

/// `version = "..."` of the `[package]` table of a Cargo.toml the generator wrote.
fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("version").map(str::trim_start).and_then(|rest| rest.strip_prefix('=')) {
                return Some(value.trim().trim_matches('"').to_owned());
            }
        }
    }
    None
}

/// Today's date (UTC) as `YYYY-MM-DD`, or that of `SOURCE_DATE_EPOCH` when it is set, for
/// reproducible builds.
pub fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64));
    civil_date(seconds.div_euclid(86_400))
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The level a change of version stands for (for messages): the strongest part that moved.
pub fn describe_bump(from: &str, to: &str) -> &'static str {
    let parts = |v: &str| v.split(['-', '+']).next().unwrap_or_default().split('.').map(|p| p.parse::<u64>().unwrap_or(0)).collect::<Vec<_>>();
    let (a, b) = (parts(from), parts(to));
    match (a.first() != b.first(), a.get(1) != b.get(1)) {
        (true, _) => "major",
        (false, true) => "minor",
        _ => "patch",
    }
}

impl Release {
    /// A line for the command's output: the version and why.
    pub fn summary(&self) -> String {
        match (&self.report, &self.previous_version) {
            (None, _) if !self.recorded_anew => format!("first release, version {}", self.version),
            (None, _) => format!(
                "{SURFACE_FILE} was recorded by another generator version: recorded anew, version {} and CHANGELOG.md unchanged",
                self.version
            ),
            (Some(report), Some(previous)) if report.verdict().is_some() => {
                let verdict = report.verdict().map_or("", Level::as_str);
                format!(
                    "{verdict} changes ({} breaking, {} feature, {} fix): version {previous} → {} ({} bump), CHANGELOG.md updated",
                    report.count(Level::Breaking),
                    report.count(Level::Feature),
                    report.count(Level::Fix),
                    self.version,
                    describe_bump(previous, &self.version)
                )
            }
            _ => format!("no change to the SDK surface: version {} and CHANGELOG.md unchanged", self.version),
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_425), "2025-12-03");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(-1), "1969-12-31");
    }

    #[test]
    fn package_version_reads_the_package_table_only() {
        let manifest = "[package]\nname = \"x\"\nversion = \"1.2.3\"\n\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(package_version(manifest).as_deref(), Some("1.2.3"));
        assert_eq!(package_version("[dependencies]\nversion = \"9\"\n"), None);
    }

    #[test]
    fn sections_go_newest_first() {
        let changelog = format!("{CHANGELOG_HEADER}\n## 0.1.0 - 2026-01-01\n\nThe first version generated.\n");
        let updated = insert_section(&changelog, "## 0.2.0 - 2026-02-01\n\n### Features\n\n- x\n");
        let first = updated.find("## 0.2.0").expect("new section");
        let second = updated.find("## 0.1.0").expect("old section");
        assert!(updated.starts_with(CHANGELOG_HEADER) && first < second, "{updated}");
    }
}
