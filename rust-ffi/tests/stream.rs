//! `barter_decode_stream_*` called as a C caller calls them, checked against
//! `barter_decode` of the whole input: the batches together must hold the
//! same items, the same line errors (numbers and messages), and fail with the
//! same status and message.

use barter_ffi::batch::{BarterLineError, BARTER_DECODE_COLLECT_ERRORS};
use barter_ffi::buffer::{barter_buffer_free, BarterBuffer};
use barter_ffi::json::BarterJsonFormat;
use barter_ffi::messages::{
    barter_batch_free, barter_encode, BarterBatch, BarterKeys, BarterMessage,
};
use barter_ffi::samples::messages;
use barter_ffi::status::BarterStatus;
use barter_ffi::stream::{
    barter_decode_stream_free, barter_decode_stream_new, barter_decode_stream_next,
    BarterDecodeStream,
};
use std::ptr::{null, null_mut};
use std::sync::mpsc;
use std::time::Duration;

mod common;
use common::{bytes_of, check, decode, garbage, last_error, Failure};

const LINES: u32 = BarterJsonFormat::Lines as u32;
const COLLECT: u32 = BARTER_DECODE_COLLECT_ERRORS;
const ORDER_EVENT: u32 = BarterMessage::OrderEvent as u32;
const INDEXED: u32 = BarterKeys::Indexed as u32;
/// Batch sizes every comparison runs with: one item, a few, an odd size, and
/// more than any input here (one batch).
const BATCH_SIZES: [usize; 4] = [1, 2, 7, 1 << 20];

#[derive(Debug, Clone, PartialEq, Eq)]
struct LineError {
    status: u32,
    line: usize,
    message: String,
}

/// One batch in comparable form: its items re-encoded as JSON lines by
/// `barter_encode`, and its line errors.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Contents {
    len: usize,
    item_size: usize,
    items: String,
    errors: Vec<LineError>,
}

/// A stream's whole output: its batches, and how it ended.
#[derive(Debug)]
struct Streamed {
    batches: Vec<Contents>,
    end: Result<(), Failure>,
}

impl Streamed {
    /// All batches as one.
    fn joined(&self) -> Contents {
        let mut all = Contents::default();
        for batch in &self.batches {
            all.len += batch.len;
            all.item_size = batch.item_size;
            all.items.push_str(&batch.items);
            all.errors.extend(batch.errors.iter().cloned());
        }
        all
    }
}

/// Reads a batch into `Contents` and frees it.
unsafe fn take(mut batch: *mut BarterBatch, message: u32, keys: u32) -> Contents {
    let view = unsafe { &*batch };
    assert_eq!((view.message, view.keys), (message, keys));
    let errors: &[BarterLineError] = match view.errors_len {
        0 => &[],
        len => unsafe { std::slice::from_raw_parts(view.errors, len) },
    };
    let errors = errors
        .iter()
        .map(|e| LineError {
            status: e.status,
            line: e.line,
            message: String::from_utf8(unsafe { bytes_of(e.message) }).unwrap(),
        })
        .collect();
    let mut buffer: *mut BarterBuffer = garbage();
    let status = unsafe { barter_encode(message, keys, view.items, view.len, LINES, &mut buffer) };
    check(status).expect("a decoded batch encodes");
    let items = unsafe { std::slice::from_raw_parts((*buffer).data, (*buffer).len) };
    let items = String::from_utf8(items.to_vec()).unwrap();
    assert_eq!(unsafe { barter_buffer_free(&mut buffer) }, BarterStatus::Ok);
    let contents = Contents {
        len: view.len,
        item_size: view.item_size,
        items,
        errors,
    };
    assert_eq!(unsafe { barter_batch_free(&mut batch) }, BarterStatus::Ok);
    assert!(batch.is_null());
    contents
}

/// `barter_decode` of the whole input as JSON lines.
fn decode_whole(message: u32, keys: u32, input: &[u8], flags: u32) -> Result<Contents, Failure> {
    let batch = decode(message, keys, input, LINES, flags)?;
    Ok(unsafe { take(batch, message, keys) })
}

/// `barter_decode_stream_new`; the stream, or why it was refused.
fn stream_new(
    message: u32,
    keys: u32,
    input: &[u8],
    flags: u32,
    batch_items: usize,
) -> Result<*mut BarterDecodeStream, Failure> {
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
    match check(status) {
        Ok(()) => {
            assert!(!stream.is_null());
            Ok(stream)
        }
        Err(failure) => {
            assert!(stream.is_null(), "out_stream must be NULL after a failure");
            Err(failure)
        }
    }
}

