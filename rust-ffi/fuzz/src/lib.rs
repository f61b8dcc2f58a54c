//! What the fuzz targets share: calls into the C ABI exactly as a C caller
//! makes them, and the oracle every result must satisfy.
//!
//! Besides "no crash, no leak, no sanitizer report" (libFuzzer and
//! AddressSanitizer check those), every call must:
//! - never return `BARTER_STATUS_PANIC` (libfuzzer-sys aborts on a panic
//!   anyway, even one the library would catch);
//! - on failure, leave the out-pointer NULL and a UTF-8 `barter_last_error`;
//! - on a successful decode, hand out views that point into the batch, and a
//!   batch that encodes, decodes again and encodes to the same bytes;
//! - on a successful encode, produce bytes that decode again and encode to
//!   the same bytes;
//! - a decode stream's batches together equal `barter_decode` of the whole
//!   input: the same items, line errors and failure;
//! - `barter_decode_one_into` equals `barter_decode` of one value: the same
//!   item or the same failure, whatever the size of the caller's buffer,
//!   and writes nothing past it.
//! - the System's calls and `barter_engine_json_normalize`: see `system`.

pub mod structs;
pub mod system;

// The integration tests' helpers: the same calls, made the same way.
#[path = "../../tests/common/mod.rs"]
mod common;
use common::{garbage, Failure};

use barter_ffi::abi::barter_last_error;
use barter_ffi::batch::{BarterLineError, BARTER_DECODE_COLLECT_ERRORS};
use barter_ffi::buffer::{barter_buffer_free, BarterBuffer};
use barter_ffi::ctypes::key::BarterKey;
use barter_ffi::ctypes::order_event::BarterOrderEvent;
use barter_ffi::ctypes::strings::BarterStr;
use barter_ffi::messages::{barter_batch_free, barter_encode, BarterBatch, BarterMessage};
use barter_ffi::order_events::{
    barter_order_event_batch_free, barter_order_events_decode, barter_order_events_encode,
    BarterOrderEventBatch,
};
use barter_ffi::status::BarterStatus;
use barter_ffi::stream::{
    barter_decode_stream_free, barter_decode_stream_new, barter_decode_stream_next,
    BarterDecodeStream,
};
use std::alloc::Layout;
use std::ffi::c_void;
use std::ptr::{null, null_mut};

pub const ONE: u32 = 1;
pub const ARRAY: u32 = 2;
pub const LINES: u32 = 3;
pub const COLLECT: u32 = BARTER_DECODE_COLLECT_ERRORS;

/// Reads a view handed out by the library (AddressSanitizer checks the read).
///
/// # Safety
/// `view` must be valid for reads of its length.
pub unsafe fn bytes_of<'a>(view: BarterStr) -> &'a [u8] {
    if view.len == 0 {
        return &[];
    }
    assert!(!view.ptr.is_null(), "a view with a length has no pointer");
    unsafe { std::slice::from_raw_parts(view.ptr, view.len) }
}

/// `barter_last_error` of this thread, checked to be UTF-8 and not empty.
pub fn last_error() -> String {
    let mut view = BarterStr {
        ptr: null(),
        len: 0,
    };
    assert_eq!(unsafe { barter_last_error(&mut view) }, BarterStatus::Ok);
    let text = std::str::from_utf8(unsafe { bytes_of(view) })
        .expect("barter_last_error is UTF-8")
        .to_owned();
    assert!(!text.is_empty(), "a failed call left no message");
    text
}

/// Checks a failed call: a real status, not a panic, and a message.
#[track_caller]
fn check_failure(status: BarterStatus, what: &str) {
    let message = last_error();
    assert_ne!(status, BarterStatus::Panic, "{what} panicked: {message}");
}

/// Asserts that `view` lies inside `strings` (the batch's own buffer).
fn assert_within(strings: BarterStr, view: BarterStr, field: &str) {
    if view.len == 0 {
        return;
    }
    let start = strings.ptr as usize;
    let (at, end) = (view.ptr as usize, view.ptr as usize + view.len);
    assert!(
        at >= start && end <= start + strings.len,
        "{field} points outside the batch's strings"
    );
}

fn check_key_within(strings: BarterStr, key: &BarterKey, field: &str) {
    assert_within(strings, key.name, field);
}

