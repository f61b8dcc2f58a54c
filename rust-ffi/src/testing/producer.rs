//! Test producers: Rust threads pushing order events into an event sink, as
//! a session does, but at full speed and with events a consumer can check
//! (`strategy` names the producer, `cid` counts). The sink tests and the
//! session-load benchmark drive the sink's policies with them.

use crate::buffer::{self, BarterBuffer};
use crate::messages::BarterKeys;
use crate::sink::{BarterEventSink, EventSink, PushError, SinkEvent};
use crate::status::{ffi_call, out_param, BarterStatus, FfiError};
use barter_execution::order::id::{ClientOrderId, OrderId, StrategyId};
use barter_execution::order::state::{
    ActiveOrderState, Cancelled, InactiveOrderState, Open, OpenInFlight, OrderState,
};
use barter_execution::order::{OrderEvent, OrderKey};
use barter_instrument::asset::name::AssetNameExchange;
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::instrument::name::InstrumentNameExchange;
use barter_instrument::instrument::InstrumentIndex;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::sync::Arc;
use std::time::Instant;

/// The `n`th order event test producer `producer` pushes: a realistic mix of
/// states (Open with a partial fill, FullyFilled, OpenInFlight, Cancelled),
/// with `strategy = "producer-{producer}"` and `cid = "{n}"` so a consumer can
/// check order and completeness. A test and benchmark fixture.
pub fn test_order_event(producer: u32, n: u64, keys: BarterKeys) -> SinkEvent {
    let time = DateTime::<Utc>::from_timestamp(
        1_750_000_000 + (n / 1000) as i64,
        (n % 1000) as u32 * 1_000_003,
    )
    .expect("in range");
    let id = OrderId::new(format!("ord-{producer}-{n}"));
    let state: OrderState<AssetNameExchange, InstrumentNameExchange> = match n % 4 {
        0 => OrderState::Active(ActiveOrderState::Open(Open {
            id,
            time_exchange: time,
            filled_quantity: Decimal::new((n % 1000) as i64, 3),
        })),
        1 => OrderState::Inactive(InactiveOrderState::FullyFilled),
        2 => OrderState::Active(ActiveOrderState::OpenInFlight(OpenInFlight)),
        _ => OrderState::Inactive(InactiveOrderState::Cancelled(Cancelled {
            id,
            time_exchange: time,
        })),
    };
    let strategy = StrategyId::new(format!("producer-{producer}"));
    let cid = ClientOrderId::new(n.to_string());
    match keys {
        BarterKeys::Unindexed => SinkEvent::UnindexedOrderEvent(OrderEvent {
            key: OrderKey {
                exchange: ExchangeId::BinanceSpot,
                instrument: InstrumentNameExchange::new("BTCUSDT"),
                strategy,
                cid,
            },
            state,
        }),
        BarterKeys::Indexed => SinkEvent::OrderEvent(OrderEvent {
            key: OrderKey {
                exchange: ExchangeIndex(1),
                instrument: InstrumentIndex(producer as usize),
                strategy,
                cid,
            },
            state: match state {
                OrderState::Active(active) => OrderState::Active(active),
                OrderState::Inactive(InactiveOrderState::FullyFilled) => {
                    OrderState::Inactive(InactiveOrderState::FullyFilled)
                }
                OrderState::Inactive(InactiveOrderState::Cancelled(cancelled)) => {
                    OrderState::Inactive(InactiveOrderState::Cancelled(cancelled))
                }
                OrderState::Inactive(_) => unreachable!("test events use no other state"),
            },
        }),
    }
}

/// What a test producer thread did.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BarterTestProducerReport {
    /// Events the sink accepted.
    pub accepted: u64,
    /// Events the sink refused (queue full under the reject policy); the
    /// producer moved on to the next one.
    pub rejected: u64,
    /// 1 if the producer stopped early because the sink was closed.
    pub closed: u32,
    /// Set to zero.
    pub reserved: u32,
    /// Wall time of the pushes, in nanoseconds.
    pub elapsed_ns: u64,
}

/// A running test producer thread. Opaque.
pub struct BarterTestProducer {
    thread: std::thread::JoinHandle<BarterTestProducerReport>,
}

