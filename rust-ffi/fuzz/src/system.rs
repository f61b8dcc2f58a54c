//! The System's calls as the fuzz targets make them, and what their results
//! must satisfy besides the common oracle:
//! - a started System answers, shuts down, gives its trading summary and
//!   frees; a failed start leaves `*out_system` NULL;
//! - every JSON the library prints (audit snapshot and ticks, summaries,
//!   `barter_engine_json_normalize` output) is framed as asked, one value
//!   per input value, and normalizes again to the same bytes;
//! - audit ticks arrive in engine order, none lost: sequences 1, 2, 3, ...
//!   per System, and `received == delivered + queued`;
//! - once the engine has stopped, no command succeeds, and
//!   `BARTER_STATUS_CLOSED` is only ever reported for a stopped engine.

use crate::common::garbage;
pub use crate::common::Failure;
use crate::{bytes_of, encoded, failure, Buffer, LINES, ONE};
use barter_ffi::buffer::BarterBuffer;
use barter_ffi::ctypes::decimal::BarterDecimal;
use barter_ffi::messages::{BarterKeys, BarterMessage};
use barter_ffi::status::BarterStatus;
use barter_ffi::system::audit::BarterAuditStats;
use barter_ffi::system::ticks::{barter_audit_batch_free, BarterAuditBatch, BarterAuditTickKind};
use barter_ffi::system::values::{barter_engine_json_normalize, BarterEngineValue};
use barter_ffi::system::{
    barter_system_audit_drain, barter_system_audit_drain_structs, barter_system_audit_snapshot,
    barter_system_audit_stats, barter_system_free, barter_system_is_running, barter_system_new,
    barter_system_shutdown, barter_system_trading_summary, BarterSystem, BarterSystemOptions,
};
use serde::de::IgnoredAny;
use std::ffi::c_void;
use std::ptr::null;

/// barter's `examples/config/system_config.json`, as the package ships it.
pub const EXAMPLE_CONFIG: &str =
    include_str!("../../../python/barter_python/data/system_config.json");
/// A slice of barter's example market data (JSON lines, instruments 0..=1).
pub const MARKET_EVENTS: &str =
    include_str!("../../../python/barter_python/data/market_events.jsonl");

/// barter's example config with MockExchange's `latency_ms` replaced: a
/// start waits one MockExchange round trip (real Tokio time), so the
/// example's 100 ms would hold the fuzzers to a few starts a second.
pub fn example_config(latency_ms: u64) -> String {
    let config = EXAMPLE_CONFIG.replace(
        "\"latency_ms\": 100",
        &format!("\"latency_ms\": {latency_ms}"),
    );
    assert_ne!(config, EXAMPLE_CONFIG, "the example config's latency moved");
    config
}

/// `mantissa / 10^scale`, positive.
pub fn decimal(mantissa: u64, scale: u8) -> BarterDecimal {
    BarterDecimal {
        mantissa_lo: mantissa,
        mantissa_hi: 0,
        scale,
        negative: 0,
        reserved: 0,
    }
}

/// NULL for an empty input, so that NULL with length 0 is exercised too.
fn ptr_of(bytes: &[u8]) -> *const u8 {
    if bytes.is_empty() {
        null()
    } else {
        bytes.as_ptr()
    }
}

/// A status as `Ok` or the failure, checked as every failure is.
pub fn call(status: BarterStatus) -> Result<(), Failure> {
    match status {
        BarterStatus::Ok => Ok(()),
        status => Err(failure(status)),
    }
}

/// A started System: shut down and freed on drop.
pub struct System(*mut BarterSystem);

// SAFETY: the library's handle may be used from any thread; the targets
// keep it behind a Mutex.
unsafe impl Send for System {}

impl System {
    /// `barter_system_new`; after a failure `*out_system` must be NULL.
    pub fn start(
        config: &[u8],
        balances: &[u8],
        options: Option<&BarterSystemOptions>,
    ) -> Result<System, Failure> {
        let mut out: *mut BarterSystem = garbage();
        let status = unsafe {
            barter_system_new(
                ptr_of(config),
                config.len(),
                ptr_of(balances),
                balances.len(),
                options.map_or(null(), |o| o),
                &mut out,
            )
        };
        match call(status) {
            Ok(()) => {
                assert!(
                    !out.is_null(),
                    "barter_system_new succeeded without a System"
                );
                Ok(System(out))
            }
            Err(failure) => {
                assert!(
                    out.is_null(),
                    "barter_system_new failed but left *out_system set"
                );
                Err(failure)
            }
        }
    }

