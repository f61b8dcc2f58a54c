//! A pipelined decode of JSON lines: a library thread parses the input batch
//! by batch while the caller takes the batches before it, so the parse of
//! batch k+1 overlaps with whatever the caller does with batch k (in Python:
//! building objects).
//!
//! The batches are the same as `barter_decode`'s batch cut into pieces: the
//! same lines (`json::lines`), parsed (`json::parse_line`) and converted
//! (`Decoded::push`) by the same code, so items, line numbers and messages
//! agree byte for byte. Each batch has its own arena, sized from the bytes
//! of its own lines.

use crate::batch::{check_flags, convert, input_slice, Decoded};
use crate::ctypes::arena::Arena;
use crate::ctypes::ToC;
use crate::json::{check_input, lines, parse_line, BarterJsonFormat, Origin};
use crate::limits;
use crate::messages::{codec, BarterBatch, BatchBox};
use crate::status::{ffi_call, out_param, panic_message, take_owned, BarterStatus, FfiError};
use serde::de::DeserializeOwned;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Batches the thread may have ready before the caller takes them: enough
/// that the next one is usually waiting, few enough that memory stays at a
/// few batches whatever the input's size.
const AHEAD: usize = 2;

/// What the thread sends: a batch, or the error that ends the stream. The
/// end of the input is the channel closing.
type Delivery = Result<BatchBox, FfiError>;

/// Everything the stream's thread works with.
pub(crate) struct Feed<'a> {
    input: &'a str,
    collect: bool,
    batch_items: usize,
    stop: &'a AtomicBool,
    batches: &'a SyncSender<Delivery>,
}

/// The body of the stream's thread for the barter type `T` (see
/// `messages::Codec`): parses the lines in order and sends the batches.
/// Returns at the end of the input, after sending an error, or as soon as
/// the stream is being freed.
pub(crate) fn produce<T>(feed: Feed<'_>)
where
    T: DeserializeOwned + ToC,
    T::C: 'static,
{
    let mut remaining = lines(feed.input);
    loop {
        // Parse first and convert after: the arena's capacity is fixed when
        // it is made, and only now are the bytes of this batch's lines known.
        let mut parsed = Vec::new();
        let (mut good, mut bytes, mut failed) = (0, 0, false);
        while good < feed.batch_items && !failed {
            if feed.stop.load(Ordering::Relaxed) {
                return;
            }
            let Some((number, line)) = remaining.next() else {
                break;
            };
            let mut value = parse_line::<T>(line, number);
            // A batch counts the items that convert too, so a value that may
            // not is converted once on trial. Only a string over the limit
            // fails a conversion (the arena is sized to fit), and a line no
            // longer than the limit holds no such string: the trial is for
            // rare, huge lines only.
            if line.len() > limits::current().max_string_bytes {
                if let Ok(item) = &value {
                    let mut trial = Arena::with_capacity(line.len());
                    if let Err(error) = convert(item, Origin::Line(number), &mut trial) {
                        value = Err(error);
                    }
                }
            }
            match value {
                Ok(_) => good += 1,
                // Without collect, nothing after a bad line is handed out.
                Err(_) => failed = !feed.collect,
            }
            bytes += line.len();
            parsed.push((number, value));
        }
        if parsed.is_empty() {
            return;
        }
        let mut decoded = Decoded::with_capacity(bytes);
        let failure = parsed
            .into_iter()
            .try_for_each(|(number, value)| decoded.push(Origin::Line(number), value, feed.collect))
            .err();
        // The items before a bad line are handed out first, so what the
        // caller gets does not depend on `batch_items`.
        if !decoded.is_empty() && feed.batches.send(Ok(BatchBox::new(decoded))).is_err() {
            return;
        }
        if let Some(error) = failure {
            let _ = feed.batches.send(Err(error));
            return;
        }
    }
}

/// The caller's input as the thread reads it. The stream does not copy it:
/// the caller keeps it valid and unchanged until the stream is freed, and
/// freeing joins the thread before it returns.
struct Input {
    ptr: *const u8,
    len: usize,
}

// SAFETY: only read, and only while the caller guarantees it lives (above).
unsafe impl Send for Input {}

impl Input {
    /// # Safety
    /// The memory must still be valid and unchanged (see `Input`).
    unsafe fn get<'a>(&self) -> &'a str {
        // SAFETY: made from a `&str` in `start`, so valid UTF-8 while it is
        // unchanged; per this function's contract.
        unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(self.ptr, self.len)) }
    }
}

