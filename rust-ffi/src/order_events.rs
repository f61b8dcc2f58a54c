//! The exported functions for indexed `OrderEvent<OrderState>`: JSON to C
//! structs (decode) and C structs to JSON (encode).

use crate::batch::{check_flags, decode, encode, input_slice, BarterLineError, Decoded};
use crate::buffer::{self, BarterBuffer};
use crate::ctypes::order_event::{BarterOrderEvent, IndexedOrderEvent};
use crate::ctypes::strings::BarterStr;
use crate::json::BarterJsonFormat;
use crate::status::{ffi_call, out_param, take_owned, BarterStatus};

/// Decoded order events. Every pointer in it, and every `BarterStr` inside
/// the events and errors, points into memory owned by the batch: valid until
/// `barter_order_event_batch_free`. Read-only.
#[repr(C)]
pub struct BarterOrderEventBatch {
    /// `len` events in input order.
    pub events: *const BarterOrderEvent,
    pub len: usize,
    /// Lines skipped under `BARTER_DECODE_COLLECT_ERRORS`, in input order.
    pub errors: *const BarterLineError,
    pub errors_len: usize,
    /// The one buffer all string views of `events` point into.
    pub strings: BarterStr,
}

/// The allocation behind a batch; the public view comes first so the
/// pointer handed out is also the pointer to free.
#[repr(C)]
struct Owned {
    view: BarterOrderEventBatch,
    decoded: Decoded<BarterOrderEvent>,
}

/// Parses serde JSON of `OrderEvent<OrderState>` (indexed keys) framed as
/// `format` (a `BarterJsonFormat`), with `flags` (0 or
/// `BARTER_DECODE_COLLECT_ERRORS`), into a new batch at `*out_batch`.
///
/// `input` may be NULL when `input_len` is 0. The input is not retained.
/// On failure `*out_batch` is set to NULL and `barter_last_error` says why.
///
/// # Safety
/// `input` must be valid for reads of `input_len` bytes; `out_batch` must be
/// NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_order_events_decode(
    input: *const u8,
    input_len: usize,
    format: u32,
    flags: u32,
    out_batch: *mut *mut BarterOrderEventBatch,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_batch = unsafe { out_param(out_batch, "out_batch") }?;
        *out_batch = std::ptr::null_mut();
        let input = unsafe { input_slice(input, input_len, "input") }?;
        let format = BarterJsonFormat::from_raw(format)?;
        let collect = check_flags(format, flags)?;
        let mut decoded = decode::<IndexedOrderEvent>(input, format, collect)?;
        let errors = decoded.line_errors();
        let view = BarterOrderEventBatch {
            events: std::ptr::null(),
            len: 0,
            errors: errors.as_ptr(),
            errors_len: errors.len(),
            strings: decoded.arena.as_view(),
        };
        let mut owned = Box::new(Owned { view, decoded });
        owned.view.events = owned.decoded.items.as_ptr();
        owned.view.len = owned.decoded.items.len();
        *out_batch = Box::into_raw(owned).cast();
        Ok(())
    })
}

/// Frees the batch `*batch` points to and sets `*batch` to NULL. Passing
/// NULL, or a pointer to NULL, does nothing.
///
/// # Safety
/// `*batch` must be NULL or a batch from this library not yet freed.
#[no_mangle]
pub unsafe extern "C" fn barter_order_event_batch_free(
    batch: *mut *mut BarterOrderEventBatch,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { take_owned(batch) } {
            // SAFETY: `raw` came from `barter_order_events_decode`.
            drop(unsafe { Box::from_raw(raw.cast::<Owned>()) });
        }
        Ok(())
    })
}

/// Validates `len` C order events, builds the barter values and serialises
/// them with serde as `format` into a new buffer at `*out_buffer`.
/// `BARTER_JSON_FORMAT_ONE` needs `len` 1. `events` may be NULL when `len`
/// is 0. On failure `*out_buffer` is set to NULL and `barter_last_error`
/// names the event and field at fault.
///
/// # Safety
/// `events` must be valid for reads of `len` structs whose string views are
/// valid for reads of their lengths; `out_buffer` must be NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_order_events_encode(
    events: *const BarterOrderEvent,
    len: usize,
    format: u32,
    out_buffer: *mut *mut BarterBuffer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        let format = BarterJsonFormat::from_raw(format)?;
        let events = unsafe { input_slice(events, len, "events") }?;
        // SAFETY: per this function's contract.
        let bytes = unsafe { encode::<IndexedOrderEvent>(events, format) }?;
        *out_buffer = buffer::into_raw(bytes);
        Ok(())
    })
}
