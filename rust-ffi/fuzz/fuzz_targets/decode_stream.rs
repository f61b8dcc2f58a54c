//! `barter_decode_stream_*` against `barter_decode` of the same JSON lines.
//! Input: one byte for the batch size (1..=16), one for the flags (bit 0:
//! `BARTER_DECODE_COLLECT_ERRORS`) and the message and key form (the other
//! bits, as in decode_messages: message 1 + x % 12, keys 1 + x / 12 % 2),
//! then the JSON lines.
#![no_main]
use barter_ffi_fuzz::{check_decode_stream, COLLECT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [size, selector, json @ ..] = data else {
        return;
    };
    let batch_items = 1 + usize::from(*size) % 16;
    let flags = if selector & 1 == 1 { COLLECT } else { 0 };
    let which = u32::from(selector >> 1);
    let (message, keys) = (1 + which % 12, 1 + which / 12 % 2);
    check_decode_stream(message, keys, json, flags, batch_items);
});
