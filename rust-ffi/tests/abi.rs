//! The exported functions called exactly as a C caller calls them: raw
//! pointers in, statuses and out-parameters back, `barter_last_error` for the
//! detail of every failure.

use barter_ffi::abi::{
    barter_abi_struct_layout, barter_abi_version, barter_last_error, barter_library_version,
    BarterAbiStruct, BARTER_ABI_VERSION,
};
use barter_ffi::batch::{BarterLineError, BARTER_DECODE_COLLECT_ERRORS};
use barter_ffi::buffer::{barter_buffer_free, BarterBuffer};
use barter_ffi::ctypes::decimal::BarterDecimal;
use barter_ffi::ctypes::key::{BarterKey, BarterOrderKey};
use barter_ffi::ctypes::order_error::BarterOrderError;
use barter_ffi::ctypes::order_event::{BarterOrderEvent, IndexedOrderEvent};
use barter_ffi::ctypes::order_state::BarterOrderState;
use barter_ffi::ctypes::strings::BarterStr;
use barter_ffi::ctypes::timestamp::BarterTimestamp;
use barter_ffi::ctypes::FromC;
use barter_ffi::json::BarterJsonFormat;
use barter_ffi::order_events::{
    barter_order_event_batch_free, barter_order_events_decode, barter_order_events_encode,
    BarterOrderEventBatch,
};
use barter_ffi::samples::order_events;
use barter_ffi::status::BarterStatus;
use barter_ffi::system::audit::BarterAuditStats;
use barter_ffi::system::filter::BarterInstrumentFilter;
use barter_ffi::system::BarterSystemOptions;
use std::mem::{align_of, size_of};
use std::ptr::{null, null_mut};

mod common;
use common::{bytes_of, check, garbage, last_error, Failure};

const ONE: u32 = BarterJsonFormat::One as u32;
const ARRAY: u32 = BarterJsonFormat::Array as u32;
const LINES: u32 = BarterJsonFormat::Lines as u32;
const COLLECT: u32 = BARTER_DECODE_COLLECT_ERRORS;

/// An owned batch, freed on drop (and checked to be NULL afterwards).
struct Batch(*mut BarterOrderEventBatch);

impl Batch {
    fn view(&self) -> &BarterOrderEventBatch {
        unsafe { &*self.0 }
    }

    fn events(&self) -> &[BarterOrderEvent] {
        let view = self.view();
        match view.len {
            0 => &[],
            len => unsafe { std::slice::from_raw_parts(view.events, len) },
        }
    }

    fn errors(&self) -> &[BarterLineError] {
        let view = self.view();
        match view.errors_len {
            0 => &[],
            len => unsafe { std::slice::from_raw_parts(view.errors, len) },
        }
    }

    /// The events read back into barter values through `FromC`.
    fn values(&self) -> Vec<IndexedOrderEvent> {
        self.events()
            .iter()
            .map(|event| unsafe { IndexedOrderEvent::from_c(event) }.expect("valid C event"))
            .collect()
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        assert_eq!(
            unsafe { barter_order_event_batch_free(&mut self.0) },
            BarterStatus::Ok
        );
        assert!(self.0.is_null(), "free must reset the caller's pointer");
    }
}

fn decode_bytes(input: &[u8], format: u32, flags: u32) -> Result<Batch, Failure> {
    let mut out: *mut BarterOrderEventBatch = garbage();
    let status =
        unsafe { barter_order_events_decode(input.as_ptr(), input.len(), format, flags, &mut out) };
    match check(status) {
        Ok(()) => {
            assert!(!out.is_null());
            Ok(Batch(out))
        }
        Err(failure) => {
            assert!(out.is_null(), "out_batch must be NULL after a failure");
            Err(failure)
        }
    }
}

fn decode(input: &str, format: u32) -> Result<Batch, Failure> {
    decode_bytes(input.as_bytes(), format, 0)
}

/// Decodes one JSON value that must be valid.
fn decode_one(json: &str) -> Batch {
    let batch = decode(json, ONE).unwrap_or_else(|f| panic!("decoding {json}: {f:?}"));
    assert_eq!(batch.view().len, 1);
    batch
}

