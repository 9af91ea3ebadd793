//! The `generator` command line: `generate`, `check` and `ir`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use openapi_sdkgen::{output, Generator};

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
    /// Makes every undocumented public item a compile error in the generated crate (`x-sdk.deny-missing-docs`).
    #[arg(long)]
    deny_missing_docs: Option<bool>,
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
        if let Some(deny) = self.deny_missing_docs {
            generator = generator.with_deny_missing_docs(deny);
        }
        generator
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
            let files = common.generator().generate_file(&common.spec)?;
            output::write(&files, &out)?;
            println!("generated {} files into {}", files.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { common, out } => {
            let files = common.generator().generate_file(&common.spec)?;
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
        Command::Ir { common } => {
            let api = common.generator().ir_file(&common.spec)?;
            let json = serde_json::to_string_pretty(&api).map_err(|e| openapi_sdkgen::Error::Internal { file: "ir".into(), message: e.to_string() })?;
            println!("{json}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