/// A JSON lines decode running on a library thread. Opaque. Use a stream
/// from one thread at a time; different streams are independent.
pub struct BarterDecodeStream {
    message: u32,
    keys: u32,
    /// `None` once the stream has ended.
    batches: Option<Receiver<Delivery>>,
    worker: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
    /// The error the stream ended with, returned by every later `next`.
    failure: Option<FfiError>,
}

impl BarterDecodeStream {
    /// Starts `produce` on a thread of its own.
    ///
    /// # Safety
    /// `input` must stay valid and unchanged until the stream is dropped.
    unsafe fn start(
        (message, keys): (u32, u32),
        input: &str,
        collect: bool,
        batch_items: usize,
        produce: fn(Feed<'_>),
    ) -> Result<Self, FfiError> {
        let (sender, receiver) = sync_channel(AHEAD);
        let stop = Arc::new(AtomicBool::new(false));
        let input = Input {
            ptr: input.as_ptr(),
            len: input.len(),
        };
        let worker_stop = Arc::clone(&stop);
        let worker = std::thread::Builder::new()
            .name("barter-decode".to_owned())
            .spawn(move || {
                // SAFETY: per this function's contract; `Drop` joins first.
                let input = unsafe { input.get() };
                let feed = Feed {
                    input,
                    collect,
                    batch_items,
                    stop: &worker_stop,
                    batches: &sender,
                };
                // Not `ffi_call`: an error belongs to the caller's thread
                // (its `barter_last_error`), so it travels in the channel.
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| produce(feed))) {
                    let message = panic_message(payload.as_ref());
                    let _ = sender.send(Err(FfiError::new(BarterStatus::Panic, message)));
                }
            })
            .map_err(|e| FfiError::invalid(format!("cannot start a thread: {e}")))?;
        Ok(BarterDecodeStream {
            message,
            keys,
            batches: Some(receiver),
            worker: Some(worker),
            stop,
            failure: None,
        })
    }

    /// The next batch; `None` at the end of the input.
    fn next(&mut self) -> Result<Option<BatchBox>, FfiError> {
        if let Some(error) = &self.failure {
            return Err(error.clone());
        }
        let Some(batches) = &self.batches else {
            return Ok(None);
        };
        match batches.recv() {
            Ok(Ok(batch)) => return Ok(Some(batch)),
            Ok(Err(error)) => self.failure = Some(error),
            // The thread is done and dropped its sender: the input is used up.
            Err(_) => {}
        }
        self.finish();
        match &self.failure {
            Some(error) => Err(error.clone()),
            None => Ok(None),
        }
    }

    /// Stops the thread, waits for it, and drops what it had queued.
    fn finish(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Dropping the receiver wakes a thread blocked on the full channel:
        // its send fails and it returns. The batches still queued are freed
        // with the channel.
        self.batches = None;
        if let Some(worker) = self.worker.take() {
            // A panic is caught on the thread; one that escapes (while
            // reporting the first) still ends the stream with a status.
            if worker.join().is_err() && self.failure.is_none() {
                self.failure = Some(FfiError::new(
                    BarterStatus::Panic,
                    "panic in barter-ffi: the decode stream's thread panicked",
                ));
            }
        }
    }
}