/// One `barter_decode_stream_next`: a batch, `None` at the end, or the failure.
fn stream_next(stream: *mut BarterDecodeStream) -> Result<Option<*mut BarterBatch>, Failure> {
    let mut batch: *mut BarterBatch = garbage();
    let status = unsafe { barter_decode_stream_next(stream, &mut batch) };
    match check(status) {
        Ok(()) => Ok((!batch.is_null()).then_some(batch)),
        Err(failure) => {
            assert!(batch.is_null(), "out_batch must be NULL after a failure");
            Err(failure)
        }
    }
}

fn stream_free(mut stream: *mut BarterDecodeStream) {
    assert_eq!(
        unsafe { barter_decode_stream_free(&mut stream) },
        BarterStatus::Ok
    );
    assert!(stream.is_null(), "free must reset the caller's pointer");
    assert_eq!(
        unsafe { barter_decode_stream_free(&mut stream) },
        BarterStatus::Ok
    );
}

/// Runs a stream to its end; checks that the end repeats on later calls.
fn stream_all(
    message: u32,
    keys: u32,
    input: &[u8],
    flags: u32,
    batch_items: usize,
) -> Result<Streamed, Failure> {
    let stream = stream_new(message, keys, input, flags, batch_items)?;
    let mut batches = Vec::new();
    let end = loop {
        match stream_next(stream) {
            Ok(Some(batch)) => batches.push(unsafe { take(batch, message, keys) }),
            Ok(None) => break Ok(()),
            Err(failure) => break Err(failure),
        }
    };
    for _ in 0..2 {
        match (&end, stream_next(stream)) {
            (Ok(()), Ok(None)) => {}
            (Err(first), Err(again)) => assert_eq!(first, &again, "the failure is sticky"),
            (end, again) => panic!("the stream ended with {end:?}, then gave {again:?}"),
        }
    }
    stream_free(stream);
    Ok(Streamed { batches, end })
}

