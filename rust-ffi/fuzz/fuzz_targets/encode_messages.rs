//! Structure-aware: `barter_encode` of the C structs of every
//! `BarterMessage`, in both key forms, filled with arbitrary tags, flags,
//! numbers, lengths and nested arrays (see src/structs.rs).
#![no_main]
use arbitrary::Unstructured;
use barter_ffi_fuzz::check_messages_encode;
use barter_ffi_fuzz::structs::Gen;
use libfuzzer_sys::fuzz_target;

fn run(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let mut gen = Gen::new(&mut u)?;
    let message = gen.tag(12)?;
    let keys = gen.tag(2)?;
    let format = gen.tag(3)?;
    let len = gen.count(3)?;
    let items = gen.items(message, len)?;
    let unreadable = gen.serde_cannot_read_back();
    // SAFETY: `gen` keeps the `len` items of `message`'s type alive.
    unsafe { check_messages_encode(message, keys, items, len, format, unreadable) };
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
