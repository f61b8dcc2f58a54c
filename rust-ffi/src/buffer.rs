//! `BarterBuffer`: bytes produced by Rust (serialised JSON) and freed by Rust.

use crate::status::BarterStatus;
use crate::status::{ffi_call, take_owned};

/// Read-only view of an owned byte buffer. Free it with `barter_buffer_free`.
#[repr(C)]
pub struct BarterBuffer {
    pub data: *const u8,
    pub len: usize,
}

/// The allocation behind a `BarterBuffer`; the view comes first so the
/// pointer handed out is also the pointer to free.
#[repr(C)]
struct Owned {
    view: BarterBuffer,
    bytes: Vec<u8>,
}

pub(crate) fn into_raw(bytes: Vec<u8>) -> *mut BarterBuffer {
    let mut owned = Box::new(Owned {
        view: BarterBuffer {
            data: std::ptr::null(),
            len: 0,
        },
        bytes,
    });
    owned.view = BarterBuffer {
        data: owned.bytes.as_ptr(),
        len: owned.bytes.len(),
    };
    Box::into_raw(owned).cast()
}

/// Frees the buffer `*buffer` points to and sets `*buffer` to NULL. Passing
/// NULL, or a pointer to NULL, does nothing.
///
/// # Safety
/// `*buffer` must be NULL or a buffer from this library not yet freed.
#[no_mangle]
pub unsafe extern "C" fn barter_buffer_free(buffer: *mut *mut BarterBuffer) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { take_owned(buffer) } {
            // SAFETY: `raw` came from `into_raw` and is freed once.
            drop(unsafe { Box::from_raw(raw.cast::<Owned>()) });
        }
        Ok(())
    })
}