fn decode_err(input: &[u8], format: u32, flags: u32) -> Failure {
    match decode_bytes(input, format, flags) {
        Ok(batch) => panic!("decode succeeded with {} events", batch.view().len),
        Err(failure) => failure,
    }
}

fn encode(events: &[BarterOrderEvent], format: u32) -> Result<Vec<u8>, Failure> {
    let mut out: *mut BarterBuffer = garbage();
    let status =
        unsafe { barter_order_events_encode(events.as_ptr(), events.len(), format, &mut out) };
    if let Err(failure) = check(status) {
        assert!(out.is_null(), "out_buffer must be NULL after a failure");
        return Err(failure);
    }
    let buffer = unsafe { &*out };
    let bytes = match buffer.len {
        0 => Vec::new(),
        len => unsafe { std::slice::from_raw_parts(buffer.data, len) }.to_vec(),
    };
    assert_eq!(unsafe { barter_buffer_free(&mut out) }, BarterStatus::Ok);
    assert!(out.is_null(), "free must reset the caller's pointer");
    Ok(bytes)
}

fn encode_err(events: &[BarterOrderEvent], format: u32) -> Failure {
    match encode(events, format) {
        Ok(bytes) => panic!("encode succeeded: {}", String::from_utf8_lossy(&bytes)),
        Err(failure) => failure,
    }
}

fn sample(name: &str) -> IndexedOrderEvent {
    order_events()
        .into_iter()
        .find(|(case, _)| *case == name)
        .unwrap_or_else(|| panic!("no sample {name}"))
        .1
}

fn sample_json(name: &str) -> String {
    serde_json::to_string(&sample(name)).unwrap()
}

/// Asserts a view points into the batch's string buffer (or is empty).
fn assert_in_strings(batch: &Batch, view: BarterStr, what: &str) {
    if view.len == 0 {
        return;
    }
    let strings = batch.view().strings;
    let start = strings.ptr as usize;
    let ptr = view.ptr as usize;
    assert!(
        ptr >= start && ptr + view.len <= start + strings.len,
        "{what} is outside the batch's strings"
    );
}

// ---------------------------------------------------------------------------
// Round trips of every sample.

#[test]
fn every_sample_decodes_to_an_equal_value_and_encodes_to_serde_text() {
    for (name, event) in order_events() {
        let json = serde_json::to_string(&event).unwrap();
        let batch = decode_one(&json);
        assert_eq!(batch.view().errors_len, 0, "{name}");
        assert_eq!(batch.values(), vec![event.clone()], "{name}");

        let c = &batch.events()[0];
        for (view, what) in [
            (c.key.strategy, "key.strategy"),
            (c.key.cid, "key.cid"),
            (c.state.id, "state.id"),
            (c.state.error.message, "state.error.message"),
            (c.state.error.key.name, "state.error.key.name"),
        ] {
            assert_in_strings(&batch, view, &format!("{name}: {what}"));
        }

        let events = batch.events();
        let one = encode(events, ONE).unwrap();
        assert_eq!(String::from_utf8(one).unwrap(), json, "{name} ONE");
        let array = encode(events, ARRAY).unwrap();
        assert_eq!(
            String::from_utf8(array).unwrap(),
            format!("[{json}]"),
            "{name} ARRAY"
        );
        let lines = encode(events, LINES).unwrap();
        assert_eq!(
            String::from_utf8(lines).unwrap(),
            format!("{json}\n"),
            "{name} LINES"
        );
    }
}

#[test]
fn all_samples_decode_at_once_as_array_and_as_lines() {
    let values: Vec<IndexedOrderEvent> = order_events().into_iter().map(|(_, e)| e).collect();

    let array = serde_json::to_string(&values).unwrap();
    let batch = decode(&array, ARRAY).unwrap();
    assert_eq!(batch.values(), values);
    assert_eq!(encode(batch.events(), ARRAY).unwrap(), array.as_bytes());

    let lines: String = values
        .iter()
        .map(|v| serde_json::to_string(v).unwrap() + "\n")
        .collect();
    let batch = decode(&lines, LINES).unwrap();
    assert_eq!(batch.values(), values);
    assert_eq!(batch.view().errors_len, 0);
    assert_eq!(encode(batch.events(), LINES).unwrap(), lines.as_bytes());
    assert_eq!(encode(batch.events(), ARRAY).unwrap(), array.as_bytes());
}

