//! `barter_decode_one_into` called as a C caller calls it, checked against
//! `barter_decode` with `BARTER_JSON_FORMAT_ONE`: the same items (re-encoded
//! byte for byte), the same failures, and an item laid out inside the
//! caller's buffer with nothing written past what it reports.

use barter_ffi::buffer::{barter_buffer_free, BarterBuffer};
use barter_ffi::ctypes::account::{
    BarterAccountEvent, BarterAccountEventKind, BarterAccountSnapshot, BarterAssetBalance,
    BarterInstrumentSnapshot, BarterTrade,
};
use barter_ffi::ctypes::key::{BarterKey, BarterOrderKey};
use barter_ffi::ctypes::market::{BarterDataKind, BarterMarketStreamEvent, BarterMarketStreamKind};
use barter_ffi::ctypes::order::{BarterOrderResponseOpen, BarterOrderSnapshot};
use barter_ffi::ctypes::order_error::BarterOrderError;
use barter_ffi::ctypes::order_event::{
    BarterOrderEvent, BarterOrderRequestCancel, BarterOrderRequestOpen, BarterOrderResponseCancel,
};
use barter_ffi::ctypes::order_result::BarterOrderResult;
use barter_ffi::ctypes::order_state::BarterOrderState;
use barter_ffi::ctypes::strings::BarterStr;
use barter_ffi::json::BarterJsonFormat;
use barter_ffi::limits::BARTER_MAX_STRING_BYTES;
use barter_ffi::messages::{
    barter_batch_free, barter_decode_one_into, barter_encode, BarterKeys, BarterMessage,
};
use barter_ffi::samples::engine::{event_as_result, market_reprint_error, market_stream_events};
use barter_ffi::samples::messages;
use barter_ffi::status::BarterStatus;
use std::ffi::c_void;
use std::mem::{align_of, size_of};
use std::ptr::{null, null_mut};

mod common;
use common::{check, decode, decode_one_into, garbage, Failure};

const ONE: u32 = BarterJsonFormat::One as u32;
const ORDER_EVENT: u32 = BarterMessage::OrderEvent as u32;
const ACCOUNT_SNAPSHOT: u32 = BarterMessage::AccountSnapshot as u32;
const ACCOUNT_EVENT: u32 = BarterMessage::AccountEvent as u32;
const INDEXED: u32 = BarterKeys::Indexed as u32;
const CANARY: u8 = 0xA5;

/// What `barter_decode` with FORMAT_ONE makes of an input: the item
/// re-encoded, its size and its string bytes; or the failure.
#[derive(Debug, PartialEq, Eq)]
struct Reference {
    json: Vec<u8>,
    item_size: usize,
    string_bytes: usize,
}

fn encode_one(message: u32, keys: u32, item: *const c_void) -> Vec<u8> {
    let mut buffer: *mut BarterBuffer = garbage();
    let status = unsafe { barter_encode(message, keys, item, 1, ONE, &mut buffer) };
    check(status).expect("a decoded item encodes");
    let bytes = unsafe { std::slice::from_raw_parts((*buffer).data, (*buffer).len) }.to_vec();
    assert_eq!(unsafe { barter_buffer_free(&mut buffer) }, BarterStatus::Ok);
    bytes
}

fn decode_reference(message: u32, keys: u32, input: &[u8]) -> Result<Reference, Failure> {
    let mut batch = decode(message, keys, input, ONE, 0)?;
    let view = unsafe { &*batch };
    assert_eq!(view.len, 1);
    let reference = Reference {
        json: encode_one(message, keys, view.items),
        item_size: view.item_size,
        string_bytes: view.strings.len,
    };
    assert_eq!(unsafe { barter_batch_free(&mut batch) }, BarterStatus::Ok);
    Ok(reference)
}

/// A buffer aligned for every item, `CANARY` everywhere, with room past
/// the `len` bytes handed to the library to see that nothing lands there.
struct Region {
    words: Vec<u64>,
}

impl Region {
    fn new(len: usize) -> Region {
        let words = vec![u64::from_ne_bytes([CANARY; 8]); len / 8 + 8];
        Region { words }
    }

    fn ptr(&mut self) -> *mut c_void {
        self.words.as_mut_ptr().cast()
    }