fn produce(
    sink: &EventSink,
    producer: u32,
    count: u64,
    keys: BarterKeys,
) -> BarterTestProducerReport {
    let start = Instant::now();
    let mut report = BarterTestProducerReport::default();
    for n in 0..count {
        match sink.push(test_order_event(producer, n, keys)) {
            Ok(_) => report.accepted += 1,
            Err(PushError::Full(_) | PushError::Invalid(..)) => report.rejected += 1,
            Err(PushError::Closed(_)) => {
                report.rejected += 1;
                report.closed = 1;
                break;
            }
        }
    }
    report.elapsed_ns = start.elapsed().as_nanos().min(u64::MAX.into()) as u64;
    report
}

/// TEST AND BENCHMARK HOOK (`testing` builds only). Starts a Rust thread that pushes `count` order
/// events (`test_order_event(producer, 0..count, keys)`) into `sink` with the
/// sink's full-queue policy, then writes a handle to join it at
/// `*out_producer`. It stops early if the sink is closed.
///
/// # Safety
/// `sink` must be NULL or a live handle; `out_producer` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_test_producer_start(
    sink: *const BarterEventSink,
    producer: u32,
    count: u64,
    keys: u32,
    out_producer: *mut *mut BarterTestProducer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_producer = unsafe { out_param(out_producer, "out_producer") }?;
        *out_producer = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let handle = unsafe { sink.as_ref() }.ok_or_else(|| FfiError::null("sink"))?;
        let keys = BarterKeys::from_raw(keys)?;
        let sink = Arc::clone(&handle.sink);
        let thread = std::thread::Builder::new()
            .name(format!("barter-test-producer-{producer}"))
            .spawn(move || produce(&sink, producer, count, keys))
            .map_err(|e| FfiError::invalid(format!("cannot start a thread: {e}")))?;
        *out_producer = Box::into_raw(Box::new(BarterTestProducer { thread }));
        Ok(())
    })
}

/// TEST AND BENCHMARK HOOK (`testing` builds only). Waits for the producer thread `*producer` to
/// finish, writes its report to `*out_report`, frees the handle and sets
/// `*producer` to NULL. Close the sink or drain it, or this waits for room.
///
/// # Safety
/// `*producer` must be a handle from `barter_test_producer_start` not yet
/// joined; `out_report` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_test_producer_join(
    producer: *mut *mut BarterTestProducer,
    out_report: *mut BarterTestProducerReport,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let slot = unsafe { producer.as_mut() }.ok_or_else(|| FfiError::null("producer"))?;
        let raw = std::mem::replace(slot, std::ptr::null_mut());
        if raw.is_null() {
            return Err(FfiError::null("*producer"));
        }
        // SAFETY: `raw` came from `barter_test_producer_start`, joined once.
        let handle = unsafe { Box::from_raw(raw) };
        let report = handle
            .thread
            .join()
            .map_err(|_| FfiError::new(BarterStatus::Panic, "test producer thread panicked"))?;
        // SAFETY: per this function's contract.
        if let Some(out) = unsafe { out_report.as_mut() } {
            *out = report;
        }
        Ok(())
    })
}

/// TEST AND BENCHMARK HOOK (`testing` builds only). Writes serde's JSON lines of the events
/// `test_order_event(producer, first..first + count, keys)` to a new buffer
/// at `*out_buffer` (free it with `barter_buffer_free`): the same events a
/// test producer pushes, for comparison with a JSON decode.
///
/// # Safety
/// `out_buffer` must be NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_test_events_json(
    producer: u32,
    first: u64,
    count: u64,
    keys: u32,
    out_buffer: *mut *mut BarterBuffer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        let keys = BarterKeys::from_raw(keys)?;
        crate::limits::check_events_len(usize::try_from(count).unwrap_or(usize::MAX))?;
        let mut out = Vec::new();
        for n in first..first.saturating_add(count) {
            let written = match test_order_event(producer, n, keys) {
                SinkEvent::OrderEvent(event) => serde_json::to_writer(&mut out, &event),
                SinkEvent::UnindexedOrderEvent(event) => serde_json::to_writer(&mut out, &event),
                SinkEvent::AccountEvent(_) | SinkEvent::UnindexedAccountEvent(_) => {
                    unreachable!("test events are order events")
                }
            };
            written.map_err(|e| FfiError::invalid(e.to_string()))?;
            out.push(b'\n');
        }
        *out_buffer = buffer::into_raw(out);
        Ok(())
    })
}
