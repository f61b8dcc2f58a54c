//! `barter_order_events_decode` with `BARTER_JSON_FORMAT_ONE`.
#![no_main]
use barter_ffi_fuzz::{check_order_events_decode, ONE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_order_events_decode(data, ONE, 0));
