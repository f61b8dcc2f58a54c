//! Bounds on what the boundary accepts. Inputs beyond them are rejected with
//! `BarterStatus::LimitExceeded` before they are parsed or read.
//!
//! The three size limits are process-wide settings, read with
//! `barter_limits_get` and changed with `barter_limits_set`; the `BARTER_MAX_*`
//! constants are their defaults.
//!
//! Nesting needs no limit of its own: every barter type has a fixed shape, so
//! the parser descends only as deep as that shape and fails at the first
//! value that does not fit it; unknown fields are skipped by serde_json
//! without recursion, at any depth. serde_json's recursion limit (128) stays
//! as a backstop. Deeply nested input therefore costs no stack, and memory
//! and time only in proportion to its size.

use crate::status::{ffi_call, out_param, BarterStatus, FfiError};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Default of `BarterLimits.max_input_bytes`: the largest JSON input one
/// decode call accepts (1 GiB).
pub const BARTER_MAX_INPUT_BYTES: usize = 1_073_741_824;

/// Default of `BarterLimits.max_string_bytes`: the largest single string
/// field (ids, names, error messages), decoded or encoded: 1 MiB. Real ids
/// are a few dozen bytes; anything this large is a corrupted or hostile input.
pub const BARTER_MAX_STRING_BYTES: usize = 1_048_576;

/// Default of `BarterLimits.max_events_per_call`: the largest number of
/// items one encode call accepts.
pub const BARTER_MAX_EVENTS_PER_CALL: usize = 16_777_216;

/// The process-wide size limits (see `barter_limits_get`/`barter_limits_set`).
/// Every field is at least 1 and at most `PTRDIFF_MAX`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarterLimits {
    /// Largest JSON input of one decode call, in bytes.
    pub max_input_bytes: usize,
    /// Largest string field, in UTF-8 bytes, decoded or encoded.
    pub max_string_bytes: usize,
    /// Largest number of items one encode call accepts.
    pub max_events_per_call: usize,
}

/// The limits a process starts with: the `BARTER_MAX_*` constants.
impl Default for BarterLimits {
    fn default() -> Self {
        BarterLimits {
            max_input_bytes: BARTER_MAX_INPUT_BYTES,
            max_string_bytes: BARTER_MAX_STRING_BYTES,
            max_events_per_call: BARTER_MAX_EVENTS_PER_CALL,
        }
    }
}

impl BarterLimits {
    fn validate(&self) -> Result<(), FfiError> {
        let fields = [
            ("max_input_bytes", self.max_input_bytes),
            ("max_string_bytes", self.max_string_bytes),
            ("max_events_per_call", self.max_events_per_call),
        ];
        for (name, value) in fields {
            if value == 0 || value > isize::MAX as usize {
                return Err(FfiError::invalid(format!(
                    "{name} is {value}, expected 1..={}",
                    isize::MAX
                )));
            }
        }
        Ok(())
    }
}

// One atomic per limit: a call running while the limits change sees each
// limit either before or after the change.
static MAX_INPUT_BYTES: AtomicUsize = AtomicUsize::new(BARTER_MAX_INPUT_BYTES);
static MAX_STRING_BYTES: AtomicUsize = AtomicUsize::new(BARTER_MAX_STRING_BYTES);
static MAX_EVENTS_PER_CALL: AtomicUsize = AtomicUsize::new(BARTER_MAX_EVENTS_PER_CALL);

/// The limits in force now.
pub fn current() -> BarterLimits {
    BarterLimits {
        max_input_bytes: MAX_INPUT_BYTES.load(Ordering::Relaxed),
        max_string_bytes: MAX_STRING_BYTES.load(Ordering::Relaxed),
        max_events_per_call: MAX_EVENTS_PER_CALL.load(Ordering::Relaxed),
    }
}

