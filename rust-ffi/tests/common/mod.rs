//! Helpers every integration test binary uses to call the library as a C
//! caller does: reading views, the last error, and failures. The fuzz crate
//! compiles this file too (`#[path]`), so its calls are made the same way.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use barter_ffi::abi::barter_last_error;
use barter_ffi::ctypes::strings::BarterStr;
use barter_ffi::messages::{barter_decode, barter_decode_one_into, BarterBatch};
use barter_ffi::status::BarterStatus;
use std::ffi::c_void;
use std::ptr::{null, NonNull};

/// A failed call: its status and the text of `barter_last_error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: BarterStatus,
    pub message: String,
}

impl Failure {
    /// Asserts the status and that the message mentions every one of `parts`.
    #[track_caller]
    pub fn expect(&self, status: BarterStatus, parts: &[&str]) {
        assert_eq!(self.status, status, "message: {}", self.message);
        for part in parts {
            assert!(
                self.message.contains(part),
                "{:?} does not contain {part:?}",
                self.message
            );
        }
    }
}

/// Reads a view handed out by the library.
///
/// # Safety
/// `view` must be valid for reads of its length.
pub unsafe fn bytes_of(view: BarterStr) -> Vec<u8> {
    if view.len == 0 {
        return Vec::new();
    }
    assert!(!view.ptr.is_null());
    unsafe { std::slice::from_raw_parts(view.ptr, view.len) }.to_vec()
}

/// `barter_last_error` of this thread, copied.
pub fn last_error() -> String {
    let mut view = BarterStr {
        ptr: null(),
        len: 0,
    };
    assert_eq!(unsafe { barter_last_error(&mut view) }, BarterStatus::Ok);
    String::from_utf8(unsafe { bytes_of(view) }).expect("last error is UTF-8")
}

/// Turns a status into `Ok` or the failure with its message.
pub fn check(status: BarterStatus) -> Result<(), Failure> {
    match status {
        BarterStatus::Ok => Ok(()),
        status => Err(Failure {
            status,
            message: last_error(),
        }),
    }
}

/// A pointer that is not NULL, to see out-parameters reset on failure. It is
/// only ever overwritten, never read through.
pub fn garbage<T>() -> *mut T {
    NonNull::dangling().as_ptr()
}

/// `barter_decode`: the batch (the caller frees it), or the failure, with
/// the out-pointer checked to be reset.
pub fn decode(
    message: u32,
    keys: u32,
    input: &[u8],
    format: u32,
    flags: u32,
) -> Result<*mut BarterBatch, Failure> {
    let mut batch: *mut BarterBatch = garbage();
    let status = unsafe {
        barter_decode(
            message,
            keys,
            input.as_ptr(),
            input.len(),
            format,
            flags,
            &mut batch,
        )
    };
    match check(status) {
        Ok(()) => Ok(batch),
        Err(failure) => {
            assert!(batch.is_null(), "out_batch must be NULL after a failure");
            Err(failure)
        }
    }
}

/// `barter_decode_one_into` into `out_len` bytes at `out`: the outcome and
/// `*out_used`.
pub fn decode_one_into(
    message: u32,
    keys: u32,
    input: &[u8],
    out: *mut c_void,
    out_len: usize,
) -> (Result<(), Failure>, usize) {
    let mut used = usize::MAX;
    let status = unsafe {
        barter_decode_one_into(
            message,
            keys,
            input.as_ptr(),
            input.len(),
            out,
            out_len,
            &mut used,
        )
    };
    (check(status), used)
}
