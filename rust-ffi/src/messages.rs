//! The exported functions for every barter type that crosses the ABI, chosen
//! by a `BarterMessage` and a `BarterKeys` value: JSON to an owned batch of C
//! structs (`barter_decode`), one JSON value into the caller's memory
//! (`barter_decode_one_into`), and C structs to JSON (`barter_encode`).

use crate::batch::{
    check_flags, decode, decode_into, encode, input_slice, BarterLineError, Decoded,
};
use crate::buffer::{self, BarterBuffer};
use crate::ctypes::strings::BarterStr;
use crate::ctypes::{c_tag, FromC, ToC};
use crate::json::BarterJsonFormat;
use crate::status::{ffi_call, out_param, take_owned, BarterStatus, FfiError};
use crate::stream::{self, Feed};
use barter_data::event::DataKind;
use barter_data::streams::consumer::{MarketStreamEvent, MarketStreamResult};
use barter_execution::balance::AssetBalance;
use barter_execution::error::OrderError;
use barter_execution::order::request::{OrderResponseCancel, RequestCancel, RequestOpen};
use barter_execution::order::state::{Open, OrderState};
use barter_execution::order::{Order, OrderEvent};
use barter_execution::trade::Trade;
use barter_execution::{AccountEvent, AccountSnapshot};
use barter_instrument::asset::name::AssetNameExchange;
use barter_instrument::asset::{AssetIndex, QuoteAsset};
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::instrument::name::InstrumentNameExchange;
use barter_instrument::instrument::InstrumentIndex;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::any::Any;
use std::ffi::c_void;
use std::mem::size_of;

/// A barter type, and the C struct its items use.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterMessage {
    /// `OrderEvent<OrderState>`: `BarterOrderEvent`.
    OrderEvent = 1,
    /// `OrderRequestOpen`: `BarterOrderRequestOpen`.
    OrderRequestOpen = 2,
    /// `OrderRequestCancel`: `BarterOrderRequestCancel`.
    OrderRequestCancel = 3,
    /// `OrderResponseCancel`: `BarterOrderResponseCancel`.
    OrderResponseCancel = 4,
    /// `Order<_, _, OrderState>`: `BarterOrderSnapshot`.
    OrderSnapshot = 5,
    /// `Order<_, _, Result<Open, OrderError>>`: `BarterOrderResponseOpen`.
    OrderResponseOpen = 6,
    /// `Trade<QuoteAsset, _>`: `BarterTrade`.
    Trade = 7,
    /// `AssetBalance<_>`: `BarterAssetBalance`.
    AssetBalance = 8,
    /// `AccountSnapshot`: `BarterAccountSnapshot`.
    AccountSnapshot = 9,
    /// `AccountEvent`: `BarterAccountEvent`.
    AccountEvent = 10,
    /// barter-data's `MarketStreamEvent<_, DataKind>`:
    /// `BarterMarketStreamEvent`.
    MarketStreamEvent = 11,
    /// barter-data's `MarketStreamResult<_, DataKind>`:
    /// `BarterMarketStreamEvent`.
    MarketStreamResult = 12,
}

c_tag!(BarterMessage {
    OrderEvent,
    OrderRequestOpen,
    OrderRequestCancel,
    OrderResponseCancel,
    OrderSnapshot,
    OrderResponseOpen,
    Trade,
    AssetBalance,
    AccountSnapshot,
    AccountEvent,
    MarketStreamEvent,
    MarketStreamResult
});

/// Which of barter's two key forms a message uses.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterKeys {
    /// `ExchangeIndex`, `AssetIndex`, `InstrumentIndex`: index keys.
    Indexed = 1,
    /// `ExchangeId`, `AssetNameExchange`, `InstrumentNameExchange`: name
    /// keys, as barter's execution clients and MockExchange emit them.
    Unindexed = 2,
}

c_tag!(BarterKeys { Indexed, Unindexed });