/// Checks the line errors of a batch: in order, each with a real status and
/// a UTF-8 message.
///
/// # Safety
/// `errors` must be valid for `len` line errors.
unsafe fn check_line_errors(errors: *const BarterLineError, len: usize, input: &[u8]) {
    if len == 0 {
        return;
    }
    let lines = 1 + input.iter().filter(|&&b| b == b'\n').count();
    let errors = unsafe { std::slice::from_raw_parts(errors, len) };
    let mut previous = 0;
    for error in errors {
        assert!(
            error.line > previous && error.line <= lines,
            "bad line number"
        );
        previous = error.line;
        assert!(
            (1..=6).contains(&error.status),
            "line error with status {}",
            error.status
        );
        std::str::from_utf8(unsafe { bytes_of(error.message) }).expect("UTF-8 line error");
    }
}

/// An owned buffer the library handed out (an encode, a drain, a summary),
/// freed on drop.
pub struct Buffer(*mut BarterBuffer);

impl Buffer {
    pub fn bytes(&self) -> &[u8] {
        let view = unsafe { &*self.0 };
        unsafe {
            bytes_of(BarterStr {
                ptr: view.data,
                len: view.len,
            })
        }
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        assert_eq!(unsafe { barter_buffer_free(&mut self.0) }, BarterStatus::Ok);
        assert!(self.0.is_null());
    }
}

/// An encode call; `None` when it failed (checked as a failure).
pub(crate) fn encoded(status: BarterStatus, out: *mut BarterBuffer, what: &str) -> Option<Buffer> {
    if status == BarterStatus::Ok {
        assert!(!out.is_null(), "{what} succeeded without a buffer");
        Some(Buffer(out))
    } else {
        assert!(out.is_null(), "{what} failed but left its out-pointer set");
        check_failure(status, what);
        None
    }
}

// --- barter_order_events_decode / _encode -------------------------------------------

/// Decodes `input` as order events, checks the batch, and returns the
/// re-encoded bytes (or `None` when the input was rejected).
pub fn order_events_decode(input: &[u8], format: u32, flags: u32) -> Option<Vec<u8>> {
    let mut batch: *mut BarterOrderEventBatch = garbage();
    let status = unsafe {
        barter_order_events_decode(input.as_ptr(), input.len(), format, flags, &mut batch)
    };
    if status != BarterStatus::Ok {
        assert!(
            batch.is_null(),
            "decode failed but left its out-pointer set"
        );
        check_failure(status, "barter_order_events_decode");
        return None;
    }
    assert!(!batch.is_null());
    let view = unsafe { &*batch };
    let events: &[BarterOrderEvent] = match view.len {
        0 => &[],
        len => unsafe { std::slice::from_raw_parts(view.events, len) },
    };
    if format == ONE {
        assert_eq!(
            events.len(),
            1,
            "format ONE decoded {} events",
            events.len()
        );
    }
    if flags & COLLECT == 0 {
        assert_eq!(
            view.errors_len, 0,
            "errors without BARTER_DECODE_COLLECT_ERRORS"
        );
    }
    unsafe { check_line_errors(view.errors, view.errors_len, input) };
    for event in events {
        let strings = view.strings;
        check_key_within(strings, &event.key.exchange, "key.exchange");
        check_key_within(strings, &event.key.instrument, "key.instrument");
        assert_within(strings, event.key.strategy, "key.strategy");
        assert_within(strings, event.key.cid, "key.cid");
        assert_within(strings, event.state.id, "state.id");
        check_key_within(strings, &event.state.error.key, "state.error.key");
        assert_within(strings, event.state.error.message, "state.error.message");
    }
    let bytes = order_events_encode(events, format)
        .unwrap_or_else(|| panic!("a decoded batch does not encode: {}", last_error()));
    let mut batch_copy = batch;
    assert_eq!(
        unsafe { barter_order_event_batch_free(&mut batch_copy) },
        BarterStatus::Ok
    );
    assert!(batch_copy.is_null());
    // A second free through the same (now NULL) pointer is a no-op.
    assert_eq!(
        unsafe { barter_order_event_batch_free(&mut batch_copy) },
        BarterStatus::Ok
    );
    Some(bytes)
}