#[test]
fn lines_skip_blank_lines_and_accept_crlf() {
    let a = sample_json("open");
    let b = sample_json("expired");
    let input = format!("\n{a}\r\n  \n\r\n{b}");
    let batch = decode(&input, LINES).unwrap();
    assert_eq!(batch.values(), vec![sample("open"), sample("expired")]);
}

#[test]
fn empty_inputs_give_empty_batches_or_output_where_that_is_valid() {
    for input in ["", "\n\n", "[]"] {
        let format = if input == "[]" { ARRAY } else { LINES };
        let batch = decode(input, format).unwrap();
        assert_eq!(
            (batch.view().len, batch.view().errors_len),
            (0, 0),
            "{input:?}"
        );
    }
    // NULL input is allowed when its length is 0.
    let mut out: *mut BarterOrderEventBatch = garbage();
    let status = unsafe { barter_order_events_decode(null(), 0, LINES, 0, &mut out) };
    assert_eq!(status, BarterStatus::Ok);
    drop(Batch(out));

    assert_eq!(encode(&[], ARRAY).unwrap(), b"[]");
    assert_eq!(encode(&[], LINES).unwrap(), b"");
    let mut buffer: *mut BarterBuffer = garbage();
    let status = unsafe { barter_order_events_encode(null(), 0, ARRAY, &mut buffer) };
    assert_eq!(status, BarterStatus::Ok);
    assert_eq!(unsafe { (*buffer).len }, 2);
    assert_eq!(unsafe { barter_buffer_free(&mut buffer) }, BarterStatus::Ok);
}

// ---------------------------------------------------------------------------
// Decode errors.

#[test]
fn decode_rejects_null_pointers() {
    let json = sample_json("open");
    let status =
        unsafe { barter_order_events_decode(json.as_ptr(), json.len(), ONE, 0, null_mut()) };
    check(status)
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`out_batch` must not be NULL"]);

    let mut out: *mut BarterOrderEventBatch = garbage();
    let status = unsafe { barter_order_events_decode(null(), 5, ONE, 0, &mut out) };
    check(status)
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`input` must not be NULL"]);
    assert!(out.is_null());
}

#[test]
fn decode_rejects_unknown_formats_and_flags() {
    let json = sample_json("open");
    for format in [0, 4, 99] {
        decode_err(json.as_bytes(), format, 0).expect(
            BarterStatus::InvalidArgument,
            &[&format!("unknown BarterJsonFormat value {format}")],
        );
    }
    decode_err(json.as_bytes(), LINES, 2)
        .expect(BarterStatus::InvalidArgument, &["unknown decode flags 0x2"]);
    decode_err(json.as_bytes(), LINES, COLLECT | 0x8000_0000).expect(
        BarterStatus::InvalidArgument,
        &["unknown decode flags 0x80000001"],
    );
    for format in [ONE, ARRAY] {
        decode_err(json.as_bytes(), format, COLLECT).expect(
            BarterStatus::InvalidArgument,
            &["BARTER_DECODE_COLLECT_ERRORS needs BARTER_JSON_FORMAT_LINES"],
        );
    }
}

#[test]
fn decode_reports_malformed_json() {
    let json = sample_json("open");
    let truncated = &json[..json.len() - 5];
    decode_err(truncated.as_bytes(), ONE, 0)
        .expect(BarterStatus::InvalidJson, &["EOF while parsing"]);

    decode_err(format!("{json} x").as_bytes(), ONE, 0)
        .expect(BarterStatus::InvalidJson, &["trailing characters"]);
    decode_err(format!("[{json},").as_bytes(), ARRAY, 0)
        .expect(BarterStatus::InvalidJson, &["EOF while parsing"]);
}

