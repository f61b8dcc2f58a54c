//! An exported function that panics on purpose, so bindings and tests can
//! watch the panic barrier at work from the outside.

use crate::batch::input_slice;
use crate::status::{ffi_call, BarterStatus};

/// TEST HOOK (`testing` builds only): panics inside the library with
/// `message` (`len` bytes; invalid UTF-8 is replaced) to show that no panic
/// crosses the C ABI. Returns `BARTER_STATUS_PANIC`, and `barter_last_error`
/// then reads "panic in barter-ffi: <message>"; the library stays usable. It
/// has no other effect, but Rust's default panic hook prints the panic to
/// stderr. `message` may be NULL when `len` is 0; NULL with another length
/// gives `BARTER_STATUS_NULL_POINTER` without panicking.
///
/// # Safety
/// `message` must be NULL or valid for reads of `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn barter_debug_panic(message: *const u8, len: usize) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let message = unsafe { input_slice(message, len, "message") }?;
        panic!("{}", String::from_utf8_lossy(message))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::with_last_error;

    #[test]
    fn panics_are_caught_and_the_next_call_works() {
        let message = "on purpose \u{e9}";
        // SAFETY: a valid view.
        let status = unsafe { barter_debug_panic(message.as_ptr(), message.len()) };
        assert_eq!(status, BarterStatus::Panic);
        with_last_error(|m| assert_eq!(m, "panic in barter-ffi: on purpose \u{e9}"));
        // SAFETY: NULL with a length is refused before any panic.
        let status = unsafe { barter_debug_panic(std::ptr::null(), 3) };
        assert_eq!(status, BarterStatus::NullPointer);
        with_last_error(|m| assert_eq!(m, "`message` must not be NULL"));
    }
}