impl Drop for BarterDecodeStream {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Starts decoding `input` on a library thread and writes the new stream to
/// `*out_stream`; take its batches with `barter_decode_stream_next` and free
/// it with `barter_decode_stream_free`. While the caller works on one batch,
/// the thread parses the next ones (at most two batches ready ahead).
///
/// `input` is JSON lines (as `BARTER_JSON_FORMAT_LINES`: one value per
/// line, blank lines skipped) of the barter type named by `message` (a
/// `BarterMessage`) with `keys` (a `BarterKeys`); `flags` is 0 or
/// `BARTER_DECODE_COLLECT_ERRORS`. Each batch holds `batch_items` items (at
/// least 1), the last one fewer. Under `BARTER_DECODE_COLLECT_ERRORS` a
/// batch also holds the errors of the bad lines after the previous batch's
/// last item up to its own last item, the last batch those up to the end of
/// the input; when the last item fills its batch, the bad lines after it
/// come in one more batch, whose `len` is 0. Line numbers count from the
/// start of `input`: all batches together hold the items and errors
/// `barter_decode` gives for the whole input.
///
/// The arguments and the whole input (`BarterLimits.max_input_bytes`, UTF-8)
/// are checked here, before anything starts, with `barter_decode`'s statuses
/// and messages; `batch_items` 0 is `BARTER_STATUS_INVALID_ARGUMENT`. On
/// failure `*out_stream` is set to NULL and `barter_last_error` says why.
///
/// `input` is not copied: it must stay valid and unchanged until
/// `barter_decode_stream_free` returns. It may be NULL when `input_len` is 0.
/// Use a stream from one thread at a time; different streams are
/// independent.
///
/// # Safety
/// `input` must be valid for reads of `input_len` bytes until the stream is
/// freed; `out_stream` must be NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_decode_stream_new(
    message: u32,
    keys: u32,
    input: *const u8,
    input_len: usize,
    flags: u32,
    batch_items: usize,
    out_stream: *mut *mut BarterDecodeStream,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_stream = unsafe { out_param(out_stream, "out_stream") }?;
        *out_stream = std::ptr::null_mut();
        // The order of `barter_decode`'s checks, so a call with several
        // faults fails as `barter_decode` does.
        let input = unsafe { input_slice(input, input_len, "input") }?;
        let codec = codec(message, keys)?;
        let collect = check_flags(BarterJsonFormat::Lines, flags)?;
        if batch_items == 0 {
            return Err(FfiError::invalid("batch_items is 0, expected at least 1"));
        }
        let input = check_input(input)?;
        // SAFETY: the caller keeps `input` until the stream is freed.
        let stream = unsafe {
            BarterDecodeStream::start((message, keys), input, collect, batch_items, codec.stream)
        }?;
        *out_stream = Box::into_raw(Box::new(stream));
        Ok(())
    })
}

/// Waits for the next batch of `stream` and writes it to `*out_batch`: a
/// batch as `barter_decode` makes one (`message` and `keys` set), freed with
/// `barter_batch_free`, and valid until then, also after the stream is
/// freed. At the end of the input it returns `BARTER_STATUS_OK` with
/// `*out_batch` NULL, and so does every later call.
///
/// Without `BARTER_DECODE_COLLECT_ERRORS`, the batches of the items before
/// the first bad line come first (the last of them may be short); then the
/// call fails with the status and message `barter_decode` gives for the
/// whole input, and every later call fails the same way. A panic on the
/// stream's thread fails it with `BARTER_STATUS_PANIC`. On failure
/// `*out_batch` is set to NULL and `barter_last_error` says why.
///
/// # Safety
/// `stream` must be NULL or a stream from `barter_decode_stream_new` not yet
/// freed, used by no other thread during the call; `out_batch` must be NULL
/// or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_decode_stream_next(
    stream: *mut BarterDecodeStream,
    out_batch: *mut *mut BarterBatch,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_batch = unsafe { out_param(out_batch, "out_batch") }?;
        *out_batch = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let stream = unsafe { stream.as_mut() }.ok_or_else(|| FfiError::null("stream"))?;
        if let Some(batch) = stream.next()? {
            *out_batch = batch.into_raw(stream.message, stream.keys);
        }
        Ok(())
    })
}