#[test]
fn decode_reports_json_that_is_not_an_order_event() {
    let json = sample_json("open_in_flight");
    let unknown = json.replace("OpenInFlight", "Foo");
    assert_ne!(unknown, json);
    decode_err(unknown.as_bytes(), ONE, 0)
        .expect(BarterStatus::InvalidData, &["unknown variant `Foo`"]);

    let wrong_type = json.replace("\"exchange\":1", "\"exchange\":\"one\"");
    assert_ne!(wrong_type, json);
    decode_err(wrong_type.as_bytes(), ONE, 0).expect(
        BarterStatus::InvalidData,
        &["invalid type: string \"one\", expected usize"],
    );

    let missing = json
        .replace("\"cid\":\"cid-42\",", "")
        .replace(",\"cid\":\"cid-42\"", "");
    assert_ne!(missing, json);
    decode_err(missing.as_bytes(), ONE, 0)
        .expect(BarterStatus::InvalidData, &["missing field `cid`"]);

    // An array of one bad value fails as a whole.
    decode_err(format!("[{json},{unknown}]").as_bytes(), ARRAY, 0)
        .expect(BarterStatus::InvalidData, &["unknown variant `Foo`"]);
}

#[test]
fn decode_rejects_non_utf8_input() {
    let json = sample_json("open");
    let at = json.find("cid-42").unwrap();
    let mut bytes = json.into_bytes();
    bytes[at] = 0xff;
    decode_err(&bytes, ONE, 0).expect(
        BarterStatus::InvalidUtf8,
        &[&format!("invalid byte at offset {at} (line 1)")],
    );
    // Not even collected: the whole input is checked before any line.
    let mut lines = format!("{}\n", sample_json("expired")).into_bytes();
    lines.extend_from_slice(&bytes);
    decode_err(&lines, LINES, COLLECT).expect(BarterStatus::InvalidUtf8, &["(line 2)"]);
}

#[test]
fn decode_rejects_empty_input_for_one_and_array() {
    for input in ["", " \n\t"] {
        decode_err(input.as_bytes(), ONE, 0).expect(
            BarterStatus::InvalidJson,
            &["empty input: expected one JSON value"],
        );
        decode_err(input.as_bytes(), ARRAY, 0).expect(
            BarterStatus::InvalidJson,
            &["empty input: expected a JSON array"],
        );
    }
    let mut out: *mut BarterOrderEventBatch = garbage();
    let status = unsafe { barter_order_events_decode(null(), 0, ONE, 0, &mut out) };
    check(status)
        .unwrap_err()
        .expect(BarterStatus::InvalidJson, &["empty input"]);
    assert!(out.is_null());
}

#[test]
fn decode_refuses_a_string_over_the_limit() {
    let huge = "x".repeat(10 * 1024 * 1024);
    let json = sample_json("open").replace("cid-42", &huge);
    decode_err(json.as_bytes(), ONE, 0).expect(
        BarterStatus::LimitExceeded,
        &[
            "key.cid",
            "string is 10485760 bytes, over the limit of 1048576 bytes",
        ],
    );
    // Exactly at the limit is fine.
    let at_limit = "y".repeat(barter_ffi::limits::BARTER_MAX_STRING_BYTES);
    let json = sample_json("open").replace("cid-42", &at_limit);
    let batch = decode_one(&json);
    assert_eq!(batch.events()[0].key.cid.len, at_limit.len());
}

/// Three events with line 2 bad: `bad` replaces it.
fn lines_with_bad_middle(bad: &str) -> String {
    format!(
        "{}\n{bad}\n{}\n",
        sample_json("open"),
        sample_json("fully_filled")
    )
}

#[test]
fn json_lines_fail_on_the_first_bad_line_by_default() {
    let bad_data = sample_json("expired").replace("Expired", "Foo");
    let failure = decode_err(lines_with_bad_middle(&bad_data).as_bytes(), LINES, 0);
    failure.expect(
        BarterStatus::InvalidData,
        &["line 2", "unknown variant `Foo`"],
    );
    assert!(
        failure.message.starts_with("line 2 column "),
        "{}",
        failure.message
    );
    assert!(
        !failure.message.contains(" at line "),
        "{}",
        failure.message
    );

    let failure = decode_err(lines_with_bad_middle("{\"key\":").as_bytes(), LINES, 0);
    failure.expect(BarterStatus::InvalidJson, &["line 2", "EOF while parsing"]);

    // A conversion error (not a parse error) is placed by line too.
    let huge = "x".repeat(2 * 1024 * 1024);
    let big = sample_json("expired").replace("cid-42", &huge);
    decode_err(lines_with_bad_middle(&big).as_bytes(), LINES, 0)
        .expect(BarterStatus::LimitExceeded, &["line 2: key.cid"]);
}