    fn bytes(&self) -> &[u8] {
        let all = self.words.len() * 8;
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast(), all) }
    }

    /// Asserts that no byte from `from` on was written.
    #[track_caller]
    fn assert_untouched_from(&self, from: usize) {
        let written = self.bytes()[from..].iter().position(|&b| b != CANARY);
        assert_eq!(written, None, "a byte past {from} was written");
    }
}

/// A region of memory a view or array occupies, and its alignment.
#[derive(Debug, Clone, Copy)]
struct Span {
    at: usize,
    len: usize,
    align: usize,
}

/// Every non-empty string view and array an item points to.
#[derive(Default)]
struct Spans(Vec<Span>);

impl Spans {
    fn str(&mut self, view: BarterStr) {
        if view.len > 0 {
            self.0.push(Span {
                at: view.ptr as usize,
                len: view.len,
                align: 1,
            });
        }
    }

    fn array<T>(&mut self, ptr: *const T, len: usize) -> &'static [T] {
        if len == 0 {
            return &[];
        }
        self.0.push(Span {
            at: ptr as usize,
            len: len * size_of::<T>(),
            align: align_of::<T>(),
        });
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }

    fn key(&mut self, key: &BarterKey) {
        self.str(key.name);
    }

    fn order_key(&mut self, key: &BarterOrderKey) {
        self.key(&key.exchange);
        self.key(&key.instrument);
        self.str(key.strategy);
        self.str(key.cid);
    }

    fn error(&mut self, error: &BarterOrderError) {
        self.key(&error.key);
        self.str(error.message);
    }

    fn state(&mut self, state: &BarterOrderState) {
        self.str(state.id);
        self.error(&state.error);
    }

    fn result(&mut self, result: &BarterOrderResult) {
        self.str(result.id);
        self.error(&result.error);
    }

    fn order_snapshot(&mut self, order: &BarterOrderSnapshot) {
        self.order_key(&order.key);
        self.state(&order.state);
    }

    fn response_cancel(&mut self, response: &BarterOrderResponseCancel) {
        self.order_key(&response.key);
        self.result(&response.state);
    }

    fn trade(&mut self, trade: &BarterTrade) {
        self.str(trade.id);
        self.str(trade.order_id);
        self.key(&trade.instrument);
        self.str(trade.strategy);
        self.key(&trade.fees_asset);
    }

    fn balance(&mut self, balance: &BarterAssetBalance) {
        self.key(&balance.asset);
    }

    fn account_snapshot(&mut self, snapshot: &BarterAccountSnapshot) {
        self.key(&snapshot.exchange);
        for balance in self.array(snapshot.balances, snapshot.balances_len) {
            self.balance(balance);
        }
        let instruments: &[BarterInstrumentSnapshot] =
            self.array(snapshot.instruments, snapshot.instruments_len);
        for instrument in instruments {
            self.key(&instrument.instrument);
            for order in self.array(instrument.orders, instrument.orders_len) {
                self.order_snapshot(order);
            }
        }
    }

    /// # Safety
    /// `item` must be a valid market stream item whose views are valid.
    unsafe fn market(&mut self, item: &BarterMarketStreamEvent) {
        unsafe {
            match BarterMarketStreamKind::from_raw(item.kind).unwrap() {
                BarterMarketStreamKind::Reconnecting => self.key(&item.payload.exchange),
                BarterMarketStreamKind::Error => {
                    self.str(item.payload.error.message);
                    self.key(&item.payload.error.exchange);
                }
                BarterMarketStreamKind::Item => {
                    let event = &item.payload.event;
                    self.key(&event.exchange);
                    self.key(&event.instrument);
                    match BarterDataKind::from_raw(event.kind).unwrap() {
                        BarterDataKind::Trade => self.str(event.data.trade.id),
                        BarterDataKind::OrderBookSnapshot | BarterDataKind::OrderBookUpdate => {
                            let book = &event.data.book;
                            self.array(book.bids, book.bids_len);
                            self.array(book.asks, book.asks_len);
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// # Safety
    /// `item` must be a valid item of `message` whose views are valid.
    unsafe fn item(&mut self, message: u32, item: *const c_void) {
        use BarterMessage as M;
        unsafe {
            match BarterMessage::from_raw(message).unwrap() {
                M::OrderEvent => {
                    let item = &*item.cast::<BarterOrderEvent>();
                    self.order_key(&item.key);
                    self.state(&item.state);
                }
                M::OrderRequestOpen => {
                    self.order_key(&(*item.cast::<BarterOrderRequestOpen>()).key);
                }
                M::OrderRequestCancel => {
                    let item = &*item.cast::<BarterOrderRequestCancel>();
                    self.order_key(&item.key);
                    self.str(item.state.id);
                }
                M::OrderResponseCancel => {
                    self.response_cancel(&*item.cast::<BarterOrderResponseCancel>());
                }
                M::OrderSnapshot => self.order_snapshot(&*item.cast::<BarterOrderSnapshot>()),
                M::OrderResponseOpen => {
                    let item = &*item.cast::<BarterOrderResponseOpen>();
                    self.order_key(&item.key);
                    self.result(&item.state);
                }
                M::Trade => self.trade(&*item.cast::<BarterTrade>()),
                M::AssetBalance => self.balance(&*item.cast::<BarterAssetBalance>()),
                M::AccountSnapshot => self.account_snapshot(&*item.cast::<BarterAccountSnapshot>()),
                M::MarketStreamEvent | M::MarketStreamResult => {
                    self.market(&*item.cast::<BarterMarketStreamEvent>())
                }
                M::AccountEvent => {
                    let item = &*item.cast::<BarterAccountEvent>();
                    self.key(&item.exchange);
                    let payload = &item.payload;
                    match BarterAccountEventKind::from_raw(item.kind).unwrap() {
                        BarterAccountEventKind::Snapshot => {
                            self.account_snapshot(&payload.snapshot)
                        }
                        BarterAccountEventKind::BalanceSnapshot => self.balance(&payload.balance),
                        BarterAccountEventKind::OrderSnapshot => {
                            self.order_snapshot(&payload.order)
                        }
                        BarterAccountEventKind::OrderCancelled => {
                            self.response_cancel(&payload.cancelled)
                        }
                        BarterAccountEventKind::Trade => self.trade(&payload.trade),
                    }
                }
            }
        }
    }
}

/// Asserts that the item at `out` is laid out as documented: every view
/// and array after the struct and inside `out[0 .. used)`, each aligned,
/// packed in order with only alignment padding between them and nothing
/// after the last. Returns (string bytes, array count).
///
/// # Safety
/// `out` must hold a valid item of `message`.
unsafe fn assert_layout(
    message: u32,
    out: *const c_void,
    item_size: usize,
    used: usize,
) -> (usize, usize) {
    let mut spans = Spans::default();
    unsafe { spans.item(message, out) };
    let mut spans = spans.0;
    spans.sort_by_key(|span| span.at);
    let base = out as usize;
    let mut end = base + item_size;
    for span in &spans {
        assert_eq!(span.at % span.align, 0, "{span:?} is misaligned");
        assert!(span.at >= end, "{span:?} overlaps what is before it");
        assert!(
            span.at - end < span.align,
            "{span:?}: a gap that is not padding"
        );
        end = span.at + span.len;
    }
    assert_eq!(end, base + used, "out_used is not where the last view ends");
    let strings = spans.iter().filter(|s| s.align == 1).map(|s| s.len).sum();
    (strings, spans.iter().filter(|s| s.align > 1).count())
}

/// What `assert_like_decode` saw.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    needed: usize,
    arrays: usize,
    json: Vec<u8>,
}

/// Decodes `input` into a buffer of exactly the size the library asks for,
/// and checks it against `barter_decode`.
fn assert_like_decode(message: u32, keys: u32, input: &[u8], label: &str) -> Seen {
    let reference = decode_reference(message, keys, input)
        .unwrap_or_else(|f| panic!("{label}: barter_decode fails: {f:?}"));
    // The size query: NULL and 0.
    let (result, needed) = decode_one_into(message, keys, input, null_mut(), 0);
    let failure = result.expect_err("an item never fits in 0 bytes");
    failure.expect(
        BarterStatus::BufferTooSmall,
        &[&format!("out_len is 0 bytes; this item needs {needed}")],
    );
    let mut region = Region::new(needed);
    let (result, used) = decode_one_into(message, keys, input, region.ptr(), needed);
    result.unwrap_or_else(|f| panic!("{label}: the size asked for does not fit: {f:?}"));
    assert_eq!(used, needed, "{label}");
    region.assert_untouched_from(used);
    assert_eq!(
        encode_one(message, keys, region.ptr()),
        reference.json,
        "{label}"
    );
    let (strings, arrays) =
        unsafe { assert_layout(message, region.ptr(), reference.item_size, used) };
    assert_eq!(strings, reference.string_bytes, "{label}: string bytes");
    if arrays == 0 {
        assert_eq!(
            used,
            reference.item_size + reference.string_bytes,
            "{label}"
        );
    }
    if message != ACCOUNT_SNAPSHOT && message != ACCOUNT_EVENT {
        assert!(
            used <= reference.item_size + input.len(),
            "{label}: over the documented bound"
        );
    }
    Seen {
        needed,
        arrays,
        json: reference.json,
    }
}

#[test]
fn every_sample_decodes_into_the_callers_buffer_like_barter_decode() {
    let mut with_arrays = 0;
    for sample in messages() {
        let label = format!("{} {:?} {}", sample.message_name, sample.keys, sample.case);
        let (message, keys) = (sample.message as u32, sample.keys as u32);
        let seen = assert_like_decode(message, keys, sample.serde.as_bytes(), &label);
        assert_eq!(seen.json, sample.serde.as_bytes(), "{label}: serde's bytes");
        with_arrays += usize::from(seen.arrays > 0);
        // JSON whitespace around the value changes nothing but the bound.
        let padded = format!(" \n{}\r\n ", sample.serde);
        let padded = assert_like_decode(message, keys, padded.as_bytes(), &label);
        assert_eq!(padded, seen, "{label}");
    }
    assert!(with_arrays >= 4, "the samples lost their arrays");
}

#[test]
fn market_samples_decode_into_the_callers_buffer_like_barter_decode() {
    let mut count = 0;
    for (name, event) in market_stream_events() {
        if market_reprint_error(&event).is_some() {
            continue; // serde cannot read back its own JSON of it
        }
        let serde = serde_json::to_string(&event).unwrap();
        let result = serde_json::to_string(&event_as_result(event)).unwrap();
        for (message, json) in [
            (BarterMessage::MarketStreamEvent, &serde),
            (BarterMessage::MarketStreamResult, &result),
        ] {
            let label = format!("{message:?} {name}");
            let seen = assert_like_decode(message as u32, INDEXED, json.as_bytes(), &label);
            assert_eq!(seen.json, json.as_bytes(), "{label}: serde's bytes");
            count += 1;
        }
    }
    assert!(count >= 16, "the market samples shrank to {count}");
}

#[test]
fn arrays_after_strings_of_any_length_are_aligned() {
    // The samples' strings may happen to end on an aligned offset: lengthen
    // one that comes before the arrays by every amount up to the alignment.
    let with_arrays = messages().into_iter().filter(|s| {
        matches!(
            s.message,
            BarterMessage::AccountSnapshot | BarterMessage::AccountEvent
        )
    });
    for sample in with_arrays {
        for extra in 1..align_of::<BarterOrderSnapshot>() {
            let label = format!(
                "{} {:?} {} +{extra}",
                sample.message_name, sample.keys, sample.case
            );
            let cid = format!("\"cid\":\"{}", "x".repeat(extra));
            let json = sample.serde.replacen("\"cid\":\"", &cid, 1);
            let seen = assert_like_decode(
                sample.message as u32,
                sample.keys as u32,
                json.as_bytes(),
                &label,
            );
            assert_eq!(seen.json, json.as_bytes(), "{label}");
        }
    }
}

#[test]
fn every_smaller_buffer_is_too_small_and_says_the_exact_size() {
    for sample in messages() {
        let label = format!("{} {:?} {}", sample.message_name, sample.keys, sample.case);
        let (message, keys) = (sample.message as u32, sample.keys as u32);
        let json = sample.serde.as_bytes();
        let (_, needed) = decode_one_into(message, keys, json, null_mut(), 0);
        // Every size for most samples; the long ones by a stride and their
        // last bytes, where each array and string is the one that overflows.
        let step = (needed / 600).max(1);
        let sizes = (0..needed)
            .step_by(step)
            .chain(needed.saturating_sub(80)..needed);
        for len in sizes {
            let mut region = Region::new(len);
            let (result, used) = decode_one_into(message, keys, json, region.ptr(), len);
            result.unwrap_err().expect(
                BarterStatus::BufferTooSmall,
                &[&format!("out_len is {len} bytes; this item needs {needed}")],
            );
            assert_eq!(used, needed, "{label} in {len} bytes");
            region.assert_untouched_from(len);
        }
        // The retry at the size reported, and a larger buffer, succeed.
        for len in [needed, needed + 1, needed + 64] {
            let mut region = Region::new(len);
            let (result, used) = decode_one_into(message, keys, json, region.ptr(), len);
            result.unwrap_or_else(|f| panic!("{label} in {len} bytes: {f:?}"));
            assert_eq!(used, needed);
            region.assert_untouched_from(needed);
        }
    }
}

fn order_event_json() -> String {
    messages()
        .into_iter()
        .find(|s| s.message == BarterMessage::OrderEvent && s.keys == BarterKeys::Indexed)
        .unwrap()
        .serde
}

#[test]
fn inputs_barter_decode_rejects_fail_alike_whatever_the_buffer() {
    let good = order_event_json();
    let huge_cid = good.replacen(
        "\"cid\":\"",
        &format!("\"cid\":\"{}", "x".repeat(BARTER_MAX_STRING_BYTES)),
        1,
    );
    let bad_variant = good.replacen("\"state\":{\"", "\"state\":{\"Nope", 1);
    let cases: Vec<(u32, u32, Vec<u8>)> = vec![
        (ORDER_EVENT, INDEXED, b"{".to_vec()),
        (ORDER_EVENT, INDEXED, b"".to_vec()),
        (ORDER_EVENT, INDEXED, b" \n ".to_vec()),
        (ORDER_EVENT, INDEXED, format!("{good}{good}").into_bytes()),
        (ORDER_EVENT, INDEXED, format!("[{good}]").into_bytes()),
        (ORDER_EVENT, INDEXED, [good.as_bytes(), b"\xff"].concat()),
        (ORDER_EVENT, INDEXED, b"{\"key\":\"\xc3\x28\"}".to_vec()),
        (ORDER_EVENT, INDEXED, bad_variant.into_bytes()),
        (ORDER_EVENT, INDEXED, b"{\"key\":{}}".to_vec()),
        (ORDER_EVENT, INDEXED, huge_cid.into_bytes()),
        (ACCOUNT_SNAPSHOT, INDEXED, good.clone().into_bytes()),
        (99, INDEXED, good.clone().into_bytes()),
        (ORDER_EVENT, 3, good.clone().into_bytes()),
        (0, 0, b"\xff".to_vec()),
    ];
    for (message, keys, input) in cases {
        let expected = decode_reference(message, keys, &input).unwrap_err();
        assert_ne!(expected.status, BarterStatus::Panic);
        for len in [0, 16, 1 << 16] {
            let mut region = Region::new(len);
            let out = if len == 0 { null_mut() } else { region.ptr() };
            let (result, used) = decode_one_into(message, keys, &input, out, len);
            assert_eq!(result.unwrap_err(), expected, "in {len} bytes");
            assert_eq!(used, 0);
            region.assert_untouched_from(len);
        }
    }
}

#[test]
fn a_misaligned_buffer_is_refused_before_anything_is_written() {
    let good = order_event_json();
    let mut region = Region::new(4096);
    let misaligned = region.ptr().cast::<u8>().wrapping_add(1).cast::<c_void>();
    let (result, used) = decode_one_into(ORDER_EVENT, INDEXED, good.as_bytes(), misaligned, 4000);
    let align = align_of::<BarterOrderEvent>();
    result.unwrap_err().expect(
        BarterStatus::InvalidArgument,
        &[&format!(
            "`out` must be aligned to {align} bytes, the alignment of BarterOrderEvent"
        )],
    );
    assert_eq!(used, 0);
    region.assert_untouched_from(0);
}

#[test]
fn null_pointers_are_errors() {
    let good = order_event_json();
    let input = good.as_bytes();
    let (result, used) = decode_one_into(ORDER_EVENT, INDEXED, input, null_mut(), 8);
    result
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`out` must not be NULL"]);
    assert_eq!(used, 0);

    let mut region = Region::new(4096);
    let status = unsafe {
        barter_decode_one_into(
            ORDER_EVENT,
            INDEXED,
            input.as_ptr(),
            input.len(),
            region.ptr(),
            4096,
            null_mut(),
        )
    };
    check(status)
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`out_used` must not be NULL"]);
    region.assert_untouched_from(0);

    let mut used = usize::MAX;
    let status = unsafe {
        barter_decode_one_into(
            ORDER_EVENT,
            INDEXED,
            null(),
            5,
            region.ptr(),
            4096,
            &mut used,
        )
    };
    check(status)
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`input` must not be NULL"]);
    assert_eq!(used, 0);
}
