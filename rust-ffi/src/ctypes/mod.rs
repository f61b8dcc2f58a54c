//! The `#[repr(C)]` types of the ABI, each next to its conversions from and to
//! the barter type it mirrors.
//!
//! Tags cross the boundary as plain `u32` fields and are validated on the way
//! in; a Rust enum is never read from C memory. Tag values start at 1 so that
//! zeroed memory is never mistaken for a valid variant.

pub mod account;
pub mod arena;
pub mod decimal;
pub mod key;
pub mod market;
pub mod order;
pub mod order_error;
pub mod order_event;
pub mod order_result;
pub mod order_state;
pub mod request;
pub mod strings;
pub mod timestamp;

use crate::status::FfiError;
use arena::Arena;

/// Converts a barter value into its C form. String bytes are copied into
/// `arena`, which must outlive the returned struct.
pub trait ToC {
    type C;
    fn to_c(&self, arena: &mut Arena) -> Result<Self::C, FfiError>;
}

/// Builds a barter value from its C form, validating every tag and view.
pub trait FromC: Sized {
    type C;
    /// # Safety
    /// Every string view in `c` must be NULL or valid for reads of its length.
    unsafe fn from_c(c: &Self::C) -> Result<Self, FfiError>;
}

/// A C flag: 0 is false, 1 true; any other value is refused, named by
/// `field`.
pub(crate) fn flag(raw: impl Into<u32>, field: &str) -> Result<bool, FfiError> {
    match raw.into() {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(FfiError::invalid(format!(
            "{field} is {other}, expected 0 or 1"
        ))),
    }
}

/// Implements `from_raw`, the checked conversion from the `u32` that C writes
/// into a tag field. The tag enums are written out in full (cbindgen does not
/// expand macros); the exhaustive `match` below stops the build when a variant
/// is added to the enum but not to this list.
macro_rules! c_tag {
    ($name:ident { $($variant:ident),+ $(,)? }) => {
        impl $name {
            pub fn from_raw(raw: u32) -> Result<Self, crate::status::FfiError> {
                let _exhaustive = |tag: Self| match tag {
                    $( Self::$variant => (), )+
                };
                $( if raw == Self::$variant as u32 {
                    return Ok(Self::$variant);
                } )+
                Err(crate::status::FfiError::invalid(format!(
                    concat!("unknown ", stringify!($name), " value {}"),
                    raw
                )))
            }
        }
    };
}
pub(crate) use c_tag;
