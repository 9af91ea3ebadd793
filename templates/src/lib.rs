//! Runtime templates, compiled and tested here; the generator copies `src/runtime/` into each SDK.
#![deny(missing_docs)]
pub mod runtime;
