//! openapi-sdkgen: generates an idiomatic async Rust SDK crate from an OpenAPI 3.0 document.
//!
//! The pipeline reads top-down: [`load`] parses and checks the spec, [`lower`] builds the IR
//! ([`ir::Api`], plain data), [`emit`] turns it into files (Rust as token streams) and
//! [`emit::format`] pretty-prints them; [`output`] writes them atomically or compares them with what
//! is on disk.
//!
//! ```no_run
//! let generator = openapi_sdkgen::Generator::new();
//! let out = std::path::Path::new("generated-sdk");
//! // The next release of the crate in `out`: version and CHANGELOG.md follow what changed.
//! let (files, release) = generator.generate_release("spec/openapi.yaml".as_ref(), out, "2026-12-03")?;
//! openapi_sdkgen::output::write(&files, out)?;
//! println!("{}", release.summary());
//! # Ok::<(), openapi_sdkgen::Error>(())
//! ```

mod bundle;
mod dedup;
pub mod diff;
pub mod emit;
pub mod error;
pub(crate) mod features;
pub mod ir;
mod jobs;
pub(crate) mod layout;
pub mod load;
pub mod lock;
pub mod lower;
pub mod naming;
pub mod output;
pub mod release;
pub mod schema;
mod samples;
mod security;
pub mod surface;
mod tags;
mod templates;

use std::path::Path;

pub use emit::Files;
pub use error::{Error, Result};

/// Generation settings; everything SDK-specific otherwise comes from the spec's `x-sdk` extension.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Overrides `x-sdk.crate` (default: the spec title in kebab-case plus `-sdk`).
    pub crate_name: Option<String>,
    /// Overrides `x-sdk.client` (default: the spec title in UpperCamelCase plus `Client`).
    pub client_name: Option<String>,
    /// The generated crate's version; by default the one [`Generator::generate_release`] works out
    /// (or [`release::FIRST_VERSION`]).
    pub crate_version: Option<String>,
    /// Overrides `x-sdk.deny-missing-docs`: whether the crate denies undocumented public items. Off by
    /// default, since the generator documents only what the spec describes or the shape truthfully says.
    pub deny_missing_docs: Option<bool>,
}


/// The generator: a small builder of [`Settings`] with the pipeline behind it.
#[derive(Debug, Clone, Default)]
pub struct Generator {
    settings: Settings,
    /// The names to keep (see [`lock`]); by default those recorded in the output directory.
    names: Option<lock::NameLock>,
    /// Ignore recorded names: every name as a first generation would choose it.
    fresh_names: bool,
}

