//! The handshake: the ABI version and the layout of every public struct, so a
//! binding can refuse a library it was not built for.

use crate::batch::BarterLineError;
use crate::buffer::BarterBuffer;
use crate::ctypes::account::{
    BarterAccountEvent, BarterAccountSnapshot, BarterAssetBalance, BarterInstrumentSnapshot,
    BarterTrade,
};
use crate::ctypes::c_tag;
use crate::ctypes::decimal::BarterDecimal;
use crate::ctypes::key::{BarterKey, BarterOrderKey};
use crate::ctypes::market::{
    BarterCandle, BarterDataError, BarterLevel, BarterLiquidation, BarterMarketEvent,
    BarterMarketStreamEvent, BarterOrderBook, BarterOrderBookL1, BarterPublicTrade,
};
use crate::ctypes::order::{BarterOrderResponseOpen, BarterOrderSnapshot};
use crate::ctypes::order_error::BarterOrderError;
use crate::ctypes::order_event::BarterOrderEvent;
use crate::ctypes::order_event::{
    BarterOrderRequestCancel, BarterOrderRequestOpen, BarterOrderResponseCancel,
};
use crate::ctypes::order_result::BarterOrderResult;
use crate::ctypes::order_state::BarterOrderState;
use crate::ctypes::request::{BarterRequestCancel, BarterRequestOpen, BarterTimeInForce};
use crate::ctypes::strings::BarterStr;
use crate::ctypes::timestamp::BarterTimestamp;
use crate::messages::BarterBatch;
use crate::order_events::BarterOrderEventBatch;
use crate::session::{BarterSessionOptions, BarterSessionReply};
use crate::sink::{BarterEventBatch, BarterSinkEntry, BarterSinkError, BarterSinkStats};
use crate::status::{ffi_call, out_param, BarterStatus};
use crate::system::audit::BarterAuditStats;
use crate::system::backtest::BarterBacktestArgs;
use crate::system::filter::BarterInstrumentFilter;
use crate::system::stepped::BarterBacktestProgress;
use crate::system::ticks::{BarterAuditBatch, BarterAuditEntry};
use crate::system::BarterSystemOptions;
use std::mem::{align_of, size_of};

/// Bumped on every change to a public struct, tag value or signature.
pub const BARTER_ABI_VERSION: u32 = 6;

/// Names a public struct for `barter_abi_struct_layout`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterAbiStruct {
    Str = 1,
    Decimal = 2,
    Timestamp = 3,
    Key = 4,
    OrderKey = 5,
    OrderError = 6,
    OrderState = 7,
    OrderEvent = 8,
    LineError = 9,
    OrderEventBatch = 10,
    Buffer = 11,
    Batch = 12,
    TimeInForce = 13,
    RequestOpen = 14,
    RequestCancel = 15,
    OrderRequestOpen = 16,
    OrderRequestCancel = 17,
    OrderResult = 18,
    OrderResponseCancel = 19,
    OrderSnapshot = 20,
    OrderResponseOpen = 21,
    Trade = 22,
    AssetBalance = 23,
    InstrumentSnapshot = 24,
    AccountSnapshot = 25,
    AccountEvent = 26,
    SinkEntry = 27,
    SinkError = 28,
    EventBatch = 29,
    SinkStats = 30,
    SessionOptions = 31,
    SessionReply = 32,
    // 33 named the test producer's report, which left the product ABI in
    // version 5 (it lives in the `testing` build only); never reuse it.
    SystemOptions = 34,
    InstrumentFilter = 35,
    AuditStats = 36,
    Level = 37,
    PublicTrade = 38,
    OrderBookL1 = 39,
    OrderBook = 40,
    Candle = 41,
    Liquidation = 42,
    MarketEvent = 43,
    DataError = 44,
    MarketStreamEvent = 45,
    BacktestArgs = 46,
    BacktestProgress = 47,
    AuditEntry = 48,
    AuditBatch = 49,
}

c_tag!(BarterAbiStruct {
    Str,
    Decimal,
    Timestamp,
    Key,
    OrderKey,
    OrderError,
    OrderState,
    OrderEvent,
    LineError,
    OrderEventBatch,
    Buffer,
    Batch,
    TimeInForce,
    RequestOpen,
    RequestCancel,
    OrderRequestOpen,
    OrderRequestCancel,
    OrderResult,
    OrderResponseCancel,
    OrderSnapshot,
    OrderResponseOpen,
    Trade,
    AssetBalance,
    InstrumentSnapshot,
    AccountSnapshot,
    AccountEvent,
    SinkEntry,
    SinkError,
    EventBatch,
    SinkStats,
    SessionOptions,
    SessionReply,
    SystemOptions,
    InstrumentFilter,
    AuditStats,
    Level,
    PublicTrade,
    OrderBookL1,
    OrderBook,
    Candle,
    Liquidation,
    MarketEvent,
    DataError,
    MarketStreamEvent,
    BacktestArgs,
    BacktestProgress,
    AuditEntry,
    AuditBatch
});

