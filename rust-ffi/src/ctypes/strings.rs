//! `BarterStr`: a borrowed UTF-8 view (pointer + length, never NUL-terminated).

use crate::limits::check_string_len;
use crate::status::{BarterStatus, FfiError};
use std::ptr;

/// A UTF-8 string view: `len` bytes at `ptr`. May contain NUL. `ptr` may be
/// NULL only when `len` is 0. Who owns the bytes is stated where a view is
/// handed out.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterStr {
    pub ptr: *const u8,
    pub len: usize,
}

impl BarterStr {
    pub(crate) const EMPTY: BarterStr = BarterStr {
        ptr: ptr::null(),
        len: 0,
    };

    /// A view of `s`; the caller keeps `s` alive for as long as the view is used.
    pub fn borrowing(s: &str) -> Self {
        Self {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }

    /// Reads the view as `&str`, checking NULL, the length limit and UTF-8.
    ///
    /// # Safety
    /// When `ptr` is not NULL it must be valid for reads of `len` bytes for `'a`.
    pub unsafe fn as_str<'a>(&self) -> Result<&'a str, FfiError> {
        if self.len == 0 {
            return Ok("");
        }
        if self.ptr.is_null() {
            return Err(FfiError::invalid(format!(
                "string pointer is NULL but its length is {}",
                self.len
            )));
        }
        check_string_len(self.len)?;
        // SAFETY: non-NULL and, per the caller, valid for `len` bytes.
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr, self.len) };
        std::str::from_utf8(bytes).map_err(|e| {
            FfiError::new(
                BarterStatus::InvalidUtf8,
                format!("string is not valid UTF-8: {e}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_views_are_errors() {
        let null = BarterStr {
            ptr: std::ptr::null(),
            len: 3,
        };
        assert_eq!(
            unsafe { null.as_str() }.unwrap_err().status,
            BarterStatus::InvalidArgument
        );
        let bytes = [0xffu8, 0xfe];
        let bad = BarterStr {
            ptr: bytes.as_ptr(),
            len: 2,
        };
        assert_eq!(
            unsafe { bad.as_str() }.unwrap_err().status,
            BarterStatus::InvalidUtf8
        );
        assert_eq!(unsafe { BarterStr::EMPTY.as_str() }.unwrap(), "");
    }
}