#[test]
fn json_lines_collect_bad_lines_when_asked() {
    let bad_data = sample_json("expired").replace("Expired", "Foo");
    let input = format!("{}{{\"key\"\n\n", lines_with_bad_middle(&bad_data));
    let batch = decode_bytes(input.as_bytes(), LINES, COLLECT).unwrap();
    assert_eq!(batch.values(), vec![sample("open"), sample("fully_filled")]);

    let errors = batch.errors();
    assert_eq!(errors.len(), 2);
    let messages: Vec<String> = errors
        .iter()
        .map(|e| String::from_utf8(unsafe { bytes_of(e.message) }).unwrap())
        .collect();

    assert_eq!(errors[0].line, 2);
    assert_eq!(errors[0].status, BarterStatus::InvalidData as u32);
    assert_eq!(errors[0].reserved, 0);
    assert!(messages[0].starts_with("line 2 column "), "{}", messages[0]);
    assert!(
        messages[0].contains("unknown variant `Foo`"),
        "{}",
        messages[0]
    );

    assert_eq!(errors[1].line, 4);
    assert_eq!(errors[1].status, BarterStatus::InvalidJson as u32);
    assert!(messages[1].starts_with("line 4 column "), "{}", messages[1]);

    // Conversion errors are collected as well, with their own status.
    let huge = "x".repeat(2 * 1024 * 1024);
    let big = sample_json("expired").replace("cid-42", &huge);
    let batch = decode_bytes(lines_with_bad_middle(&big).as_bytes(), LINES, COLLECT).unwrap();
    assert_eq!(batch.view().len, 2);
    let error = batch.errors()[0];
    assert_eq!(
        (error.line, error.status),
        (2, BarterStatus::LimitExceeded as u32)
    );
    let message = String::from_utf8(unsafe { bytes_of(error.message) }).unwrap();
    assert!(message.starts_with("line 2: key.cid: "), "{message}");
}

// ---------------------------------------------------------------------------
// Encode errors: C structs that do not describe a barter value.

/// Decodes `name` and hands a copy of its C event to `f`; the copy's views
/// stay valid because the batch outlives the call.
fn with_c_event<R>(name: &str, f: impl FnOnce(BarterOrderEvent) -> R) -> R {
    let batch = decode_one(&sample_json(name));
    f(batch.events()[0])
}

fn str_view(bytes: &[u8]) -> BarterStr {
    BarterStr {
        ptr: bytes.as_ptr(),
        len: bytes.len(),
    }
}

#[test]
fn encode_rejects_null_pointers() {
    with_c_event("open", |event| {
        let status = unsafe { barter_order_events_encode(&event, 1, ONE, null_mut()) };
        check(status).unwrap_err().expect(
            BarterStatus::NullPointer,
            &["`out_buffer` must not be NULL"],
        );
    });
    let mut out: *mut BarterBuffer = garbage();
    let status = unsafe { barter_order_events_encode(null(), 3, ARRAY, &mut out) };
    check(status)
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`events` must not be NULL"]);
    assert!(out.is_null());
}

#[test]
fn encode_rejects_unknown_formats_and_format_one_of_many() {
    with_c_event("open", |event| {
        encode_err(&[event], 99).expect(
            BarterStatus::InvalidArgument,
            &["unknown BarterJsonFormat value 99"],
        );
        encode_err(&[event, event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["BARTER_JSON_FORMAT_ONE needs exactly 1 value, got 2"],
        );
        encode_err(&[], ONE).expect(BarterStatus::InvalidArgument, &["got 0"]);
    });
}

#[test]
fn encode_rejects_unknown_tags() {
    with_c_event("open", |mut event| {
        event.state.kind = 99;
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["event 0: state: unknown BarterOrderStateKind value 99"],
        );
    });
    with_c_event("open", |mut event| {
        event.key.instrument.kind = 99;
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["event 0: key.instrument: unknown BarterKeyKind value 99"],
        );
    });
    with_c_event("open_failed_timeout", |mut event| {
        event.state.error.kind = 99;
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["event 0: state: error: unknown BarterOrderErrorKind value 99"],
        );
    });
    // Zeroed memory is never a valid tag.
    with_c_event("open", |mut event| {
        event.state.kind = 0;
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["BarterOrderStateKind value 0"],
        );
    });
}