fn layout<T>() -> (usize, usize) {
    (size_of::<T>(), align_of::<T>())
}

/// Writes the ABI version of this library to `out`.
///
/// # Safety
/// `out` must be NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_abi_version(out: *mut u32) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        *unsafe { out_param(out, "out") }? = BARTER_ABI_VERSION;
        Ok(())
    })
}

/// Writes the size and alignment of the struct named by `which` (a
/// `BarterAbiStruct`), as this library was compiled.
///
/// # Safety
/// `out_size` and `out_align` must be NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_abi_struct_layout(
    which: u32,
    out_size: *mut usize,
    out_align: *mut usize,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_size = unsafe { out_param(out_size, "out_size") }?;
        let out_align = unsafe { out_param(out_align, "out_align") }?;
        use BarterAbiStruct as S;
        (*out_size, *out_align) = match S::from_raw(which)? {
            S::Str => layout::<BarterStr>(),
            S::Decimal => layout::<BarterDecimal>(),
            S::Timestamp => layout::<BarterTimestamp>(),
            S::Key => layout::<BarterKey>(),
            S::OrderKey => layout::<BarterOrderKey>(),
            S::OrderError => layout::<BarterOrderError>(),
            S::OrderState => layout::<BarterOrderState>(),
            S::OrderEvent => layout::<BarterOrderEvent>(),
            S::LineError => layout::<BarterLineError>(),
            S::OrderEventBatch => layout::<BarterOrderEventBatch>(),
            S::Buffer => layout::<BarterBuffer>(),
            S::Batch => layout::<BarterBatch>(),
            S::TimeInForce => layout::<BarterTimeInForce>(),
            S::RequestOpen => layout::<BarterRequestOpen>(),
            S::RequestCancel => layout::<BarterRequestCancel>(),
            S::OrderRequestOpen => layout::<BarterOrderRequestOpen>(),
            S::OrderRequestCancel => layout::<BarterOrderRequestCancel>(),
            S::OrderResult => layout::<BarterOrderResult>(),
            S::OrderResponseCancel => layout::<BarterOrderResponseCancel>(),
            S::OrderSnapshot => layout::<BarterOrderSnapshot>(),
            S::OrderResponseOpen => layout::<BarterOrderResponseOpen>(),
            S::Trade => layout::<BarterTrade>(),
            S::AssetBalance => layout::<BarterAssetBalance>(),
            S::InstrumentSnapshot => layout::<BarterInstrumentSnapshot>(),
            S::AccountSnapshot => layout::<BarterAccountSnapshot>(),
            S::AccountEvent => layout::<BarterAccountEvent>(),
            S::SinkEntry => layout::<BarterSinkEntry>(),
            S::SinkError => layout::<BarterSinkError>(),
            S::EventBatch => layout::<BarterEventBatch>(),
            S::SinkStats => layout::<BarterSinkStats>(),
            S::SessionOptions => layout::<BarterSessionOptions>(),
            S::SessionReply => layout::<BarterSessionReply>(),
            S::SystemOptions => layout::<BarterSystemOptions>(),
            S::InstrumentFilter => layout::<BarterInstrumentFilter>(),
            S::AuditStats => layout::<BarterAuditStats>(),
            S::Level => layout::<BarterLevel>(),
            S::PublicTrade => layout::<BarterPublicTrade>(),
            S::OrderBookL1 => layout::<BarterOrderBookL1>(),
            S::OrderBook => layout::<BarterOrderBook>(),
            S::Candle => layout::<BarterCandle>(),
            S::Liquidation => layout::<BarterLiquidation>(),
            S::MarketEvent => layout::<BarterMarketEvent>(),
            S::DataError => layout::<BarterDataError>(),
            S::MarketStreamEvent => layout::<BarterMarketStreamEvent>(),
            S::BacktestArgs => layout::<BarterBacktestArgs>(),
            S::BacktestProgress => layout::<BarterBacktestProgress>(),
            S::AuditEntry => layout::<BarterAuditEntry>(),
            S::AuditBatch => layout::<BarterAuditBatch>(),
        };
        Ok(())
    })
}

/// Writes a view of this library's version (e.g. "0.1.0") to `out`. The
/// bytes are static and never freed.
///
/// # Safety
/// `out` must be NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_library_version(out: *mut BarterStr) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        *unsafe { out_param(out, "out") }? = BarterStr::borrowing(env!("CARGO_PKG_VERSION"));
        Ok(())
    })
}

/// Writes a view of the message of the last failed call on this thread to
/// `out` (empty if none failed yet). The view is valid until the next failed
/// call on the same thread; copy it before making more calls.
///
/// # Safety
/// `out` must be NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_last_error(out: *mut BarterStr) -> BarterStatus {
    // Not behind `ffi_call`: a NULL `out` must not overwrite the message the
    // caller is trying to read.
    // SAFETY: per this function's contract.
    let Some(out) = (unsafe { out.as_mut() }) else {
        return BarterStatus::NullPointer;
    };
    *out = crate::status::with_last_error(BarterStr::borrowing);
    BarterStatus::Ok
}