/// The 1-based line a failure of JSON lines names ("line N ...").
fn failing_line(failure: &Failure) -> usize {
    let rest = failure.message.strip_prefix("line ").expect("names a line");
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

/// The first `lines` lines of `input`.
fn first_lines(input: &[u8], lines: usize) -> &[u8] {
    let mut end = 0;
    for (at, _) in input
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .take(lines)
    {
        end = at + 1;
    }
    if lines == 0 {
        &[]
    } else {
        &input[..end]
    }
}

/// The core property, for every batch size: the stream's batches joined are
/// `barter_decode` of the whole input; a failure is the same failure, after
/// the items before the bad line. With `full_batches`, every batch but the
/// last holds exactly `batch_items` items.
fn assert_stream_matches(message: u32, keys: u32, input: &[u8], flags: u32, full_batches: bool) {
    let whole = decode_whole(message, keys, input, flags);
    for batch_items in BATCH_SIZES {
        let label =
            format!("message {message} keys {keys} flags {flags} batch_items {batch_items}");
        let streamed = stream_all(message, keys, input, flags, batch_items)
            .unwrap_or_else(|f| panic!("{label}: refused: {f:?}"));
        let joined = streamed.joined();
        match &whole {
            Ok(expected) => {
                assert_eq!(streamed.end, Ok(()), "{label}");
                assert_eq!(joined.len, expected.len, "{label}");
                assert_eq!(joined.items, expected.items, "{label}");
                assert_eq!(joined.errors, expected.errors, "{label}");
            }
            Err(failure) => {
                assert_eq!(streamed.end.as_ref(), Err(failure), "{label}");
                let before = first_lines(input, failing_line(failure) - 1);
                let expected = decode_whole(message, keys, before, flags).unwrap();
                assert_eq!(joined.items, expected.items, "{label}: the items before");
            }
        }
        // Every batch is a batch of `message`, whatever its length.
        let item_size = decode_whole(message, keys, b"", 0).unwrap().item_size;
        for batch in &streamed.batches {
            assert_eq!(batch.item_size, item_size, "{label}");
            assert!(batch.len <= batch_items, "{label}");
            assert!(
                batch.len > 0 || !batch.errors.is_empty(),
                "{label}: empty batch"
            );
        }
        if full_batches && streamed.end.is_ok() {
            let (_, rest) = streamed
                .batches
                .split_last()
                .unwrap_or((&Contents::default(), &[]));
            assert!(rest.iter().all(|b| b.len == batch_items), "{label}");
        }
    }
}

/// The serde JSON of every sample, grouped by message and key form.
fn groups() -> Vec<((u32, u32), Vec<String>)> {
    let mut groups: Vec<((u32, u32), Vec<String>)> = Vec::new();
    for sample in messages() {
        let id = (sample.message as u32, sample.keys as u32);
        match groups.iter_mut().find(|(g, _)| *g == id) {
            Some((_, lines)) => lines.push(sample.serde),
            None => groups.push((id, vec![sample.serde])),
        }
    }
    assert_eq!(groups.len(), 20, "10 messages x 2 key forms");
    groups
}

fn order_event_lines() -> Vec<String> {
    groups()
        .into_iter()
        .find(|(id, _)| *id == (ORDER_EVENT, INDEXED))
        .unwrap()
        .1
}

#[test]
fn every_message_and_key_form_streams_like_a_whole_decode() {
    for ((message, keys), lines) in groups() {
        // A few copies, so that there are several batches of 7 too.
        let lines: Vec<&String> = lines.iter().cycle().take(lines.len().max(15)).collect();
        let plain: String = lines.iter().map(|l| format!("{l}\n")).collect();
        assert_stream_matches(message, keys, plain.as_bytes(), 0, true);
        assert_stream_matches(message, keys, plain.as_bytes(), COLLECT, true);
        // Blank lines (also only whitespace), CRLF, no final newline.
        let mut messy = String::from("\n  \n");
        for (i, line) in lines.iter().enumerate() {
            messy.push_str(line);
            messy.push_str(if i % 2 == 0 { "\r\n" } else { "\n\t\n" });
        }
        messy.push_str(lines[0]);
        assert_stream_matches(message, keys, messy.as_bytes(), 0, true);
    }
}

#[test]
fn the_fixture_files_stream_like_a_whole_decode() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");
    let events = std::fs::read_to_string(format!("{root}/order_events.jsonl")).unwrap();
    let lines: String = events
        .lines()
        .map(|row| {
            let row: serde_json::Value = serde_json::from_str(row).unwrap();
            format!("{}\n", row["serde"].as_str().unwrap())
        })
        .collect();
    assert_stream_matches(ORDER_EVENT, INDEXED, lines.as_bytes(), 0, true);

    let rows = std::fs::read_to_string(format!("{root}/messages.jsonl")).unwrap();
    let names = [
        "order_event",
        "order_request_open",
        "order_request_cancel",
        "order_response_cancel",
        "order_snapshot",
        "order_response_open",
        "trade",
        "asset_balance",
        "account_snapshot",
        "account_event",
    ];
    let mut seen = 0;
    for (index, name) in names.iter().enumerate() {
        for (keys, keys_name) in [(1, "indexed"), (2, "unindexed")] {
            let lines: String = rows
                .lines()
                .map(|row| serde_json::from_str::<serde_json::Value>(row).unwrap())
                .filter(|row| row["message"] == *name && row["keys"] == keys_name)
                .map(|row| format!("{}\n", row["serde"].as_str().unwrap()))
                .collect();
            assert!(!lines.is_empty(), "{name} {keys_name}");
            seen += 1;
            assert_stream_matches(index as u32 + 1, keys, lines.as_bytes(), 0, true);
        }
    }
    assert_eq!(seen, 20);
}

/// Order events with bad lines of every kind spread over the input: a data
/// error, a syntax error, a conversion error (a string over the default
/// limit), at the start, in runs, and at the end. Returns the input and the
/// lines of the good items.
fn with_bad_lines() -> (String, Vec<usize>) {
    let good = order_event_lines();
    let data_error = good[0].replace("\"state\"", "\"stat\"");
    let too_long = good[1].replace("cid-42", &"x".repeat(2 * 1024 * 1024));
    assert_ne!(too_long, good[1]);
    let mut input = String::new();
    let mut item_lines = Vec::new();
    let mut line = 0;
    let mut push = |text: &str, item: bool, input: &mut String| {
        line += 1;
        input.push_str(text);
        input.push('\n');
        if item {
            item_lines.push(line);
        }
    };
    push("{\"key\":", false, &mut input);
    for round in 0..4 {
        for (i, event) in good.iter().enumerate() {
            push(event, true, &mut input);
            match (round + i) % 9 {
                0 => push(&data_error, false, &mut input),
                3 => push("", false, &mut input),
                5 => {
                    push("[1,", false, &mut input);
                    push("null", false, &mut input);
                }
                _ => {}
            }
        }
        if round == 2 {
            push(&too_long, false, &mut input);
        }
    }
    push(&data_error, false, &mut input);
    push("  ", false, &mut input);
    push("}", false, &mut input);
    (input, item_lines)
}