/// Encodes C order events; the bytes, or `None` when they were rejected.
pub fn order_events_encode(events: &[BarterOrderEvent], format: u32) -> Option<Vec<u8>> {
    let mut out: *mut BarterBuffer = garbage();
    let status =
        unsafe { barter_order_events_encode(events.as_ptr(), events.len(), format, &mut out) };
    encoded(status, out, "barter_order_events_encode").map(|b| b.bytes().to_vec())
}

/// The round trip every accepted input must survive: the batch re-encodes,
/// that output decodes, and re-encodes to the same bytes.
pub fn check_order_events_decode(input: &[u8], format: u32, flags: u32) {
    let Some(first) = order_events_decode(input, format, flags) else {
        return;
    };
    let second = order_events_decode(&first, format, 0).unwrap_or_else(|| {
        panic!(
            "serde output does not decode: {}\n{}",
            last_error(),
            String::from_utf8_lossy(&first)
        )
    });
    assert_eq!(first, second, "encode is not stable over a round trip");
}

/// Checks an encode of C order events: when accepted, the output decodes
/// and re-encodes to itself.
pub fn check_order_events_encode(events: &[BarterOrderEvent], format: u32) {
    let Some(bytes) = order_events_encode(events, format) else {
        return;
    };
    let again = order_events_decode(&bytes, format, 0).unwrap_or_else(|| {
        panic!(
            "encoded events do not decode: {}\n{}",
            last_error(),
            String::from_utf8_lossy(&bytes)
        )
    });
    assert_eq!(bytes, again, "encode is not stable over a round trip");
}

// --- barter_decode / barter_encode ----------------------------------------------------

/// Decodes `input` as `message`/`keys`, checks the batch, and returns the
/// re-encoded bytes (or `None` when the input was rejected).
pub fn messages_decode(
    message: u32,
    keys: u32,
    input: &[u8],
    format: u32,
    flags: u32,
) -> Option<Vec<u8>> {
    let mut batch = match common::decode(message, keys, input, format, flags) {
        Ok(batch) => batch,
        Err(failure) => {
            checked(failure);
            return None;
        }
    };
    let view = unsafe { &*batch };
    assert_eq!((view.message, view.keys), (message, keys));
    if format == ONE {
        assert_eq!(view.len, 1);
    }
    unsafe { check_line_errors(view.errors, view.errors_len, input) };
    // SAFETY: the batch's items are valid structs of `message`.
    let bytes = unsafe { messages_encode(message, keys, view.items, view.len, format) }
        .unwrap_or_else(|| panic!("a decoded batch does not encode: {}", last_error()));
    assert_eq!(unsafe { barter_batch_free(&mut batch) }, BarterStatus::Ok);
    assert!(batch.is_null());
    assert_eq!(unsafe { barter_batch_free(&mut batch) }, BarterStatus::Ok);
    Some(bytes)
}

/// Encodes `len` C structs of `message`; the bytes, or `None` when rejected.
///
/// # Safety
/// `items` must be NULL or valid for reads of `len` structs of the type
/// `message` names, with valid views and arrays.
pub unsafe fn messages_encode(
    message: u32,
    keys: u32,
    items: *const c_void,
    len: usize,
    format: u32,
) -> Option<Vec<u8>> {
    let mut out: *mut BarterBuffer = garbage();
    let status = unsafe { barter_encode(message, keys, items, len, format, &mut out) };
    encoded(status, out, "barter_encode").map(|b| b.bytes().to_vec())
}

/// The round trip every accepted input must survive (see
/// `check_order_events_decode`).
pub fn check_messages_decode(message: u32, keys: u32, input: &[u8], format: u32, flags: u32) {
    let Some(first) = messages_decode(message, keys, input, format, flags) else {
        return;
    };
    let second = messages_decode(message, keys, &first, format, 0).unwrap_or_else(|| {
        panic!(
            "serde output does not decode: {}\n{}",
            last_error(),
            String::from_utf8_lossy(&first)
        )
    });
    assert_eq!(first, second, "encode is not stable over a round trip");
}

