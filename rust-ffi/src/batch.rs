//! Decoding JSON into an owned batch of C structs. One allocation owns the
//! structs, the per-line errors and every string byte they point to; it is
//! released by exactly one free function. Or, for one value, into the
//! caller's memory, where nothing is allocated that outlives the call.

use crate::ctypes::arena::Arena;
use crate::ctypes::strings::BarterStr;
use crate::ctypes::{FromC, ToC};
use crate::json::{parse_each, serde_error, BarterJsonFormat, Origin};
use crate::limits::check_events_len;
use crate::limits::check_input_len;
use crate::status::{BarterStatus, FfiError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::mem::{align_of, size_of};

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
    pub arena: Arena,
    error_views: Vec<BarterLineError>,
}

impl<C> Decoded<C> {
    /// An empty batch whose arena holds the strings of `input_bytes` bytes
    /// of JSON: the input the items will be decoded from.
    pub(crate) fn with_capacity(input_bytes: usize) -> Self {
        Decoded {
            items: Vec::new(),
            errors: Vec::new(),
            arena: Arena::with_capacity(input_bytes),
            error_views: Vec::new(),
        }
    }

    /// Converts one parsed item to its C struct and keeps it. A bad item is
    /// kept as a line error under `collect_errors`, else it is returned and
    /// fails the decode. Every decode goes through here, so a stream's
    /// batches and a whole-input decode treat each item alike.
    pub(crate) fn push<T>(
        &mut self,
        origin: Origin,
        parsed: Result<T, FfiError>,
        collect_errors: bool,
    ) -> Result<(), FfiError>
    where
        T: ToC<C = C>,
    {
        let converted = parsed.and_then(|value| convert(&value, origin, &mut self.arena));
        match converted {
            Ok(item) => self.items.push(item),
            // An internal error is never a property of the line: it fails.
            Err(error) if collect_errors && error.status != BarterStatus::Panic => {
                self.errors.push((error, origin.line()));
            }
            Err(error) => return Err(error),
        }
        Ok(())
    }

    /// True when the batch has neither items nor line errors.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty() && self.errors.is_empty()
    }

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

/// Converts one parsed value to its C struct, its strings into `arena`.
pub(crate) fn convert<T: ToC>(
    value: &T,
    origin: Origin,
    arena: &mut Arena,
) -> Result<T::C, FfiError> {
    // Parse errors of a line already name it; conversion errors do not.
    value.to_c(arena).map_err(|e| e.at(origin.describe()))
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
    // Before sizing the arena from it: a length over the limit (or one that
    // does not match the buffer) must be refused, not allocated.
    check_input_len(input.len())?;
    let mut decoded = Decoded::with_capacity(input.len());
    parse_each::<T>(input, format, |origin, parsed| {
        decoded.push(origin, parsed, collect_errors)
    })?;
    Ok(decoded)
}

/// Parses `input` as one barter value of type `T` exactly as `decode` does
/// with `BarterJsonFormat::One` (same checks, parse and conversion, so the
/// same errors), and writes its C struct at `out`, followed by every string
/// and array it points to. Returns the bytes that takes; the item was
/// written only if that is at most `out_len`, else nothing past `out_len`
/// was touched and the count is the size of buffer to retry with.
///
/// # Safety
/// `out` must be NULL only if `out_len` is 0, else valid for writes of
/// `out_len` bytes, and not accessed otherwise during the call.
pub(crate) unsafe fn decode_into<T>(
    input: &[u8],
    out: *mut u8,
    out_len: usize,
) -> Result<usize, FfiError>
where
    T: DeserializeOwned + ToC,
{
    check_region(out, out_len, "out")?;
    let align = align_of::<T::C>();
    if !out.cast::<T::C>().is_aligned() {
        let name = std::any::type_name::<T::C>().rsplit("::").next();
        return Err(FfiError::invalid(format!(
            "`out` must be aligned to {align} bytes, the alignment of {}",
            name.unwrap_or("the item")
        )));
    }
    // SAFETY: per this function's contract, and `out` is aligned as checked.
    let mut arena = unsafe { Arena::borrowing(out, out_len, size_of::<T::C>(), align) };
    let mut item = None;
    parse_each::<T>(input, BarterJsonFormat::One, |origin, parsed| {
        item = Some(convert(&parsed?, origin, &mut arena)?);
        Ok(())
    })?;
    let item = item.expect("a successful parse of one value yields one item");
    let used = arena.used();
    if used <= out_len {
        // SAFETY: aligned, and `used` counts the struct's bytes at `out`
        // first, so they are inside the region; the arena wrote after them.
        unsafe { out.cast::<T::C>().write(item) };
    }
    Ok(used)
}

/// Checks a caller's region of `len` `T`s at `ptr`: NULL only when empty,
/// and no longer than any object can be.
fn check_region<T>(ptr: *const T, len: usize, name: &str) -> Result<(), FfiError> {
    if len == 0 {
        return Ok(());
    }
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    // No object spans more than isize::MAX bytes: a longer length is a lie,
    // and from_raw_parts with it would be undefined behaviour.
    if len > isize::MAX as usize / size_of::<T>().max(1) {
        return Err(FfiError::new(
            BarterStatus::LimitExceeded,
            format!("`{name}`: {len} items cannot fit in memory"),
        ));
    }
    Ok(())
}

/// # Safety
/// `ptr` must be NULL only if `len` is 0, else valid for reads of `len` `T`s.
pub(crate) unsafe fn input_slice<'a, T>(
    ptr: *const T,
    len: usize,
    name: &str,
) -> Result<&'a [T], FfiError> {
    check_region(ptr, len, name)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: checked non-NULL and, per the caller, valid for `len` items.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Validates C structs, builds the barter values and serialises them with
/// serde. The first invalid item fails the call, named by its index.
///
/// # Safety
/// Every string view and array inside `items` must be valid for reads.
pub(crate) unsafe fn encode<T: FromC + Serialize>(
    items: &[T::C],
    format: BarterJsonFormat,
) -> Result<Vec<u8>, FfiError> {
    check_events_len(items.len())?;
    let values = items
        .iter()
        .enumerate()
        // SAFETY: per this function's contract.
        .map(|(index, item)| unsafe { T::from_c(item) }.map_err(|e| e.at(format!("event {index}"))))
        .collect::<Result<Vec<_>, _>>()?;
    encode_json(&values, format)
}

fn encode_json<T: Serialize>(values: &[T], format: BarterJsonFormat) -> Result<Vec<u8>, FfiError> {
    match format {
        BarterJsonFormat::One => match values {
            [one] => serde_json::to_vec(one).map_err(serde_error),
            _ => Err(FfiError::invalid(format!(
                "BARTER_JSON_FORMAT_ONE needs exactly 1 value, got {}",
                values.len()
            ))),
        },
        BarterJsonFormat::Array => serde_json::to_vec(values).map_err(serde_error),
        BarterJsonFormat::Lines => {
            let mut out = Vec::new();
            for value in values {
                serde_json::to_writer(&mut out, value).map_err(serde_error)?;
                out.push(b'\n');
            }
            Ok(out)
        }
    }
}
