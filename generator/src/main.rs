//! The `generator` command line: `generate`, `check` and `ir`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use openapi_sdkgen::lock::NameLock;
use openapi_sdkgen::surface::Surface;
use openapi_sdkgen::{diff, output, release, Error, Generator};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "generator", version, about = "Generates an async Rust SDK crate from an OpenAPI 3.0 spec")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Common {
    /// The OpenAPI document (YAML or JSON).
    #[arg(long, default_value = "spec/openapi.yaml")]
    spec: PathBuf,
    /// Overrides the crate name (`x-sdk.crate`).
    #[arg(long)]
    crate_name: Option<String>,
    /// Overrides the client type name (`x-sdk.client`).
    #[arg(long)]
    client_name: Option<String>,
    /// Sets the crate version instead of the one worked out from what changed since the last generation.
    #[arg(long)]
    crate_version: Option<String>,
    /// Makes every undocumented public item a compile error in the generated crate (`x-sdk.deny-missing-docs`).
    #[arg(long)]
    deny_missing_docs: Option<bool>,
    /// Chooses every name afresh, as a first generation would, instead of keeping the names recorded
    /// in the crate's `api-names.json`: for a release that means to rename (see `diff --rename`).
    #[arg(long)]
    rename: bool,
}

impl Common {
    fn generator(&self) -> Generator {
        let mut generator = Generator::new();
        if let Some(name) = &self.crate_name {
            generator = generator.with_crate_name(name);
        }
        if let Some(name) = &self.client_name {
            generator = generator.with_client_name(name);
        }
        if let Some(version) = &self.crate_version {
            generator = generator.with_crate_version(version);
        }
        if let Some(deny) = self.deny_missing_docs {
            generator = generator.with_deny_missing_docs(deny);
        }
        generator.with_fresh_names(self.rename)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Generate the SDK crate into OUT (replaced atomically).
    Generate {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value = "generated-sdk")]
        out: PathBuf,
    },
    /// Regenerate in memory and fail, naming every file, if OUT differs.
    Check {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value = "generated-sdk")]
        out: PathBuf,
    },
    /// Print the intermediate representation as JSON.
    Ir {
        #[command(flatten)]
        common: Common,
    },
    /// Say what changes for users of the SDK between two versions of the spec, each change
    /// classified breaking, feature or fix for the generated Rust API. Both keep the names recorded
    /// in OUT (the old spec's SDK as generated there); with `--rename` the new one chooses its names
    /// afresh, and the diff lists every rename.
    Diff {
        #[command(flatten)]
        common: Common,
        /// The generated crate whose recorded names (`api-names.json`) the old SDK has.
        #[arg(long, default_value = "generated-sdk")]
        out: PathBuf,
        /// The old spec: a file, a git revision (the `--spec` file as it was then), or `REV:PATH`.
        #[arg(long)]
        old: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, openapi_sdkgen::Error> {
    match cli.command {
        Command::Generate { common, out } => {
            let (files, release) = common.generator().generate_release(&common.spec, &out, &release::today())?;
            output::write(&files, &out)?;
            println!("generated {} files into {}: {}", files.len(), out.display(), release.summary());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { common, out } => {
            let (files, _) = common.generator().generate_release(&common.spec, &out, &release::today())?;
            let drift = output::diff(&files, &out)?;
            if drift.is_empty() {
                println!("{} is up to date with {}", out.display(), common.spec.display());
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!("{} is out of date with {} (run `make generate`):", out.display(), common.spec.display());
            for d in &drift {
                eprintln!("  {d}");
            }
            Ok(ExitCode::FAILURE)
        }
        Command::Diff { common, out, old, format } => {
            let generator = common.generator();
            // The old SDK as users have it (recorded names kept), whatever `--rename` says.
            let recorded = NameLock::read(&out)?;
            let old_api = if Path::new(&old).is_file() {
                // A file: the files it refers to are beside it.
                generator.ir_file_named(Path::new(&old), recorded.as_ref())?
            } else {
                let (old_text, old_name) = read_old_spec(&old, &common.spec)?;
                generator.ir_named(&old_text, recorded.as_ref()).map_err(|e| e.in_file(&old_name))?
            };
            let kept = (!common.rename).then(|| NameLock::of(&old_api));
            let new_api = generator.ir_file_named(&common.spec, kept.as_ref())?;
            let report = diff::diff(&Surface::of(&old_api), &Surface::of(&new_api)).explained(&new_api.name_notes);
            print!(
                "{}",
                match format {
                    Format::Text => report.to_text(),
                    Format::Json => report.to_json(),
                    Format::Markdown => report.to_markdown(),
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Ir { common } => {
            let api = common.generator().ir_file(&common.spec)?;
            let json = serde_json::to_string_pretty(&api).map_err(|e| openapi_sdkgen::Error::Internal { file: "ir".into(), message: e.to_string() })?;
            println!("{json}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The old spec's text and a name for its errors, from git: `REV:PATH`, or a revision of `spec`.
fn read_old_spec(old: &str, spec: &Path) -> Result<(String, String), Error> {
    // `git show REV:./FILE` run in the spec's directory names the spec relative to it.
    let (dir, object) = match old.split_once(':') {
        Some(_) => (Path::new("."), old.to_owned()),
        None => {
            let dir = spec.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let file = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            (dir, format!("{old}:./{file}"))
        }
    };
    let not_found = |message: String| Error::Io { path: PathBuf::from(old), source: std::io::Error::new(std::io::ErrorKind::NotFound, message) };
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show", &object])
        .output()
        .map_err(|e| not_found(format!("not a file, and git could not run to read it as a revision: {e}")))?;
    if !output.status.success() {
        return Err(not_found(format!("not a file, nor a git object (`git show {object}`: {})", String::from_utf8_lossy(&output.stderr).trim())));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| not_found(format!("`git show {object}` is not UTF-8 text")))?;
    Ok((text, object))
}