#[test]
fn collected_errors_keep_their_lines_and_land_in_their_batch() {
    let (input, item_lines) = with_bad_lines();
    let whole = decode_whole(ORDER_EVENT, INDEXED, input.as_bytes(), COLLECT).unwrap();
    assert_eq!(whole.len, item_lines.len());
    assert!(whole.errors.len() > 10);
    assert!(whole
        .errors
        .iter()
        .any(|e| e.status == BarterStatus::LimitExceeded as u32));
    assert_stream_matches(ORDER_EVENT, INDEXED, input.as_bytes(), COLLECT, true);

    for batch_items in BATCH_SIZES.into_iter().chain([3, item_lines.len()]) {
        let streamed =
            stream_all(ORDER_EVENT, INDEXED, input.as_bytes(), COLLECT, batch_items).unwrap();
        // A batch holds the errors after the previous batch's last item, up
        // to its own last item; the errors after the last item come last.
        let mut items_before = 0;
        for (index, batch) in streamed.batches.iter().enumerate() {
            let after = match items_before {
                0 => 0,
                n => item_lines[n - 1],
            };
            items_before += batch.len;
            let up_to = match index + 1 == streamed.batches.len() {
                true => usize::MAX,
                false => item_lines[items_before - 1],
            };
            for error in &batch.errors {
                assert!(
                    after < error.line && error.line < up_to,
                    "batch_items {batch_items}: line {} not in ({after}, {up_to})",
                    error.line
                );
            }
        }
        // The bad lines after the last item: in the last batch, or in one
        // of their own when the last item fills its batch.
        let last = streamed.batches.last().unwrap();
        let trailing = &last.errors[last.errors.len() - 2..];
        assert!(trailing
            .iter()
            .all(|e| e.line > *item_lines.last().unwrap()));
        let fills = item_lines.len() % batch_items == 0;
        assert_eq!(last.len == 0, fills, "batch_items {batch_items}");
    }
}

#[test]
fn a_bad_line_fails_like_a_whole_decode_after_the_items_before_it() {
    let good = order_event_lines();
    let bad_lines = [
        good[0].replace("\"state\"", "\"stat\""),
        "{\"key\":".to_owned(),
        good[1].replace("cid-42", &"x".repeat(2 * 1024 * 1024)),
    ];
    for bad in &bad_lines {
        for position in [0, 1, 6, 7, 8, 20] {
            let mut lines: Vec<String> = good.iter().cycle().take(24).cloned().collect();
            lines.insert(position, bad.clone());
            let input: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
            let failure = decode_whole(ORDER_EVENT, INDEXED, input.as_bytes(), 0).unwrap_err();
            assert_eq!(failing_line(&failure), position + 1);
            assert_stream_matches(ORDER_EVENT, INDEXED, input.as_bytes(), 0, false);
            let streamed = stream_all(ORDER_EVENT, INDEXED, input.as_bytes(), 0, 7).unwrap();
            assert_eq!(streamed.end, Err(failure));
            let lens: Vec<usize> = streamed.batches.iter().map(|b| b.len).collect();
            let mut expected = vec![7; position / 7];
            if position % 7 > 0 {
                expected.push(position % 7);
            }
            assert_eq!(lens, expected, "bad line at {position}");
        }
    }
}

#[test]
fn empty_and_blank_inputs_end_at_once() {
    for input in [&b""[..], b"\n", b"  \r\n\n\t"] {
        for flags in [0, COLLECT] {
            let streamed = stream_all(ORDER_EVENT, INDEXED, input, flags, 3).unwrap();
            assert!(streamed.batches.is_empty());
            assert_eq!(streamed.end, Ok(()));
        }
    }
    // NULL with length 0 is an empty input.
    let mut stream: *mut BarterDecodeStream = garbage();
    let status =
        unsafe { barter_decode_stream_new(ORDER_EVENT, INDEXED, null(), 0, 0, 1, &mut stream) };
    assert_eq!(status, BarterStatus::Ok);
    assert_eq!(stream_next(stream), Ok(None));
    assert_eq!(stream_next(stream), Ok(None));
    stream_free(stream);
}

