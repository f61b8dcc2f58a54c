//! Bounds on what the boundary accepts. Inputs beyond them are rejected with
//! `BarterStatus::LimitExceeded` before any large allocation happens.

use crate::status::{BarterStatus, FfiError};

/// Largest JSON input one decode call accepts (1 GiB).
pub const BARTER_MAX_INPUT_BYTES: usize = 1_073_741_824;

/// Largest single string field (ids, names, error messages): 1 MiB. Real ids
/// are a few dozen bytes; anything this large is a corrupted or hostile input.
pub const BARTER_MAX_STRING_BYTES: usize = 1_048_576;

/// Largest number of events one encode call accepts.
pub const BARTER_MAX_EVENTS_PER_CALL: usize = 16_777_216;

pub(crate) fn check_input_len(len: usize) -> Result<(), FfiError> {
    if len > BARTER_MAX_INPUT_BYTES {
        return Err(FfiError::new(
            BarterStatus::LimitExceeded,
            format!("input is {len} bytes, over the limit of {BARTER_MAX_INPUT_BYTES} bytes"),
        ));
    }
    Ok(())
}

pub(crate) fn check_string_len(len: usize) -> Result<(), FfiError> {
    if len > BARTER_MAX_STRING_BYTES {
        return Err(FfiError::new(
            BarterStatus::LimitExceeded,
            format!("string is {len} bytes, over the limit of {BARTER_MAX_STRING_BYTES} bytes"),
        ));
    }
    Ok(())
}
