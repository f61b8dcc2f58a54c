//! `barter_order_events_decode` with `BARTER_JSON_FORMAT_ARRAY`.
#![no_main]
use barter_ffi_fuzz::{check_order_events_decode, ARRAY};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_order_events_decode(data, ARRAY, 0));
