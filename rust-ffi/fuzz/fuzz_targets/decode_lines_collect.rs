//! `barter_order_events_decode` with `BARTER_JSON_FORMAT_LINES` and
//! `BARTER_DECODE_COLLECT_ERRORS`: bad lines are collected.
#![no_main]
use barter_ffi_fuzz::{check_order_events_decode, COLLECT, LINES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_order_events_decode(data, LINES, COLLECT));
