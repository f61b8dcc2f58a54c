//! Structure-aware: `barter_order_events_encode` of C order events filled
//! with arbitrary tags, flags, numbers and lengths (see src/structs.rs).
#![no_main]
use arbitrary::Unstructured;
use barter_ffi_fuzz::check_order_events_encode;
use barter_ffi_fuzz::structs::Gen;
use libfuzzer_sys::fuzz_target;

fn run(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let mut gen = Gen::new(&mut u)?;
    let format = gen.tag(3)?;
    let len = gen.count(4)?;
    let events = (0..len)
        .map(|_| gen.order_event())
        .collect::<arbitrary::Result<Vec<_>>>()?;
    check_order_events_encode(&events, format);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
