//! The SDK runtime templates, embedded at build time by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));