/// Checks an encode of C structs: when accepted, the output decodes and
/// re-encodes to itself. When `unreadable` (the items hold a value serde
/// cannot read back, see `Gen::serde_cannot_read_back`), the decode may
/// fail, but only with serde's message for that value.
///
/// # Safety
/// As for `messages_encode`.
pub unsafe fn check_messages_encode(
    message: u32,
    keys: u32,
    items: *const c_void,
    len: usize,
    format: u32,
    unreadable: bool,
) {
    // SAFETY: per this function's contract.
    let Some(bytes) = (unsafe { messages_encode(message, keys, items, len, format) }) else {
        return;
    };
    let Some(again) = messages_decode(message, keys, &bytes, format, 0) else {
        let error = last_error();
        let explained = SERDE_CANNOT_READ.iter().any(|m| error.contains(m));
        assert!(
            unreadable && explained,
            "encoded items do not decode: {error}\n{}",
            String::from_utf8_lossy(&bytes)
        );
        return;
    };
    assert_eq!(bytes, again, "encode is not stable over a round trip");
}

/// serde's messages for the values it writes but cannot read back.
const SERDE_CANNOT_READ: [&str; 2] = ["invalid type: null, expected f64", "missing field `side`"];

// --- barter_decode_stream_* -----------------------------------------------------------

/// A line error of a batch: status, line and message.
type LineError = (u32, usize, String);

/// What a decode produced: its items re-encoded as JSON lines, item counts
/// per batch, the line errors, and `sizeof` an item.
#[derive(Debug, Default)]
struct Decoded {
    items: Vec<u8>,
    lens: Vec<usize>,
    errors: Vec<LineError>,
    item_size: usize,
}

impl Decoded {
    /// Adds a batch (checked and encoded), then frees it.
    fn add(&mut self, mut batch: *mut BarterBatch, message: u32, keys: u32, input: &[u8]) {
        let view = unsafe { &*batch };
        assert_eq!((view.message, view.keys), (message, keys));
        unsafe { check_line_errors(view.errors, view.errors_len, input) };
        if view.errors_len > 0 {
            let errors = unsafe { std::slice::from_raw_parts(view.errors, view.errors_len) };
            self.errors.extend(errors.iter().map(|e| {
                let text = std::str::from_utf8(unsafe { bytes_of(e.message) }).unwrap();
                (e.status, e.line, text.to_owned())
            }));
        }
        // SAFETY: the batch's items are valid structs of `message`.
        let bytes = unsafe { messages_encode(message, keys, view.items, view.len, LINES) }
            .unwrap_or_else(|| panic!("a decoded batch does not encode: {}", last_error()));
        self.items.extend_from_slice(&bytes);
        self.lens.push(view.len);
        self.item_size = view.item_size;
        assert_eq!(unsafe { barter_batch_free(&mut batch) }, BarterStatus::Ok);
        assert!(batch.is_null());
    }
}

/// A failure checked as every failure must be: a real status, not a panic,
/// and a message.
fn checked(failure: Failure) -> Failure {
    let Failure { status, message } = &failure;
    assert_ne!(*status, BarterStatus::Panic, "panicked: {message}");
    assert!(!message.is_empty(), "a failed call left no message");
    failure
}

pub(crate) fn failure(status: BarterStatus) -> Failure {
    checked(Failure {
        status,
        message: last_error(),
    })
}

/// `barter_decode` of the whole `input`, framed as `format`.
fn decode_whole(
    message: u32,
    keys: u32,
    input: &[u8],
    format: u32,
    flags: u32,
) -> Result<Decoded, Failure> {
    let batch = common::decode(message, keys, input, format, flags).map_err(checked)?;
    let mut decoded = Decoded::default();
    decoded.add(batch, message, keys, input);
    Ok(decoded)
}

