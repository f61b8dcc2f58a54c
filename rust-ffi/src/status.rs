//! Status codes, the thread-local last error, and the panic barrier every
//! exported function runs behind.

use std::cell::RefCell;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Result of every exported function. The values are fixed forever: new codes
/// may be added, existing ones never change meaning.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterStatus {
    /// Success; out-parameters are filled.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullPointer = 1,
    /// An argument was out of range: an unknown tag, format or flag, a length
    /// that does not fit, or a C struct that does not describe a valid value.
    InvalidArgument = 2,
    /// Input bytes or a string view were not valid UTF-8.
    InvalidUtf8 = 3,
    /// The input was not well-formed JSON (syntax error or early end).
    InvalidJson = 4,
    /// Well-formed JSON that does not describe the expected barter type
    /// (unknown variant, wrong type, missing field, ...).
    InvalidData = 5,
    /// The input is larger than a configured limit.
    LimitExceeded = 6,
    /// Rust code panicked; the panic was caught at the boundary.
    Panic = 7,
    /// The result is valid but does not fit in the caller's buffer; the
    /// function's size out-parameter says how large a buffer it needs.
    BufferTooSmall = 8,
    /// The handle's System has stopped (shut down, or its engine ended on an
    /// unrecoverable error): it takes no more events.
    Closed = 9,
}

/// An error on its way to the C caller: a status plus a human-readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FfiError {
    pub status: BarterStatus,
    pub message: String,
}

impl FfiError {
    pub fn new(status: BarterStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub fn null(argument: &str) -> Self {
        Self::new(
            BarterStatus::NullPointer,
            format!("`{argument}` must not be NULL"),
        )
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(BarterStatus::InvalidArgument, message)
    }

    /// Prefix the message with where the problem was found, e.g. `key.cid`.
    pub fn at(mut self, location: impl fmt::Display) -> Self {
        self.message = format!("{location}: {}", self.message);
        self
    }
}

impl fmt::Display for FfiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// `map_err` helper that prefixes an error with where it was found.
pub(crate) fn at(location: &str) -> impl FnOnce(FfiError) -> FfiError + '_ {
    move |error| error.at(location)
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

// `try_with`, not `with`: during thread teardown (a C or Python thread-exit
// destructor calling in) the slot may be gone, and `with` would panic outside
// the panic barrier. The message is then dropped; the status still arrives.
fn set_last_error(message: &str) {
    let _ = LAST_ERROR.try_with(|last| {
        let mut last = last.borrow_mut();
        last.clear();
        last.push_str(message);
    });
}

/// Calls `f` with a view of this thread's last error message (empty while
/// the thread is being torn down).
pub(crate) fn with_last_error<R>(f: impl FnOnce(&str) -> R) -> R {
    let mut f = Some(f);
    let result = LAST_ERROR.try_with(|last| (f.take().expect("called once"))(&last.borrow()));
    match result {
        Ok(value) => value,
        Err(_) => (f.take().expect("not called yet"))(""),
    }
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned());
    format!("panic in barter-ffi: {detail}")
}

/// Runs the body of an exported function: catches panics, records the error
/// message for `barter_last_error`, and turns the outcome into a status.
///
/// No process-wide panic hook is installed; the default hook still prints the
/// panic to stderr, which is the host's business to configure.
pub(crate) fn ffi_call(body: impl FnOnce() -> Result<(), FfiError>) -> BarterStatus {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => BarterStatus::Ok,
        Ok(Err(error)) => {
            set_last_error(&error.message);
            error.status
        }
        Err(payload) => {
            set_last_error(&panic_message(payload.as_ref()));
            BarterStatus::Panic
        }
    }
}

/// Dereferences an out-parameter, or reports which one was NULL.
///
/// # Safety
/// `ptr` must be NULL or valid for writes of `T`.
pub(crate) unsafe fn out_param<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, FfiError> {
    // SAFETY: the caller promises `ptr` is NULL or valid for writes.
    unsafe { ptr.as_mut() }.ok_or_else(|| FfiError::null(name))
}

/// The first step of every `*_free(T **)`: takes the pointer out of `*slot`
/// and leaves NULL there, so a second free through the same variable is a
/// no-op. `None` when `slot` or `*slot` is NULL.
///
/// # Safety
/// `slot` must be NULL or valid for reads and writes.
pub(crate) unsafe fn take_owned<T>(slot: *mut *mut T) -> Option<*mut T> {
    // SAFETY: per this function's contract.
    let slot = unsafe { slot.as_mut() }?;
    let raw = std::mem::replace(slot, std::ptr::null_mut());
    (!raw.is_null()).then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_a_status_and_the_next_call_works() {
        let status = ffi_call(|| panic!("boom"));
        assert_eq!(status, BarterStatus::Panic);
        with_last_error(|m| assert_eq!(m, "panic in barter-ffi: boom"));
        assert_eq!(ffi_call(|| Ok(())), BarterStatus::Ok);
    }

    #[test]
    fn errors_keep_their_status_and_message() {
        let status = ffi_call(|| Err(FfiError::null("out").at("argument 2")));
        assert_eq!(status, BarterStatus::NullPointer);
        with_last_error(|m| assert_eq!(m, "argument 2: `out` must not be NULL"));
    }
}