#[test]
fn encode_rejects_out_of_range_fields() {
    with_c_event("open", |mut event| {
        event.state.filled_quantity.scale = 29;
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["state: filled_quantity: decimal scale 29 is over the maximum of 28"],
        );
    });
    with_c_event("open", |mut event| {
        event.state.filled_quantity.negative = 2;
        encode_err(&[event], ONE)
            .expect(BarterStatus::InvalidArgument, &["decimal sign flag is 2"]);
    });
    with_c_event("cancel_in_flight_with_order", |mut event| {
        assert_eq!(event.state.has_order, 1);
        event.state.has_order = 2;
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["has_order is 2, expected 0 or 1"],
        );
    });
    with_c_event("open", |mut event| {
        event.state.time_exchange.nanos = 1_500_000_000;
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["state: time_exchange: timestamp"],
        );
    });
}

#[test]
fn encode_rejects_bad_string_views() {
    with_c_event("open", |mut event| {
        event.key.cid = BarterStr {
            ptr: null(),
            len: 3,
        };
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["event 0: key.cid: string pointer is NULL but its length is 3"],
        );
    });
    let not_utf8 = [b'a', 0xff, b'b'];
    with_c_event("open", |mut event| {
        event.key.strategy = str_view(&not_utf8);
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidUtf8,
            &["event 0: key.strategy: string is not valid UTF-8"],
        );
    });
    with_c_event("open_failed_socket", |mut event| {
        event.state.error.message = str_view(&not_utf8);
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidUtf8,
            &["event 0: state: error: message: string is not valid UTF-8"],
        );
    });
    let huge = vec![b'x'; 10 * 1024 * 1024];
    with_c_event("open", |mut event| {
        event.key.cid = str_view(&huge);
        encode_err(&[event], ONE).expect(
            BarterStatus::LimitExceeded,
            &["event 0: key.cid: string is 10485760 bytes"],
        );
    });
}

#[test]
fn encode_rejects_keys_of_the_wrong_kind() {
    with_c_event("open", |mut event| {
        event.key.exchange = BarterKey::name(BarterStr::borrowing("binance_spot"));
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["event 0: key.exchange: expected an index key, found a name key"],
        );
    });
    with_c_event("open_failed_exchange_offline", |mut event| {
        event.state.error.key = BarterKey::index(1);
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["state: error: key: expected a name key, found an index key"],
        );
    });
    with_c_event("open_failed_exchange_offline", |mut event| {
        event.state.error.key.name = BarterStr::borrowing("nasdaq");
        encode_err(&[event], ONE).expect(
            BarterStatus::InvalidArgument,
            &["state: error: key: ExchangeId: unknown variant `nasdaq`"],
        );
    });
    // serde's alias is accepted and written under the canonical name.
    with_c_event("open_failed_exchange_offline", |mut event| {
        event.state.error.key.name = BarterStr::borrowing("huobi");
        let json = String::from_utf8(encode(&[event], ONE).unwrap()).unwrap();
        assert!(json.contains("{\"ExchangeOffline\":\"htx\"}"), "{json}");
    });
}

#[test]
fn encode_names_the_event_at_fault() {
    let good = decode_one(&sample_json("open"));
    let mut bad = good.events()[0];
    bad.state.kind = 99;
    let events = [good.events()[0], good.events()[0], bad];
    encode_err(&events, LINES).expect(BarterStatus::InvalidArgument, &["event 2: state: unknown"]);
}

// ---------------------------------------------------------------------------
// Free functions.