    pub fn raw(&self) -> *const BarterSystem {
        self.0
    }

    pub fn is_running(&self) -> bool {
        let mut running = 7;
        call(unsafe { barter_system_is_running(self.0, &mut running) }).unwrap();
        assert!(running <= 1, "is_running wrote {running}");
        running == 1
    }

    pub fn stats(&self) -> BarterAuditStats {
        let mut stats = BarterAuditStats::default();
        call(unsafe { barter_system_audit_stats(self.0, &mut stats) }).unwrap();
        assert_eq!(stats.received, stats.delivered + stats.queued, "{stats:?}");
        assert!(
            stats.queued <= stats.max_queued && stats.ended <= 1,
            "{stats:?}"
        );
        stats
    }

    /// The audit snapshot, checked to normalize to itself.
    pub fn check_snapshot(&self) {
        let mut out: *mut BarterBuffer = garbage();
        let status = unsafe { barter_system_audit_snapshot(self.0, &mut out) };
        let snapshot = encoded(status, out, "barter_system_audit_snapshot")
            .unwrap_or_else(|| panic!("no audit snapshot: {}", crate::last_error()));
        assert_is_normal(BarterEngineValue::StateSnapshot, ONE, snapshot.bytes());
    }

    /// `barter_system_audit_drain` with `timeout_ms`: the ticks (JSON lines)
    /// and their count, or `None` when the call failed.
    pub fn drain(&self, max_ticks: usize, timeout_ms: u32) -> Option<(Buffer, usize)> {
        let mut out: *mut BarterBuffer = garbage();
        let mut count = usize::MAX;
        let status = unsafe {
            barter_system_audit_drain(self.0, max_ticks, timeout_ms, &mut out, &mut count)
        };
        match encoded(status, out, "barter_system_audit_drain") {
            Some(ticks) => {
                assert!(
                    count <= max_ticks,
                    "{count} ticks for max_ticks {max_ticks}"
                );
                let lines = ticks.bytes().iter().filter(|&&b| b == b'\n').count();
                assert_eq!(lines, count, "the ticks' lines and out_count differ");
                Some((ticks, count))
            }
            None => {
                assert_eq!(count, 0, "a failed drain left out_count set");
                None
            }
        }
    }

    /// `barter_system_audit_drain_structs` without waiting, its batch
    /// handed to `check` and freed; `None` when the call failed.
    pub fn drain_structs(
        &self,
        max_ticks: usize,
        check: impl FnOnce(&BarterAuditBatch),
    ) -> Option<usize> {
        let mut out: *mut BarterAuditBatch = garbage();
        let status = unsafe { barter_system_audit_drain_structs(self.0, max_ticks, 0, &mut out) };
        if status != BarterStatus::Ok {
            assert!(out.is_null(), "a failed drain left its batch set");
            failure(status);
            return None;
        }
        assert!(!out.is_null(), "a drain succeeded without a batch");
        // SAFETY: a batch just made, freed below.
        let batch = unsafe { &*out };
        assert!(
            batch.len <= max_ticks,
            "{} ticks for max_ticks {max_ticks}",
            batch.len
        );
        check(batch);
        let count = batch.len;
        call(unsafe { barter_audit_batch_free(&mut out) }).unwrap();
        assert!(out.is_null());
        Some(count)
    }

    /// `barter_system_shutdown`, which always succeeds; the engine then runs
    /// no more.
    pub fn shutdown(&self) {
        call(unsafe { barter_system_shutdown(self.0) }).unwrap();
        assert!(!self.is_running(), "the engine runs after shutdown");
    }

    /// After shutdown: the trading summary for `interval`, checked to
    /// normalize to itself.
    pub fn check_summary(&self, interval: u32) {
        let rate = decimal(5, 2);
        let mut out: *mut BarterBuffer = garbage();
        let status = unsafe { barter_system_trading_summary(self.0, &rate, interval, &mut out) };
        let Some(summary) = encoded(status, out, "barter_system_trading_summary") else {
            assert!(!(1..=3).contains(&interval), "{}", crate::last_error());
            return;
        };
        // BarterEngineValue's summaries follow BarterSummaryInterval's order.
        let value = BarterEngineValue::TradingSummaryDaily as u32 + interval - 1;
        assert_is_normal_raw(value, ONE, summary.bytes());
    }
}

