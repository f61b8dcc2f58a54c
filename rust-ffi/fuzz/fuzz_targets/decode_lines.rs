//! `barter_order_events_decode` with `BARTER_JSON_FORMAT_LINES`: the first
//! bad line fails the call.
#![no_main]
use barter_ffi_fuzz::{check_order_events_decode, LINES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_order_events_decode(data, LINES, 0));