#[test]
fn freeing_null_or_a_pointer_to_null_does_nothing() {
    assert_eq!(
        unsafe { barter_order_event_batch_free(null_mut()) },
        BarterStatus::Ok
    );
    let mut batch: *mut BarterOrderEventBatch = null_mut();
    assert_eq!(
        unsafe { barter_order_event_batch_free(&mut batch) },
        BarterStatus::Ok
    );
    assert!(batch.is_null());

    assert_eq!(unsafe { barter_buffer_free(null_mut()) }, BarterStatus::Ok);
    let mut buffer: *mut BarterBuffer = null_mut();
    assert_eq!(unsafe { barter_buffer_free(&mut buffer) }, BarterStatus::Ok);
    assert!(buffer.is_null());
}

#[test]
fn free_resets_the_callers_pointer_so_a_second_free_is_harmless() {
    let json = sample_json("open");
    let mut batch: *mut BarterOrderEventBatch = null_mut();
    let status =
        unsafe { barter_order_events_decode(json.as_ptr(), json.len(), ONE, 0, &mut batch) };
    assert_eq!(status, BarterStatus::Ok);
    let events = unsafe { (*batch).events };
    let mut buffer: *mut BarterBuffer = null_mut();
    let status = unsafe { barter_order_events_encode(events, 1, ONE, &mut buffer) };
    assert_eq!(status, BarterStatus::Ok);

    for _ in 0..2 {
        assert_eq!(unsafe { barter_buffer_free(&mut buffer) }, BarterStatus::Ok);
        assert!(buffer.is_null());
        assert_eq!(
            unsafe { barter_order_event_batch_free(&mut batch) },
            BarterStatus::Ok
        );
        assert!(batch.is_null());
    }
}

// ---------------------------------------------------------------------------
// Handshake.

#[test]
fn abi_and_library_versions() {
    let mut version = 0u32;
    assert_eq!(
        unsafe { barter_abi_version(&mut version) },
        BarterStatus::Ok
    );
    assert_eq!(version, BARTER_ABI_VERSION);

    let mut view = BarterStr {
        ptr: null(),
        len: 0,
    };
    assert_eq!(
        unsafe { barter_library_version(&mut view) },
        BarterStatus::Ok
    );
    assert_eq!(
        unsafe { bytes_of(view) },
        env!("CARGO_PKG_VERSION").as_bytes()
    );

    check(unsafe { barter_abi_version(null_mut()) })
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`out` must not be NULL"]);
    check(unsafe { barter_library_version(null_mut()) })
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`out` must not be NULL"]);
}

/// The layouts of the structs this file builds by hand; the rest are
/// checked against the C compiler by the Python handshake and the C test.
fn expected_layout(which: BarterAbiStruct) -> Option<(usize, usize)> {
    fn of<T>() -> Option<(usize, usize)> {
        Some((size_of::<T>(), align_of::<T>()))
    }
    use BarterAbiStruct as S;
    match which {
        S::Str => of::<BarterStr>(),
        S::Decimal => of::<BarterDecimal>(),
        S::Timestamp => of::<BarterTimestamp>(),
        S::Key => of::<BarterKey>(),
        S::OrderKey => of::<BarterOrderKey>(),
        S::OrderError => of::<BarterOrderError>(),
        S::OrderState => of::<BarterOrderState>(),
        S::OrderEvent => of::<BarterOrderEvent>(),
        S::LineError => of::<BarterLineError>(),
        S::OrderEventBatch => of::<BarterOrderEventBatch>(),
        S::Buffer => of::<BarterBuffer>(),
        S::SystemOptions => of::<BarterSystemOptions>(),
        S::InstrumentFilter => of::<BarterInstrumentFilter>(),
        S::AuditStats => of::<BarterAuditStats>(),
        _ => None,
    }
}

fn layout(which: u32) -> Result<(usize, usize), Failure> {
    let (mut size, mut align) = (0usize, 0usize);
    check(unsafe { barter_abi_struct_layout(which, &mut size, &mut align) })?;
    Ok((size, align))
}

