//! The configuration parser behind `barter_session_new` (barter's
//! `SystemConfig` JSON with one Mock execution). Called directly, so that a
//! configuration that parses does not start a Tokio runtime per input.
#![no_main]
use barter_ffi::status::BarterStatus;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(error) = barter_ffi::session::config::parse(data) {
        assert_ne!(error.status, BarterStatus::Panic, "{}", error.message);
        assert!(!error.message.is_empty());
    }
});
