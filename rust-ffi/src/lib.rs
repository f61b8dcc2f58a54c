//! barter-ffi: a C ABI over barter-execution's order events.
//!
//! Every exported symbol starts with `barter_`, returns a `BarterStatus` and
//! passes results through out-parameters; `barter_last_error` gives the
//! detail of a failure. `include/barter_ffi.h` is generated from this crate by
//! cbindgen.
//!
//! Layout: `ctypes` holds the `#[repr(C)]` types with their conversions,
//! `abi` the handshake, `order_events` the exported decode/encode functions,
//! `stream` the decode of JSON lines on a library thread, batch by batch,
//! `status` the error model and the panic barrier. `testing` (cargo feature
//! `testing`) holds the test hooks and `samples` the sample values; neither is
//! in the shipped library.

pub mod abi;
pub mod batch;
pub mod buffer;
pub mod ctypes;
pub mod json;
pub mod limits;
pub mod messages;
pub mod order_events;
#[cfg(feature = "testing")]
pub mod samples;
pub mod session;
pub mod sink;
pub mod status;
pub mod stream;
pub mod system;
#[cfg(feature = "testing")]
pub mod testing;