/// Decoded items of one `BarterMessage`. Every pointer in it, and every view
/// and array inside the items and errors, points into memory owned by the
/// batch: valid until `barter_batch_free`. Read-only.
#[repr(C)]
pub struct BarterBatch {
    /// The `BarterMessage` the items are.
    pub message: u32,
    /// The `BarterKeys` form of their keys.
    pub keys: u32,
    /// `len` C structs of the message's type, in input order.
    pub items: *const c_void,
    pub len: usize,
    /// `sizeof` one item.
    pub item_size: usize,
    /// Lines skipped under `BARTER_DECODE_COLLECT_ERRORS`, in input order.
    pub errors: *const BarterLineError,
    pub errors_len: usize,
    /// The one buffer all string views of the items point into.
    pub strings: BarterStr,
}

/// The allocation behind a batch; the public view comes first so the
/// pointer handed out is also the pointer to free.
#[repr(C)]
struct Owned {
    view: BarterBatch,
    storage: Box<dyn Any>,
}

/// A decoded batch in the allocation `barter_batch_free` frees, not yet
/// handed to C. Dropping it frees the batch.
pub(crate) struct BatchBox(Box<Owned>);

// SAFETY: a batch owns everything its pointers reach (items, arena, error
// messages) and shares none of it, and `new` only stores plain C structs:
// a decode stream builds it on its thread and hands it whole to the caller's.
unsafe impl Send for BatchBox {}

impl BatchBox {
    pub(crate) fn new<C: 'static>(mut decoded: Decoded<C>) -> BatchBox {
        let (errors, errors_len) = {
            let errors = decoded.line_errors();
            (errors.as_ptr(), errors.len())
        };
        let view = BarterBatch {
            message: 0,
            keys: 0,
            items: decoded.items.as_ptr().cast(),
            len: decoded.items.len(),
            item_size: size_of::<C>(),
            errors,
            errors_len,
            strings: decoded.arena.as_view(),
        };
        // Moving `decoded` moves no heap buffer, so the view stays valid.
        BatchBox(Box::new(Owned {
            view,
            storage: Box::new(decoded),
        }))
    }

    /// Hands the batch over to C, labelled with what it was decoded as.
    pub(crate) fn into_raw(mut self, message: u32, keys: u32) -> *mut BarterBatch {
        (self.0.view.message, self.0.view.keys) = (message, keys);
        Box::into_raw(self.0).cast()
    }
}