/// The stream of `input`: refused at `new` (`Err`), or its batches and how
/// it ended (checked to repeat on later calls).
fn decode_streamed(
    message: u32,
    keys: u32,
    input: &[u8],
    flags: u32,
    batch_items: usize,
) -> Result<(Decoded, Result<(), Failure>), Failure> {
    let mut stream: *mut BarterDecodeStream = garbage();
    let status = unsafe {
        barter_decode_stream_new(
            message,
            keys,
            input.as_ptr(),
            input.len(),
            flags,
            batch_items,
            &mut stream,
        )
    };
    if status != BarterStatus::Ok {
        assert!(stream.is_null(), "new failed but left its out-pointer set");
        return Err(failure(status));
    }
    let next = || {
        let mut batch: *mut BarterBatch = garbage();
        let status = unsafe { barter_decode_stream_next(stream, &mut batch) };
        if status == BarterStatus::Ok {
            Ok((!batch.is_null()).then_some(batch))
        } else {
            assert!(batch.is_null(), "next failed but left its out-pointer set");
            Err(failure(status))
        }
    };
    let mut decoded = Decoded::default();
    let end = loop {
        match next() {
            Ok(Some(batch)) => decoded.add(batch, message, keys, input),
            Ok(None) => break Ok(()),
            Err(failure) => break Err(failure),
        }
    };
    match (&end, next()) {
        (Ok(()), Ok(None)) => {}
        (Err(first), Err(again)) => assert_eq!(first, &again, "the failure is not sticky"),
        (end, again) => panic!("the stream ended with {end:?}, then gave {again:?}"),
    }
    assert_eq!(
        unsafe { barter_decode_stream_free(&mut stream) },
        BarterStatus::Ok
    );
    assert!(stream.is_null());
    assert_eq!(
        unsafe { barter_decode_stream_free(&mut stream) },
        BarterStatus::Ok
    );
    Ok((decoded, end))
}

/// The line a failure of JSON lines input names ("line N ..."), if any.
fn failing_line(failure: &Failure) -> Option<usize> {
    let rest = failure.message.strip_prefix("line ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Decodes `input` (JSON lines of `message`/`keys`) with `barter_decode` and
/// with a stream of `batch_items`-item batches: a refusal of the stream is
/// `barter_decode`'s failure; otherwise the batches together hold the same
/// items and line errors, every batch but the last is full, and a failure is
/// `barter_decode`'s, after exactly the items before the bad line.
pub fn check_decode_stream(message: u32, keys: u32, input: &[u8], flags: u32, batch_items: usize) {
    let whole = decode_whole(message, keys, input, LINES, flags);
    let (streamed, end) = match decode_streamed(message, keys, input, flags, batch_items) {
        Ok(streamed) => streamed,
        Err(refused) => {
            assert_eq!(
                whole.err(),
                Some(refused),
                "new refused what decode accepts"
            );
            return;
        }
    };
    if let Some((_, full)) = streamed.lens.split_last() {
        assert!(
            full.iter().all(|&len| len == batch_items),
            "{:?}",
            streamed.lens
        );
    }
    assert!(streamed.lens.iter().all(|&len| len <= batch_items));
    match whole {
        Ok(whole) => {
            assert_eq!(end, Ok(()));
            assert_eq!(streamed.items, whole.items, "the items differ");
            assert_eq!(streamed.errors, whole.errors, "the line errors differ");
            if let Some(&last) = streamed.lens.last() {
                assert!(last > 0 || !streamed.errors.is_empty(), "an empty batch");
            }
        }
        Err(failure) => {
            assert_eq!(end.as_ref().err(), Some(&failure), "the failures differ");
            assert!(streamed.errors.is_empty());
            let line = failing_line(&failure)
                .unwrap_or_else(|| panic!("a stream failure names no line: {failure:?}"));
            // Up to and with the newline that ends line `line - 1`.
            let mut newlines = input.iter().enumerate().filter(|(_, &b)| b == b'\n');
            let before = match line.checked_sub(2).and_then(|n| newlines.nth(n)) {
                Some((at, _)) => &input[..=at],
                None => &[],
            };
            let before = decode_whole(message, keys, before, LINES, flags)
                .unwrap_or_else(|f| panic!("the lines before the bad one fail: {f:?}"));
            assert_eq!(
                streamed.items, before.items,
                "not the items before the bad line"
            );
        }
    }
}

// --- barter_decode_one_into -----------------------------------------------------------

/// Caller memory of exactly `len` bytes (so AddressSanitizer reports any
/// access past it), aligned for every item; NULL when `len` is 0.
struct Exact {
    ptr: *mut u8,
    layout: Layout,
}

impl Exact {
    fn new(len: usize) -> Exact {
        let layout = Layout::from_size_align(len, 16).expect("a small buffer");
        let ptr = match len {
            0 => null_mut(),
            // SAFETY: the layout's size is not 0.
            _ => unsafe { std::alloc::alloc(layout) },
        };
        assert!(len == 0 || !ptr.is_null(), "out of memory");
        Exact { ptr, layout }
    }
}

impl Drop for Exact {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: allocated in `new` with this layout.
            unsafe { std::alloc::dealloc(self.ptr, self.layout) };
        }
    }
}

