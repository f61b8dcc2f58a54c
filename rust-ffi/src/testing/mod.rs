//! The test variant's hooks, compiled only with the cargo feature `testing`
//! (which the crate's own tests, examples and the fixture generator turn on
//! through its dev-dependency on itself). The shipped library and
//! `include/barter_ffi.h` carry none of them; `tests/c/barter_ffi_hooks.h`
//! declares them for the C programs that link the test variant.
//!
//! `panic`: a function that panics on purpose, to watch the panic barrier.
//! `producer`: Rust threads that push events into an event sink.

pub mod panic;
pub mod producer;