#[test]
fn new_refuses_what_decode_refuses_with_the_same_message() {
    let good = format!("{}\n", order_event_lines()[0]);
    let not_utf8 = [good.as_bytes(), b"{\"a\":\"\xff\"}\n"].concat();
    let cases: [(u32, u32, &[u8], u32); 6] = [
        (ORDER_EVENT, INDEXED, &not_utf8, 0),
        (ORDER_EVENT, INDEXED, &not_utf8, COLLECT),
        (99, INDEXED, good.as_bytes(), 0),
        (ORDER_EVENT, 3, good.as_bytes(), 0),
        (ORDER_EVENT, INDEXED, good.as_bytes(), 8),
        // Several faults: the first one `barter_decode` checks wins.
        (0, 0, &not_utf8, 8),
    ];
    for (message, keys, input, flags) in cases {
        let expected = decode_whole(message, keys, input, flags).unwrap_err();
        let refused = stream_new(message, keys, input, flags, 4).unwrap_err();
        assert_eq!(refused, expected);
    }
    let refused = stream_new(ORDER_EVENT, INDEXED, &not_utf8, 0, 4).unwrap_err();
    assert_eq!(refused.status, BarterStatus::InvalidUtf8);
    assert_eq!(
        refused.message,
        format!(
            "input is not valid UTF-8: invalid byte at offset {} (line 2)",
            good.len() + 6
        )
    );
}

#[test]
fn batch_items_zero_is_refused() {
    let good = order_event_lines()[0].clone();
    let refused = stream_new(ORDER_EVENT, INDEXED, good.as_bytes(), 0, 0).unwrap_err();
    assert_eq!(refused.status, BarterStatus::InvalidArgument);
    assert!(
        refused.message.contains("batch_items"),
        "{}",
        refused.message
    );
}

#[test]
fn null_arguments_are_errors_not_crashes() {
    let good = order_event_lines()[0].clone();
    let input = good.as_bytes();
    let status = unsafe {
        barter_decode_stream_new(
            ORDER_EVENT,
            INDEXED,
            input.as_ptr(),
            input.len(),
            0,
            1,
            null_mut(),
        )
    };
    assert_eq!(check(status).unwrap_err().status, BarterStatus::NullPointer);
    assert!(last_error().contains("`out_stream`"));

    let mut stream: *mut BarterDecodeStream = garbage();
    let status =
        unsafe { barter_decode_stream_new(ORDER_EVENT, INDEXED, null(), 5, 0, 1, &mut stream) };
    assert_eq!(status, BarterStatus::NullPointer);
    assert!(last_error().contains("`input`"));
    assert!(stream.is_null());

    let mut batch: *mut BarterBatch = garbage();
    let status = unsafe { barter_decode_stream_next(null_mut(), &mut batch) };
    assert_eq!(status, BarterStatus::NullPointer);
    assert!(last_error().contains("`stream`"));
    assert!(batch.is_null());

    let stream = stream_new(ORDER_EVENT, INDEXED, input, 0, 1).unwrap();
    let status = unsafe { barter_decode_stream_next(stream, null_mut()) };
    assert_eq!(status, BarterStatus::NullPointer);
    assert!(last_error().contains("`out_batch`"));
    // The stream goes on after a refused call.
    let batch = stream_next(stream).unwrap().unwrap();
    assert_eq!(unsafe { take(batch, ORDER_EVENT, INDEXED) }.len, 1);
    stream_free(stream);

    assert_eq!(
        unsafe { barter_decode_stream_free(null_mut()) },
        BarterStatus::Ok
    );
    let mut none: *mut BarterDecodeStream = null_mut();
    assert_eq!(
        unsafe { barter_decode_stream_free(&mut none) },
        BarterStatus::Ok
    );
}

/// `n` JSON lines of order events.
fn many_lines(n: usize) -> Vec<u8> {
    let good = order_event_lines();
    good.iter()
        .cycle()
        .take(n)
        .flat_map(|l| format!("{l}\n").into_bytes())
        .collect()
}

