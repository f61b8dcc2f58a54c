//! `barter_decode` for every `BarterMessage` in both key forms and every
//! format, and `barter_decode_one_into` of the same JSON against
//! `barter_decode` of one value. Input: one byte for the message, one for
//! the key form, one for the format and flags (and the size of the buffer
//! `barter_decode_one_into` gets), then the JSON (seeds: scripts/fuzz.sh).
#![no_main]
use barter_ffi_fuzz::{check_decode_one_into, check_messages_decode, ARRAY, COLLECT, LINES, ONE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [message, keys, selector, json @ ..] = data else {
        return;
    };
    // Mostly valid selectors; the top values pass through as unknown ones.
    let message = if *message >= 250 {
        u32::from(*message)
    } else {
        1 + u32::from(*message) % 12
    };
    let keys = if *keys >= 254 {
        u32::from(*keys)
    } else {
        1 + u32::from(*keys) % 2
    };
    let (format, flags) = match selector % 5 {
        0 => (ONE, 0),
        1 => (ARRAY, 0),
        2 => (LINES, 0),
        3 => (LINES, COLLECT),
        _ => (u32::from(*selector), u32::from(*selector) >> 4),
    };
    check_messages_decode(message, keys, json, format, flags);
    check_decode_one_into(message, keys, json, *selector);
});