/// Stops and frees the stream `*stream` points to and sets `*stream` to
/// NULL; NULL or a pointer to NULL does nothing. It returns promptly also
/// mid-input: the thread stops at the next line and is waited for, and the
/// batches it had ready are freed. From then on the library no longer reads
/// `input`. Batches already taken stay valid until `barter_batch_free`.
///
/// # Safety
/// `*stream` must be NULL or a stream from `barter_decode_stream_new` not
/// yet freed, used by no other thread during the call.
#[no_mangle]
pub unsafe extern "C" fn barter_decode_stream_free(
    stream: *mut *mut BarterDecodeStream,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { take_owned(stream) } {
            // SAFETY: `raw` came from `barter_decode_stream_new`, freed once.
            drop(unsafe { Box::from_raw(raw) });
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::with_last_error;
    use std::time::{Duration, Instant};

    fn start(produce: fn(Feed<'_>)) -> *mut BarterDecodeStream {
        // SAFETY: the input is static.
        let stream = unsafe { BarterDecodeStream::start((1, 1), "", false, 1, produce) };
        Box::into_raw(Box::new(stream.unwrap()))
    }

    fn next(stream: *mut BarterDecodeStream) -> (BarterStatus, String) {
        let mut batch = std::ptr::null_mut();
        // SAFETY: a live stream and a valid out-pointer.
        let status = unsafe { barter_decode_stream_next(stream, &mut batch) };
        if !batch.is_null() {
            // SAFETY: a batch just handed out.
            unsafe { crate::messages::barter_batch_free(&mut batch) };
        }
        (status, with_last_error(str::to_owned))
    }

    fn free(mut stream: *mut BarterDecodeStream) -> Duration {
        let start = Instant::now();
        // SAFETY: a live stream, freed once.
        assert_eq!(
            unsafe { barter_decode_stream_free(&mut stream) },
            BarterStatus::Ok
        );
        assert!(stream.is_null());
        start.elapsed()
    }

    #[test]
    fn a_panic_on_the_thread_is_a_sticky_panic_status() {
        let stream = start(|_| panic!("worker boom"));
        for _ in 0..3 {
            let (status, message) = next(stream);
            assert_eq!(status, BarterStatus::Panic);
            assert_eq!(message, "panic in barter-ffi: worker boom");
        }
        free(stream);
    }

    #[test]
    fn a_panic_after_some_batches_comes_after_them() {
        let stream = start(|feed| {
            let empty = || Ok(BatchBox::new(Decoded::<u8>::with_capacity(0)));
            feed.batches.send(empty()).unwrap();
            feed.batches.send(empty()).unwrap();
            panic!("later");
        });
        assert_eq!(next(stream).0, BarterStatus::Ok);
        assert_eq!(next(stream).0, BarterStatus::Ok);
        assert_eq!(
            next(stream),
            (BarterStatus::Panic, "panic in barter-ffi: later".to_owned())
        );
        free(stream);
    }

    #[test]
    fn free_wakes_a_thread_blocked_on_the_full_channel() {
        // Sends until the receiver is gone: blocked on the full channel
        // whenever free is called.
        let stream = start(|feed| {
            let empty = || Ok(BatchBox::new(Decoded::<u8>::with_capacity(16)));
            while feed.batches.send(empty()).is_ok() {}
        });
        assert_eq!(next(stream).0, BarterStatus::Ok);
        std::thread::sleep(Duration::from_millis(20));
        assert!(free(stream) < Duration::from_secs(5));
    }

    #[test]
    fn free_stops_a_thread_between_lines() {
        // Never sends: only the stop flag ends it.
        let stream = start(|feed| {
            while !feed.stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        std::thread::sleep(Duration::from_millis(20));
        assert!(free(stream) < Duration::from_secs(5));
    }

    #[test]
    fn the_thread_sets_no_error_of_its_own() {
        let stream = start(|feed| {
            let error = FfiError::new(BarterStatus::InvalidData, "line 1: test");
            feed.batches.send(Err(error)).unwrap();
            // The worker's own last error stays empty: errors travel.
            with_last_error(|m| assert_eq!(m, ""));
        });
        assert_eq!(
            next(stream),
            (BarterStatus::InvalidData, "line 1: test".to_owned())
        );
        free(stream);
    }
}