impl Drop for System {
    fn drop(&mut self) {
        call(unsafe { barter_system_free(&mut self.0) }).unwrap();
        assert!(self.0.is_null());
        call(unsafe { barter_system_free(&mut self.0) }).unwrap();
    }
}

/// Audit ticks a caller has drained from one System: every batch must
/// normalize to itself and continue the sequence.
#[derive(Debug, Default)]
pub struct AuditLog {
    /// The sequence of the last tick drained (the snapshot is 0).
    pub sequence: u64,
}

impl AuditLog {
    pub fn check(&mut self, ticks: &[u8]) {
        for line in ticks.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            // One by one: a tick barter cannot read back spoils no other.
            assert_is_normal(BarterEngineValue::AuditTick, ONE, line);
            let tick: serde_json::Value = serde_json::from_slice(line).unwrap();
            let sequence = tick["context"]["sequence"]
                .as_u64()
                .unwrap_or_else(|| panic!("a tick without a sequence: {tick}"));
            assert_eq!(sequence, self.sequence + 1, "a tick lost or out of order");
            self.sequence = sequence;
        }
    }

    /// A drain as C structs: the entries continue the sequence, each JSON
    /// tick normalizes to itself and carries its entry's sequence, and each
    /// event struct encodes (the library reads what it wrote).
    pub fn check_structs(&mut self, batch: &BarterAuditBatch) {
        // SAFETY (every slice and view): the batch's own memory.
        let entries = unsafe { slice(batch.entries, batch.len) };
        let json = unsafe { bytes_of(batch.json) };
        let lines: Vec<&[u8]> = json
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        let (mut json_ticks, mut market_ticks, mut account_ticks) = (0, 0, 0);
        for entry in entries {
            assert_eq!(
                entry.sequence,
                self.sequence + 1,
                "a tick lost or out of order"
            );
            self.sequence = entry.sequence;
            let kind = BarterAuditTickKind::from_raw(entry.kind).expect("a tick's kind");
            let (message, item) = match kind {
                BarterAuditTickKind::Json => {
                    json_ticks += 1;
                    let line = lines[entry.index];
                    assert_is_normal(BarterEngineValue::AuditTick, ONE, line);
                    let tick: serde_json::Value = serde_json::from_slice(line).unwrap();
                    assert_eq!(tick["context"]["sequence"].as_u64(), Some(entry.sequence));
                    continue;
                }
                BarterAuditTickKind::Market => {
                    market_ticks += 1;
                    assert!(entry.index < batch.market_events_len, "{entry:?}");
                    // SAFETY: inside the batch's array.
                    let item = unsafe { batch.market_events.add(entry.index) };
                    (BarterMessage::MarketStreamEvent, item.cast::<c_void>())
                }
                BarterAuditTickKind::Account => {
                    account_ticks += 1;
                    assert!(entry.index < batch.account_events_len, "{entry:?}");
                    // SAFETY: inside the batch's array.
                    let item = unsafe { batch.account_events.add(entry.index) };
                    (BarterMessage::AccountEvent, item.cast::<c_void>())
                }
            };
            let indexed = BarterKeys::Indexed as u32;
            let encoded = unsafe { crate::messages_encode(message as u32, indexed, item, 1, ONE) };
            assert!(
                encoded.is_some(),
                "a drained event does not encode: {}",
                crate::last_error()
            );
        }
        assert_eq!(json_ticks, lines.len(), "JSON lines without an entry");
        assert_eq!(market_ticks, batch.market_events_len);
        assert_eq!(account_ticks, batch.account_events_len);
    }

    /// Drains every tick queued now, without waiting.
    pub fn drain_queued(&mut self, system: &System) {
        while let Some((ticks, 1..)) = system.drain(usize::MAX, 0) {
            self.check(ticks.bytes());
        }
    }

    /// After shutdown: the audit has ended and every tick it received was
    /// delivered.
    pub fn drain_to_end(&mut self, system: &System) {
        self.drain_queued(system);
        let stats = system.stats();
        assert_eq!(stats.ended, 1, "the audit did not end with the System");
        assert_eq!(stats.queued, 0, "{stats:?}");
        assert_eq!(stats.delivered, self.sequence, "{stats:?}");
    }
}