/// The functions of one concrete barter type, chosen once per call by
/// `codec`: the one table of message types every decode and encode uses.
#[derive(Clone, Copy)]
pub(crate) struct Codec {
    decode: fn(&[u8], BarterJsonFormat, bool) -> Result<BatchBox, FfiError>,
    decode_into: unsafe fn(&[u8], *mut u8, usize) -> Result<usize, FfiError>,
    encode: unsafe fn(*const c_void, usize, BarterJsonFormat) -> Result<Vec<u8>, FfiError>,
    /// The body of a decode stream's thread.
    pub(crate) stream: fn(Feed<'_>),
}

impl Codec {
    fn of<T>() -> Codec
    where
        T: DeserializeOwned + Serialize + ToC + FromC<C = <T as ToC>::C>,
        <T as ToC>::C: 'static,
    {
        Codec {
            decode: decode_as::<T>,
            decode_into: decode_into::<T>,
            encode: encode_as::<T>,
            stream: stream::produce::<T>,
        }
    }
}

fn decode_as<T>(input: &[u8], format: BarterJsonFormat, collect: bool) -> Result<BatchBox, FfiError>
where
    T: DeserializeOwned + ToC,
    T::C: 'static,
{
    decode::<T>(input, format, collect).map(BatchBox::new)
}

/// # Safety
/// `items` must be NULL only if `len` is 0, else valid for reads of `len`
/// structs of `T::C` whose views and arrays are valid.
unsafe fn encode_as<T: FromC + Serialize>(
    items: *const c_void,
    len: usize,
    format: BarterJsonFormat,
) -> Result<Vec<u8>, FfiError> {
    // SAFETY (both): per this function's contract.
    let items = unsafe { input_slice(items.cast::<T::C>(), len, "items") }?;
    unsafe { encode::<T>(items, format) }
}

/// One arm per message, for one key form; the match is exhaustive, so a new
/// `BarterMessage` does not build until it has a codec.
macro_rules! codec {
    ($message:expr, $E:ty, $A:ty, $I:ty) => {
        match $message {
            BarterMessage::OrderEvent => Codec::of::<OrderEvent<OrderState<$A, $I>, $E, $I>>(),
            BarterMessage::OrderRequestOpen => Codec::of::<OrderEvent<RequestOpen, $E, $I>>(),
            BarterMessage::OrderRequestCancel => Codec::of::<OrderEvent<RequestCancel, $E, $I>>(),
            BarterMessage::OrderResponseCancel => Codec::of::<OrderResponseCancel<$E, $A, $I>>(),
            BarterMessage::OrderSnapshot => Codec::of::<Order<$E, $I, OrderState<$A, $I>>>(),
            BarterMessage::OrderResponseOpen => {
                Codec::of::<Order<$E, $I, Result<Open, OrderError<$A, $I>>>>()
            }
            BarterMessage::Trade => Codec::of::<Trade<QuoteAsset, $I>>(),
            BarterMessage::AssetBalance => Codec::of::<AssetBalance<$A>>(),
            BarterMessage::AccountSnapshot => Codec::of::<AccountSnapshot<$E, $A, $I>>(),
            BarterMessage::AccountEvent => Codec::of::<AccountEvent<$E, $A, $I>>(),
            BarterMessage::MarketStreamEvent => Codec::of::<MarketStreamEvent<$I, DataKind>>(),
            BarterMessage::MarketStreamResult => Codec::of::<MarketStreamResult<$I, DataKind>>(),
        }
    };
}

/// The codec of `message` (a `BarterMessage`) with `keys` (a `BarterKeys`).
pub(crate) fn codec(message: u32, keys: u32) -> Result<Codec, FfiError> {
    let message = BarterMessage::from_raw(message)?;
    Ok(match BarterKeys::from_raw(keys)? {
        BarterKeys::Indexed => codec!(message, ExchangeIndex, AssetIndex, InstrumentIndex),
        BarterKeys::Unindexed => {
            codec!(
                message,
                ExchangeId,
                AssetNameExchange,
                InstrumentNameExchange
            )
        }
    })
}

/// Parses serde JSON of the barter type named by `message` (a
/// `BarterMessage`) with `keys` (a `BarterKeys`), framed as `format` (a
/// `BarterJsonFormat`), with `flags` (0 or `BARTER_DECODE_COLLECT_ERRORS`),
/// into a new batch at `*out_batch`.
///
/// `input` may be NULL when `input_len` is 0. The input is not retained.
/// On failure `*out_batch` is set to NULL and `barter_last_error` says why.
///
/// # Safety
/// `input` must be valid for reads of `input_len` bytes; `out_batch` must be
/// NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_decode(
    message: u32,
    keys: u32,
    input: *const u8,
    input_len: usize,
    format: u32,
    flags: u32,
    out_batch: *mut *mut BarterBatch,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_batch = unsafe { out_param(out_batch, "out_batch") }?;
        *out_batch = std::ptr::null_mut();
        let input = unsafe { input_slice(input, input_len, "input") }?;
        let codec = codec(message, keys)?;
        let format = BarterJsonFormat::from_raw(format)?;
        let collect = check_flags(format, flags)?;
        *out_batch = (codec.decode)(input, format, collect)?.into_raw(message, keys);
        Ok(())
    })
}