/// Runs `f` on a thread and fails the test if it does not finish in time.
fn within(seconds: u64, f: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        f();
        let _ = done.send(());
    });
    finished
        .recv_timeout(Duration::from_secs(seconds))
        .expect("did not finish in time");
}

/// A stream pointer that may move to another thread (used by one at a time).
struct Handle(*mut BarterDecodeStream);
unsafe impl Send for Handle {}

#[test]
fn freeing_early_stops_the_thread_promptly() {
    let input = many_lines(20_000);
    for taken in [0, 1, 2] {
        let stream = stream_new(ORDER_EVENT, INDEXED, &input, 0, 16).unwrap();
        for _ in 0..taken {
            let batch = stream_next(stream).unwrap().unwrap();
            assert_eq!(unsafe { take(batch, ORDER_EVENT, INDEXED) }.len, 16);
        }
        // Let the thread fill the channel and block on it.
        std::thread::sleep(Duration::from_millis(50));
        let handle = Handle(stream);
        within(10, move || {
            let handle = handle;
            stream_free(handle.0);
        });
    }
    // Freed mid-input, with a batch size so large that the thread is still
    // parsing its first batch: it stops between lines.
    let input = many_lines(200_000);
    let stream = stream_new(ORDER_EVENT, INDEXED, &input, 0, usize::MAX).unwrap();
    let handle = Handle(stream);
    within(10, move || {
        let handle = handle;
        stream_free(handle.0);
    });
    // After free returns the library reads `input` no more.
    drop(input);
}

#[test]
fn batches_outlive_their_stream() {
    let input = many_lines(40);
    let stream = stream_new(ORDER_EVENT, INDEXED, &input, 0, 16).unwrap();
    let first = stream_next(stream).unwrap().unwrap();
    let second = stream_next(stream).unwrap().unwrap();
    stream_free(stream);
    drop(input);
    let first = unsafe { take(first, ORDER_EVENT, INDEXED) };
    let second = unsafe { take(second, ORDER_EVENT, INDEXED) };
    let expected = decode_whole(ORDER_EVENT, INDEXED, &many_lines(32), 0).unwrap();
    assert_eq!(first.items + &second.items, expected.items);
}

#[test]
fn errors_reach_the_thread_that_calls_next() {
    let good = order_event_lines();
    let input = format!("{}\n{}\n{{\n", good[0], good[1]);
    let expected = decode_whole(ORDER_EVENT, INDEXED, input.as_bytes(), 0).unwrap_err();
    let stream = stream_new(ORDER_EVENT, INDEXED, input.as_bytes(), 0, 1).unwrap();
    let handle = Handle(stream);
    let expected_there = expected.clone();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let handle = handle;
        let mut seen = Vec::new();
        loop {
            match stream_next(handle.0) {
                Ok(Some(batch)) => seen.push(unsafe { take(batch, ORDER_EVENT, INDEXED) }.len),
                Ok(None) => panic!("no failure"),
                Err(failure) => {
                    assert_eq!(failure, expected_there);
                    break;
                }
            }
        }
        sender.send((seen, Handle(handle.0))).unwrap();
    });
    let (seen, handle) = receiver.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(seen, vec![1, 1]);
    // The sticky failure, now asked for on this thread.
    assert_eq!(stream_next(handle.0), Err(expected));
    stream_free(handle.0);
}

#[test]
fn streams_are_independent() {
    let input = many_lines(300);
    let expected = decode_whole(ORDER_EVENT, INDEXED, &input, 0).unwrap();
    let a = stream_new(ORDER_EVENT, INDEXED, &input, 0, 5).unwrap();
    let b = stream_new(ORDER_EVENT, INDEXED, &input, COLLECT, 11).unwrap();
    let (mut from_a, mut from_b) = (String::new(), String::new());
    let (mut a_done, mut b_done) = (false, false);
    while !(a_done && b_done) {
        for (stream, out, done) in [(a, &mut from_a, &mut a_done), (b, &mut from_b, &mut b_done)] {
            if !*done {
                match stream_next(stream).unwrap() {
                    Some(batch) => {
                        out.push_str(&unsafe { take(batch, ORDER_EVENT, INDEXED) }.items);
                    }
                    None => *done = true,
                }
            }
        }
    }
    stream_free(a);
    stream_free(b);
    assert_eq!(from_a, expected.items);
    assert_eq!(from_b, expected.items);
}
