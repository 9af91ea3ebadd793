//! Runtime templates, compiled and tested here; the generator copies `src/runtime/` into each SDK.
pub mod runtime;