impl Generator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_crate_name(mut self, name: impl Into<String>) -> Self {
        self.settings.crate_name = Some(name.into());
        self
    }

    pub fn with_client_name(mut self, name: impl Into<String>) -> Self {
        self.settings.client_name = Some(name.into());
        self
    }

    pub fn with_deny_missing_docs(mut self, deny: bool) -> Self {
        self.settings.deny_missing_docs = Some(deny);
        self
    }

    pub fn with_crate_version(mut self, version: impl Into<String>) -> Self {
        self.settings.crate_version = Some(version.into());
        self
    }

    /// Keeps the names of `lock` for what they named (instead of those recorded in the output
    /// directory).
    pub fn with_names(mut self, lock: lock::NameLock) -> Self {
        self.names = Some(lock);
        self
    }

    /// `true`: chooses every name afresh, as for a first generation, ignoring any recorded names (a
    /// release that means to rename).
    pub fn with_fresh_names(mut self, fresh: bool) -> Self {
        self.fresh_names = fresh;
        self
    }

    /// The names a generation into `dir` keeps: none when fresh, else those given, else the ones
    /// recorded in `dir`.
    pub fn names_for(&self, dir: &Path) -> Result<Option<lock::NameLock>> {
        match (&self.names, self.fresh_names) {
            (_, true) => Ok(None),
            (Some(lock), false) => Ok(Some(lock.clone())),
            (None, false) => lock::NameLock::read(dir),
        }
    }

    /// Reads the spec at `path` and builds its IR.
    pub fn ir_file(&self, path: &Path) -> Result<ir::Api> {
        self.ir_file_named(path, self.names_given())
    }

    /// Reads the spec at `path` (and the files its references point into) and builds its IR,
    /// keeping the names of `names`.
    pub fn ir_file_named(&self, path: &Path, names: Option<&lock::NameLock>) -> Result<ir::Api> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        self.ir_document(&text, Some(path), names).map_err(|e| e.in_file(&path.display().to_string()))
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Builds the IR of a spec given as YAML or JSON text (keeping the names given with
    /// [`Generator::with_names`], if any).
    pub fn ir(&self, text: &str) -> Result<ir::Api, error::SpecError> {
        self.ir_named(text, self.names_given())
    }

    /// Builds the IR of a spec given as YAML or JSON text, keeping the names of `names`.
    pub fn ir_named(&self, text: &str, names: Option<&lock::NameLock>) -> Result<ir::Api, error::SpecError> {
        self.ir_document(text, None, names)
    }

    /// Builds the IR of a document given as text that belongs at `file`: its references to other
    /// files resolve relative to it. A lowering error in a node bundled from another file names
    /// that file.
    pub fn ir_document(&self, text: &str, file: Option<&Path>, names: Option<&lock::NameLock>) -> Result<ir::Api, error::SpecError> {
        let spec = load::parse_document(text, file)?;
        lower::lower(&spec.openapi, &self.settings, names).map_err(|e| spec.origins.locate(e))
    }

    fn names_given(&self) -> Option<&lock::NameLock> {
        self.names.as_ref().filter(|_| !self.fresh_names)
    }

    /// Generates every file of the SDK crate for the spec at `path`, including the extra files its
    /// `x-sdk.extra-files` directory (relative to the spec) holds.
    pub fn generate_file(&self, path: &Path) -> Result<Files> {
        let api = self.ir_file(path)?;
        self.files(&api, path, &self.settings)
    }

    /// Generates the SDK crate for the spec at `path` as the next release of the crate generated
    /// into `previous` before (the output directory, which need not exist): its version bumped by
    /// what changed in its surface, a section for the change at the top of `CHANGELOG.md` dated
    /// `date`, and the surface recorded in `api-surface.json` for the next time. When the surface
    /// did not change, neither do the version and the changelog. Names recorded in `previous`
    /// (`api-names.json`) stay with what they named, and the names are recorded there again.
    pub fn generate_release(&self, path: &Path, previous: &Path, date: &str) -> Result<(Files, release::Release)> {
        let api = self.ir_file_named(path, self.names_for(previous)?.as_ref())?;
        let release = release::plan(&api, previous, self.settings.crate_version.as_deref(), date)?;
        let settings = Settings { crate_version: Some(release.version.clone()), ..self.settings.clone() };
        let mut files = self.files(&api, path, &settings)?;
        files.insert(release::CHANGELOG_FILE.to_owned(), release.changelog.clone());
        files.insert(surface::SURFACE_FILE.to_owned(), release.surface.clone());
        files.insert(lock::NAMES_FILE.to_owned(), lock::NameLock::of(&api).to_json());
        Ok((files, release))
    }

    /// The crate's files: the generated ones and the extra files. A hand-written `README.md` among
    /// the extra files is also the crate's rustdoc front page, its code blocks doctests.
    fn files(&self, api: &ir::Api, path: &Path, settings: &Settings) -> Result<Files> {
        let mut extra = Files::new();
        if let Some(dir) = &api.extra_files {
            let base = path.parent().unwrap_or(Path::new(".")).join(dir);
            output::read_tree(&base, &mut extra)?;
        }
        let guide = extra.get(emit::README_FILE).map(String::as_str);
        let mut files = emit::format(emit::emit_with_guide(api, settings, guide)?)?;
        for (key, text) in extra {
            if files.contains_key(&key) {
                return Err(Error::Spec {
                    path: path.display().to_string(),
                    pointer: "#/x-sdk/extra-files".into(),
                    message: format!("extra file `{key}` would replace a generated file"),
                });
            }
            files.insert(key, text);
        }
        Ok(files)
    }

    /// Generates every file of the SDK crate for a spec given as text (`name` labels errors).
    pub fn generate_str(&self, text: &str, name: &str) -> Result<Files> {
        let api = self.ir(text).map_err(|e| e.in_file(name))?;
        emit::format(emit::emit(&api, &self.settings)?)
    }
}