fn over(what: &str, len: usize, unit: &str, limit: usize, field: &str) -> FfiError {
    FfiError::new(
        BarterStatus::LimitExceeded,
        format!("{what} is {len} {unit}, over the limit of {limit} {unit} (BarterLimits.{field})"),
    )
}

pub(crate) fn check_input_len(len: usize) -> Result<(), FfiError> {
    let limit = MAX_INPUT_BYTES.load(Ordering::Relaxed);
    if len > limit {
        return Err(over("input", len, "bytes", limit, "max_input_bytes"));
    }
    Ok(())
}

pub(crate) fn check_string_len(len: usize) -> Result<(), FfiError> {
    let limit = MAX_STRING_BYTES.load(Ordering::Relaxed);
    if len > limit {
        return Err(over("string", len, "bytes", limit, "max_string_bytes"));
    }
    Ok(())
}

pub(crate) fn check_events_len(len: usize) -> Result<(), FfiError> {
    let limit = MAX_EVENTS_PER_CALL.load(Ordering::Relaxed);
    if len > limit {
        return Err(over("input", len, "items", limit, "max_events_per_call"));
    }
    Ok(())
}

/// Writes the process-wide limits in force to `out`.
///
/// # Safety
/// `out` must be NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_limits_get(out: *mut BarterLimits) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        *unsafe { out_param(out, "out") }? = current();
        Ok(())
    })
}

/// Replaces the process-wide limits with `*limits` after checking every
/// field (1..=PTRDIFF_MAX); on failure nothing changes. Calls already running
/// may still use the old values. Pass the `BARTER_MAX_*` defaults to restore
/// them.
///
/// # Safety
/// `limits` must be NULL or valid for reads.
#[no_mangle]
pub unsafe extern "C" fn barter_limits_set(limits: *const BarterLimits) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let limits = unsafe { limits.as_ref() }.ok_or_else(|| FfiError::null("limits"))?;
        limits.validate()?;
        MAX_INPUT_BYTES.store(limits.max_input_bytes, Ordering::Relaxed);
        MAX_STRING_BYTES.store(limits.max_string_bytes, Ordering::Relaxed);
        MAX_EVENTS_PER_CALL.store(limits.max_events_per_call, Ordering::Relaxed);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_limits_are_refused_and_change_nothing() {
        let before = current();
        for bad in [
            BarterLimits {
                max_input_bytes: 0,
                ..BarterLimits::default()
            },
            BarterLimits {
                max_string_bytes: usize::MAX,
                ..BarterLimits::default()
            },
            BarterLimits {
                max_events_per_call: 0,
                ..BarterLimits::default()
            },
        ] {
            // SAFETY: a valid pointer.
            let status = unsafe { barter_limits_set(&bad) };
            assert_eq!(status, BarterStatus::InvalidArgument);
            assert_eq!(current(), before);
        }
        // SAFETY: NULL is allowed and refused.
        assert_eq!(
            unsafe { barter_limits_set(std::ptr::null()) },
            BarterStatus::NullPointer
        );
        assert_eq!(
            unsafe { barter_limits_get(std::ptr::null_mut()) },
            BarterStatus::NullPointer
        );
    }

    #[test]
    fn checks_pass_at_the_limit_and_fail_one_over() {
        // The process-wide limits are left at their defaults here, so this
        // test does not race with others that read them.
        let limits = current();
        assert!(check_input_len(limits.max_input_bytes).is_ok());
        let error = check_input_len(limits.max_input_bytes + 1).unwrap_err();
        assert_eq!(error.status, BarterStatus::LimitExceeded);
        assert_eq!(
            error.message,
            "input is 1073741825 bytes, over the limit of 1073741824 bytes \
             (BarterLimits.max_input_bytes)"
        );
        assert!(check_string_len(limits.max_string_bytes).is_ok());
        assert!(check_string_len(limits.max_string_bytes + 1).is_err());
        assert!(check_events_len(limits.max_events_per_call).is_ok());
        assert!(check_events_len(limits.max_events_per_call + 1).is_err());
    }
}
