//! `barter_engine_json_normalize` for every `BarterEngineValue` and format:
//! an accepted input prints JSON framed as asked, one value per input
//! value, that normalizes again to the same bytes. Input: one byte for the
//! value, one for the format (as in decode_messages: mostly valid, the top
//! values pass through as unknown ones), then the JSON (seeds:
//! scripts/fuzz.sh, barter's example market data and a System's audit).
#![no_main]
use barter_ffi_fuzz::system::check_normalize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [value, format, json @ ..] = data else {
        return;
    };
    let value = if *value >= 250 {
        u32::from(*value)
    } else {
        1 + u32::from(*value) % 10
    };
    let format = if *format >= 254 {
        u32::from(*format)
    } else {
        1 + u32::from(*format) % 3
    };
    check_normalize(value, format, json);
});
