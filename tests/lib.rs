//! Test-only crate: see `runtime/` and `generator/`.