/// Parses one JSON value of the barter type `message` (a `BarterMessage`)
/// with `keys` (a `BarterKeys`) into the caller's memory: the item's C
/// struct at `out`, and right after it every string byte and array the
/// item points to, all inside `out[0 .. out_len)`. Nothing is allocated that
/// outlives the call and there is nothing to free: the item and its views
/// are valid as long as the caller keeps `out` unchanged.
///
/// The input is checked, parsed and converted exactly as `barter_decode`
/// with `BARTER_JSON_FORMAT_ONE` and no flags does: an input it rejects
/// fails here with the same status and `barter_last_error` message.
///
/// `*out_used` is set to 0 first. On success it is the number of bytes
/// written at `out` (struct, strings and arrays). If the item is valid but
/// needs more than `out_len` bytes, the result is
/// `BARTER_STATUS_BUFFER_TOO_SMALL` and `*out_used` is the exact size
/// needed: a retry with a buffer that large succeeds. The arguments are
/// checked first, then the input, then the size. `sizeof` the item plus
/// `input_len` bytes is always enough for items without arrays (all but
/// account snapshots, account events and order book market items), since a
/// decoded string is never longer than its JSON. On any failure,
/// the bytes of `out` are unspecified; none past `out_len` are touched.
///
/// `out` must be aligned to the item's C struct (`alignof`), else the
/// result is `BARTER_STATUS_INVALID_ARGUMENT`. `out` may be NULL only when
/// `out_len` is 0, to ask for the size; `input` may be NULL when
/// `input_len` is 0. The input is not retained.
///
/// # Safety
/// `input` must be valid for reads of `input_len` bytes; `out` must be
/// valid for writes of `out_len` bytes and not overlap `input`; `out_used`
/// must be NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_decode_one_into(
    message: u32,
    keys: u32,
    input: *const u8,
    input_len: usize,
    out: *mut c_void,
    out_len: usize,
    out_used: *mut usize,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_used = unsafe { out_param(out_used, "out_used") }?;
        *out_used = 0;
        let input = unsafe { input_slice(input, input_len, "input") }?;
        let codec = codec(message, keys)?;
        // SAFETY: per this function's contract.
        let used = unsafe { (codec.decode_into)(input, out.cast(), out_len) }?;
        *out_used = used;
        if used > out_len {
            return Err(FfiError::new(
                BarterStatus::BufferTooSmall,
                format!("out_len is {out_len} bytes; this item needs {used}"),
            ));
        }
        Ok(())
    })
}

/// Frees the batch `*batch` points to and sets `*batch` to NULL. Passing
/// NULL, or a pointer to NULL, does nothing.
///
/// # Safety
/// `*batch` must be NULL or a batch from `barter_decode` or
/// `barter_decode_stream_next` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn barter_batch_free(batch: *mut *mut BarterBatch) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { take_owned(batch) } {
            // SAFETY: `raw` came from `BatchBox::into_raw` and is freed once.
            drop(unsafe { Box::from_raw(raw.cast::<Owned>()) });
        }
        Ok(())
    })
}