/// `barter_decode_one_into` into `out`: the outcome, `*out_used`, and (on
/// success) the item re-encoded as a JSON line.
fn decode_one_into(
    message: u32,
    keys: u32,
    input: &[u8],
    out: &Exact,
) -> (Result<Vec<u8>, Failure>, usize) {
    let (outcome, used) =
        common::decode_one_into(message, keys, input, out.ptr.cast(), out.layout.size());
    if let Err(failure) = outcome {
        return (Err(checked(failure)), used);
    }
    // SAFETY: on success `out` holds a valid item of `message`.
    let json = unsafe { messages_encode(message, keys, out.ptr.cast(), 1, LINES) }
        .unwrap_or_else(|| panic!("a decoded item does not encode: {}", last_error()));
    (Ok(json), used)
}

/// Decodes `input` with `barter_decode_one_into`: first a size query (NULL,
/// 0), then into a buffer whose size `pick` chooses (below 64: 1 to 64
/// bytes short of the size needed, where the last strings and arrays are
/// the ones that overflow; below 128: that many 64ths of it, less 64; from
/// 128 on: up to 127 bytes more), then, when that was too small, at the
/// size reported. Every call must
/// agree with `barter_decode` of one value: the same failure, with
/// `*out_used` 0; or `BARTER_STATUS_BUFFER_TOO_SMALL` with the one exact
/// size; or success with that size and the same item.
pub fn check_decode_one_into(message: u32, keys: u32, input: &[u8], pick: u8) {
    let expected = decode_whole(message, keys, input, ONE, 0);
    let (query, needed) = decode_one_into(message, keys, input, &Exact::new(0));
    let expected = match (expected, &query) {
        (Err(expected), Err(failure)) => {
            assert_eq!(failure, &expected, "the failures differ");
            assert_eq!(needed, 0, "a failure set out_used");
            return;
        }
        (Ok(expected), Err(_)) => expected,
        (expected, query) => panic!("expected {expected:?}, got {query:?} in 0 bytes"),
    };
    let is_sized = |len: usize, (outcome, used): (Result<Vec<u8>, Failure>, usize)| {
        assert_eq!(used, needed, "out_used in {len} bytes");
        match outcome {
            Ok(json) => {
                assert!(len >= needed, "an item fit in {len} < {needed} bytes");
                assert_eq!(json, expected.items, "the items differ");
            }
            Err(failure) => {
                assert!(len < needed, "{failure:?} in {len} >= {needed} bytes");
                assert_eq!(failure.status, BarterStatus::BufferTooSmall);
                let message = format!("out_len is {len} bytes; this item needs {needed}");
                assert_eq!(failure.message, message);
            }
        }
    };
    is_sized(0, (query, needed));
    assert!(needed >= expected.item_size);
    // Decoded strings are never longer than their JSON; only the account
    // messages and market items (order book levels) hold arrays, which may be.
    let with_arrays = [
        BarterMessage::AccountSnapshot,
        BarterMessage::AccountEvent,
        BarterMessage::MarketStreamEvent,
        BarterMessage::MarketStreamResult,
    ];
    if !with_arrays.iter().any(|&m| m as u32 == message) {
        let bound = expected.item_size + input.len();
        assert!(
            needed <= bound,
            "{needed} bytes, over the documented {bound}"
        );
    }
    let pick = usize::from(pick);
    let len = match pick {
        0..64 => needed.saturating_sub(1 + pick),
        64..128 => needed * (pick - 64) / 64,
        _ => needed + pick - 128,
    };
    is_sized(len, decode_one_into(message, keys, input, &Exact::new(len)));
    if len < needed {
        is_sized(
            needed,
            decode_one_into(message, keys, input, &Exact::new(needed)),
        );
    }
}
