//! Decoding JSON into an owned batch of C structs. One allocation owns the
//! structs, the per-line errors and every string byte they point to; it is
//! released by exactly one free function.

use crate::ctypes::strings::{BarterStr, StringArena};
use crate::ctypes::ToC;
use crate::json::{parse_each, BarterJsonFormat};
use crate::status::{BarterStatus, FfiError};
use serde::de::DeserializeOwned;

/// Decode flag: with `BARTER_JSON_FORMAT_LINES`, a bad line is recorded in
/// the batch's `errors` and decoding goes on, instead of failing the call.
pub const BARTER_DECODE_COLLECT_ERRORS: u32 = 1;

const KNOWN_FLAGS: u32 = BARTER_DECODE_COLLECT_ERRORS;

/// A line of JSON lines input that could not be decoded.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterLineError {
    /// The `BarterStatus` the line would have failed with.
    pub status: u32,
    /// Set to zero.
    pub reserved: u32,
    /// 1-based line number in the input.
    pub line: usize,
    /// What was wrong, e.g. "line 3 column 40: unknown variant `Foo` ...".
    pub message: BarterStr,
}

/// Everything one decode produced, before it is handed to C.
pub(crate) struct Decoded<C> {
    pub items: Vec<C>,
    errors: Vec<(FfiError, usize)>,
    pub arena: StringArena,
    error_views: Vec<BarterLineError>,
}

impl<C> Decoded<C> {
    /// Views of the collected errors; the messages stay owned by `self`.
    pub fn line_errors(&mut self) -> &[BarterLineError] {
        self.error_views = self
            .errors
            .iter()
            .map(|(error, line)| BarterLineError {
                status: error.status as u32,
                reserved: 0,
                line: *line,
                message: BarterStr::borrowing(&error.message),
            })
            .collect();
        &self.error_views
    }
}

pub(crate) fn check_flags(format: BarterJsonFormat, flags: u32) -> Result<bool, FfiError> {
    if flags & !KNOWN_FLAGS != 0 {
        return Err(FfiError::invalid(format!(
            "unknown decode flags {flags:#x}"
        )));
    }
    let collect = flags & BARTER_DECODE_COLLECT_ERRORS != 0;
    if collect && format != BarterJsonFormat::Lines {
        return Err(FfiError::invalid(
            "BARTER_DECODE_COLLECT_ERRORS needs BARTER_JSON_FORMAT_LINES",
        ));
    }
    Ok(collect)
}

/// Parses `input` as barter values of type `T` and converts each to its C
/// struct. Without `collect_errors`, the first bad item fails the call with
/// a message that says where it was.
pub(crate) fn decode<T>(
    input: &[u8],
    format: BarterJsonFormat,
    collect_errors: bool,
) -> Result<Decoded<T::C>, FfiError>
where
    T: DeserializeOwned + ToC,
{
    let mut decoded = Decoded {
        items: Vec::new(),
        errors: Vec::new(),
        arena: StringArena::with_capacity(input.len()),
        error_views: Vec::new(),
    };
    parse_each::<T>(input, format, |origin, parsed| {
        // Parse errors of a line already name it; conversion errors do not.
        let converted = parsed.and_then(|value| {
            value
                .to_c(&mut decoded.arena)
                .map_err(|e| e.at(origin.describe()))
        });
        match converted {
            Ok(item) => decoded.items.push(item),
            Err(error) if collect_errors && error.status != BarterStatus::Panic => {
                decoded.errors.push((error, origin.line()));
            }
            Err(error) => return Err(error),
        }
        Ok(())
    })?;
    Ok(decoded)
}