/// Validates `len` C structs of the type `message` names (with `keys`),
/// builds the barter values and serialises them with serde as `format` into
/// a new buffer at `*out_buffer`. `BARTER_JSON_FORMAT_ONE` needs `len` 1.
/// `items` may be NULL when `len` is 0. On failure `*out_buffer` is set to
/// NULL and `barter_last_error` names the item and field at fault.
///
/// # Safety
/// `items` must be valid for reads of `len` structs of the message's type,
/// whose views and arrays are valid for reads; `out_buffer` must be NULL or
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_encode(
    message: u32,
    keys: u32,
    items: *const c_void,
    len: usize,
    format: u32,
    out_buffer: *mut *mut BarterBuffer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        let codec = codec(message, keys)?;
        let format = BarterJsonFormat::from_raw(format)?;
        // SAFETY: per this function's contract.
        let bytes = unsafe { (codec.encode)(items, len, format) }?;
        *out_buffer = buffer::into_raw(bytes);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::messages;

    fn decode_then_encode(message: u32, keys: u32, json: &[u8], format: u32) -> Vec<u8> {
        let mut batch = std::ptr::null_mut();
        // SAFETY: valid input and out-pointers; the batch is freed below.
        unsafe {
            let status = barter_decode(
                message,
                keys,
                json.as_ptr(),
                json.len(),
                format,
                0,
                &mut batch,
            );
            assert_eq!(
                status,
                BarterStatus::Ok,
                "{}",
                crate::status::with_last_error(str::to_owned)
            );
            let view = &*batch;
            let mut buffer = std::ptr::null_mut();
            let status = barter_encode(message, keys, view.items, view.len, format, &mut buffer);
            assert_eq!(
                status,
                BarterStatus::Ok,
                "{}",
                crate::status::with_last_error(str::to_owned)
            );
            let bytes = std::slice::from_raw_parts((*buffer).data, (*buffer).len).to_vec();
            crate::buffer::barter_buffer_free(&mut buffer);
            barter_batch_free(&mut batch);
            bytes
        }
    }

    #[test]
    fn every_sample_round_trips_through_c_both_ways() {
        for sample in messages() {
            let label = format!("{} {:?} {}", sample.message_name, sample.keys, sample.case);
            (sample.round_trip_c)().unwrap_or_else(|e| panic!("{label}: {e}"));
            let json = sample.serde.as_bytes();
            let back = decode_then_encode(sample.message as u32, sample.keys as u32, json, 1);
            assert_eq!(String::from_utf8(back).unwrap(), sample.serde, "{label}");
        }
    }

    #[test]
    fn each_message_group_round_trips_as_json_lines() {
        let samples = messages();
        for message in samples.iter().map(|s| (s.message, s.keys)) {
            let lines: String = samples
                .iter()
                .filter(|s| (s.message, s.keys) == message)
                .map(|s| format!("{}\n", s.serde))
                .collect();
            let back = decode_then_encode(message.0 as u32, message.1 as u32, lines.as_bytes(), 3);
            assert_eq!(String::from_utf8(back).unwrap(), lines);
        }
    }

    #[test]
    fn unknown_message_and_keys_are_rejected() {
        let mut batch = std::ptr::null_mut();
        // SAFETY: valid pointers.
        let status = unsafe { barter_decode(99, 1, b"{}".as_ptr(), 2, 1, 0, &mut batch) };
        assert_eq!(status, BarterStatus::InvalidArgument);
        crate::status::with_last_error(|m| assert_eq!(m, "unknown BarterMessage value 99"));
        // SAFETY: valid pointers.
        let status = unsafe { barter_decode(1, 3, b"{}".as_ptr(), 2, 1, 0, &mut batch) };
        assert_eq!(status, BarterStatus::InvalidArgument);
        crate::status::with_last_error(|m| assert_eq!(m, "unknown BarterKeys value 3"));
    }

    #[test]
    fn serde_rejections_surface_with_serde_messages() {
        let cases: [(BarterMessage, BarterKeys, &str, &str); 3] = [
            (
                BarterMessage::OrderEvent,
                BarterKeys::Unindexed,
                r#"{"key":{"exchange":"nasdaq","instrument":"X","strategy":"s","cid":"c"},"state":{"Inactive":"Expired"}}"#,
                "unknown variant `nasdaq`",
            ),
            (
                BarterMessage::OrderRequestOpen,
                BarterKeys::Indexed,
                r#"{"key":{"exchange":1,"instrument":1,"strategy":"s","cid":"c"},"state":{"side":"Buy","price":"1","quantity":"1","kind":"Limit","time_in_force":{"GoodUntilCancelled":{}}}}"#,
                "missing field `post_only`",
            ),
            (
                BarterMessage::OrderResponseCancel,
                BarterKeys::Indexed,
                r#"{"key":{"exchange":1,"instrument":1,"strategy":"s","cid":"c"},"state":{"Ok":{"id":"a","time_exchange":"2025-01-01T00:00:00Z"},"Err":{"Connectivity":"Timeout"}}}"#,
                "expected value",
            ),
        ];
        for (message, keys, json, expected) in cases {
            let mut batch = std::ptr::null_mut();
            // SAFETY: valid pointers.
            let status = unsafe {
                barter_decode(
                    message as u32,
                    keys as u32,
                    json.as_ptr(),
                    json.len(),
                    1,
                    0,
                    &mut batch,
                )
            };
            assert_ne!(status, BarterStatus::Ok, "{json}");
            crate::status::with_last_error(|m| assert!(m.contains(expected), "{m}"));
        }
    }
}