/// `barter_engine_json_normalize`: the output, or `None` when the input
/// was refused (the failure checked, `*out_buffer` NULL).
pub fn normalize(value: u32, format: u32, input: &[u8]) -> Option<Vec<u8>> {
    let mut out: *mut BarterBuffer = garbage();
    let status = unsafe {
        barter_engine_json_normalize(value, format, ptr_of(input), input.len(), &mut out)
    };
    encoded(status, out, "barter_engine_json_normalize").map(|b| b.bytes().to_vec())
}

/// # Safety
/// `ptr` must be valid for `len` items (any pointer when `len` is 0).
unsafe fn slice<'a, T>(ptr: *const T, len: usize) -> &'a [T] {
    if len == 0 {
        return &[];
    }
    // SAFETY: per this function's contract.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Asserts that `output` is JSON framed as `format` with one value for
/// each value of `input` (which the library accepted in that format).
fn check_framing(output: &[u8], format: u32, input: &[u8]) {
    let text = String::from_utf8_lossy(output);
    match format {
        ONE => {
            serde_json::from_slice::<IgnoredAny>(output)
                .unwrap_or_else(|e| panic!("not one JSON value ({e}): {text}"));
            assert!(!output.contains(&b'\n'), "one value over lines: {text}");
        }
        LINES => {
            let body = match output {
                [] => &[][..],
                [body @ .., b'\n'] => body,
                _ => panic!("JSON lines output without a final newline: {text}"),
            };
            let lines: Vec<&[u8]> = match body {
                [] if output.is_empty() => Vec::new(),
                body => body.split(|&b| b == b'\n').collect(),
            };
            for line in &lines {
                assert!(!is_blank(line), "a blank output line: {text}");
                serde_json::from_slice::<IgnoredAny>(line)
                    .unwrap_or_else(|e| panic!("a line is not one JSON value ({e}): {text}"));
            }
            let values = input.split(|&b| b == b'\n').filter(|l| !is_blank(l));
            assert_eq!(lines.len(), values.count(), "not one line per value");
        }
        _ => {
            let values = serde_json::from_slice::<Vec<IgnoredAny>>(output)
                .unwrap_or_else(|e| panic!("not a JSON array ({e}): {text}"));
            let given = serde_json::from_slice::<Vec<IgnoredAny>>(input).unwrap();
            assert_eq!(values.len(), given.len(), "not one item per value");
        }
    }
}

/// barter-data prints an `OrderBook`'s sides without the `side` their
/// `Deserialize` requires (`#[serde(skip_serializing)]`): serde cannot read
/// that output back (pinned in tests/fixtures/engine_values.jsonl).
fn unreadable_order_book(json: &[u8]) -> bool {
    crate::last_error().contains("missing field `side`")
        && json.windows(11).any(|w| w == b"\"OrderBook\"")
}

/// The oracle of `barter_engine_json_normalize`: an accepted input gives
/// JSON framed as `format` that normalizes again to the same bytes.
pub fn check_normalize(value: u32, format: u32, input: &[u8]) {
    let Some(first) = normalize(value, format, input) else {
        return;
    };
    check_framing(&first, format, input);
    let Some(second) = normalize(value, format, &first) else {
        assert!(
            unreadable_order_book(&first),
            "normalized output does not normalize: {}\n{}",
            crate::last_error(),
            String::from_utf8_lossy(&first)
        );
        return;
    };
    assert_eq!(
        String::from_utf8_lossy(&first),
        String::from_utf8_lossy(&second),
        "normalize is not idempotent"
    );
}

/// Asserts that JSON the library printed is already normal: it normalizes
/// to the same bytes.
pub fn assert_is_normal(value: BarterEngineValue, format: u32, json: &[u8]) {
    assert_is_normal_raw(value as u32, format, json);
}

fn assert_is_normal_raw(value: u32, format: u32, json: &[u8]) {
    let Some(again) = normalize(value, format, json) else {
        assert!(
            unreadable_order_book(json),
            "the library's own JSON does not normalize: {}\n{}",
            crate::last_error(),
            String::from_utf8_lossy(json)
        );
        return;
    };
    assert_eq!(
        String::from_utf8_lossy(json),
        String::from_utf8_lossy(&again),
        "the library's own JSON is not normal"
    );
}
