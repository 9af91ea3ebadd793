//! Behaviour tests of the SDK runtime.