#[test]
fn struct_layouts_match_the_rust_structs() {
    // 33 was the test producer's report, retired from the product ABI.
    let known: Vec<BarterAbiStruct> = (1..=49)
        .filter(|&raw| raw != 33)
        .map(|raw| BarterAbiStruct::from_raw(raw).expect("ids 1..=49 but 33 are all known"))
        .collect();
    for which in known {
        let (size, align) = layout(which as u32).unwrap();
        assert!(size > 0 && align.is_power_of_two(), "{which:?}");
        if let Some(expected) = expected_layout(which) {
            assert_eq!((size, align), expected, "{which:?}");
        }
    }
    // A few sizes the C side relies on, on 64-bit targets.
    if size_of::<usize>() == 8 {
        assert_eq!(layout(BarterAbiStruct::Str as u32).unwrap(), (16, 8));
        assert_eq!(layout(BarterAbiStruct::Decimal as u32).unwrap(), (16, 8));
        assert_eq!(layout(BarterAbiStruct::Timestamp as u32).unwrap(), (16, 8));
        assert_eq!(layout(BarterAbiStruct::Key as u32).unwrap(), (32, 8));
    }
    for unknown in [0, 33, 50, 999] {
        layout(unknown).unwrap_err().expect(
            BarterStatus::InvalidArgument,
            &[&format!("unknown BarterAbiStruct value {unknown}")],
        );
    }
    let mut size = 0usize;
    check(unsafe { barter_abi_struct_layout(1, &mut size, null_mut()) })
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`out_align` must not be NULL"]);
    check(unsafe { barter_abi_struct_layout(1, null_mut(), &mut size) })
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`out_size` must not be NULL"]);
}

// ---------------------------------------------------------------------------
// The last error.

#[test]
fn last_error_survives_successful_calls_and_a_null_out() {
    decode_err(b"", ONE, 0);
    let message = last_error();
    assert!(message.contains("empty input"), "{message}");

    let batch = decode_one(&sample_json("open"));
    assert_eq!(last_error(), message);
    drop(batch);

    assert_eq!(
        unsafe { barter_last_error(null_mut()) },
        BarterStatus::NullPointer
    );
    assert_eq!(last_error(), message);
}

#[test]
fn last_error_is_per_thread() {
    use std::sync::{Arc, Barrier};
    let barrier = Arc::new(Barrier::new(2));
    let spawn = |fail: fn() -> Failure, expected: &'static str| {
        let barrier = Arc::clone(&barrier);
        std::thread::spawn(move || {
            assert_eq!(last_error(), "", "a new thread starts with no error");
            let failure = fail();
            // Both threads have failed before either reads its message.
            barrier.wait();
            assert_eq!(last_error(), failure.message);
            assert!(failure.message.contains(expected), "{}", failure.message);
        })
    };
    let a = spawn(
        || decode_err(b"{}", 99, 0),
        "unknown BarterJsonFormat value 99",
    );
    let b = spawn(
        || decode_err(b"", ARRAY, 0),
        "empty input: expected a JSON array",
    );
    a.join().unwrap();
    b.join().unwrap();
}

/// A failing call from a thread-exit destructor, after this library's
/// thread-local error slot may already be gone, must return a status rather
/// than panic outside the barrier (which would abort the process).
#[test]
fn failing_calls_during_thread_teardown_return_a_status() {
    use std::sync::atomic::{AtomicU32, Ordering};
    static STATUS: AtomicU32 = AtomicU32::new(u32::MAX);

    struct CallOnExit;
    impl Drop for CallOnExit {
        fn drop(&mut self) {
            let mut out = null_mut();
            // SAFETY: NULL input with length 0 is allowed; `out` is writable.
            let status = unsafe { barter_order_events_decode(null(), 0, 99, 0, &mut out) };
            let mut view = BarterStr {
                ptr: null(),
                len: 0,
            };
            // SAFETY: `view` is writable.
            unsafe { barter_ffi::abi::barter_last_error(&mut view) };
            STATUS.store(status as u32, Ordering::SeqCst);
        }
    }
    thread_local! { static GUARD: CallOnExit = const { CallOnExit }; }

    std::thread::spawn(|| {
        GUARD.with(|_| ());
        let mut out = null_mut();
        // Fail once first so the error slot exists and is torn down first.
        // SAFETY: as above.
        let status = unsafe { barter_order_events_decode(null(), 0, 98, 0, &mut out) };
        assert_eq!(status, BarterStatus::InvalidArgument);
    })
    .join()
    .expect("the thread exits without aborting");
    assert_eq!(
        STATUS.load(Ordering::SeqCst),
        BarterStatus::InvalidArgument as u32
    );
}
