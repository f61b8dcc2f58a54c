//! Sample events built from real barter values. They are the executable
//! specification: the fixture generator serialises them with serde into
//! `tests/fixtures/`, the Rust tests round-trip them through the C structs,
//! and pytest checks Python against serde's text for each one.

use crate::ctypes::order_event::IndexedOrderEvent;
use barter_execution::error::{ApiError, ConnectivityError, OrderError};
use barter_execution::order::id::{ClientOrderId, OrderId, StrategyId};
use barter_execution::order::state::{
    ActiveOrderState, CancelInFlight, Cancelled, InactiveOrderState, Open, OpenInFlight, OrderState,
};
use barter_execution::order::{OrderEvent, OrderKey};
use barter_instrument::asset::AssetIndex;
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::instrument::InstrumentIndex;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;

fn key(exchange: usize, instrument: usize, strategy: &str, cid: &str) -> OrderKey {
    OrderKey {
        exchange: ExchangeIndex(exchange),
        instrument: InstrumentIndex(instrument),
        strategy: StrategyId::new(strategy),
        cid: ClientOrderId::new(cid),
    }
}

fn time(rfc3339: &str) -> DateTime<Utc> {
    // Through serde, the parser barter's JSON goes through (it also takes
    // years beyond 9999, which `parse_from_rfc3339` refuses).
    serde_json::from_value(serde_json::Value::String(rfc3339.to_owned()))
        .expect("sample timestamps are valid")
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .expect("sample decimals are valid")
}

fn open(id: &str, at: &str, filled: &str) -> Open {
    Open {
        id: OrderId::new(id),
        time_exchange: time(at),
        filled_quantity: decimal(filled),
    }
}

fn active(state: impl Into<ActiveOrderState>) -> OrderState {
    OrderState::Active(state.into())
}

fn failed(error: impl Into<OrderError>) -> OrderState {
    OrderState::Inactive(InactiveOrderState::OpenFailed(error.into()))
}

/// One event for every `OrderState` leaf and every `OrderError` leaf, then
/// the edge cases of each field type.
pub fn order_events() -> Vec<(&'static str, IndexedOrderEvent)> {
    let k = || key(1, 3, "mm", "cid-42");
    let event = |key: OrderKey, state: OrderState| OrderEvent { key, state };
    let asset_rejected = |error: ApiError| failed(OrderError::Rejected(error));
    vec![
        ("open_in_flight", event(k(), active(OpenInFlight))),
        (
            "open",
            event(
                k(),
                active(open("ord-1", "2025-10-05T10:15:00.123456789Z", "0.50")),
            ),
        ),
        (
            "cancel_in_flight_with_order",
            event(
                k(),
                active(CancelInFlight {
                    order: Some(open("ord-1", "2025-10-05T10:15:01.5Z", "1.25")),
                }),
            ),
        ),
        (
            "cancel_in_flight_without_order",
            event(k(), active(CancelInFlight { order: None })),
        ),
        (
            "cancelled",
            event(
                k(),
                OrderState::Inactive(InactiveOrderState::Cancelled(Cancelled {
                    id: OrderId::new("ord-1"),
                    time_exchange: time("2025-10-05T10:16:00Z"),
                })),
            ),
        ),
        ("fully_filled", event(k(), OrderState::fully_filled())),
        ("expired", event(k(), OrderState::expired())),
        (
            "open_failed_exchange_offline",
            event(
                k(),
                failed(ConnectivityError::ExchangeOffline(ExchangeId::BinanceSpot)),
            ),
        ),
        (
            "open_failed_timeout",
            event(k(), failed(ConnectivityError::Timeout)),
        ),
        (
            "open_failed_socket",
            event(
                k(),
                failed(ConnectivityError::Socket("connection reset by peer".into())),
            ),
        ),
        (
            "open_failed_asset_invalid",
            event(
                k(),
                asset_rejected(ApiError::AssetInvalid(
                    AssetIndex(7),
                    "unknown asset".into(),
                )),
            ),
        ),
        (
            "open_failed_instrument_invalid",
            event(
                k(),
                asset_rejected(ApiError::InstrumentInvalid(
                    InstrumentIndex(3),
                    "market closed".into(),
                )),
            ),
        ),
        (
            "open_failed_rate_limit",
            event(k(), asset_rejected(ApiError::RateLimit)),
        ),
        (
            "open_failed_balance_insufficient",
            event(
                k(),
                asset_rejected(ApiError::BalanceInsufficient(
                    AssetIndex(1),
                    "need 10".into(),
                )),
            ),
        ),
        (
            "open_failed_order_rejected",
            event(
                k(),
                asset_rejected(ApiError::OrderRejected("post-only would cross".into())),
            ),
        ),
        (
            "open_failed_order_already_cancelled",
            event(k(), asset_rejected(ApiError::OrderAlreadyCancelled)),
        ),
        (
            "open_failed_order_already_fully_filled",
            event(k(), asset_rejected(ApiError::OrderAlreadyFullyFilled)),
        ),
        // Decimals: scale kept, up to 28 digits, the 96-bit extremes.
        (
            "decimal_scale_28",
            event(k(), active(open("d1", "2025-01-01T00:00:00Z", "1e-28"))),
        ),
        (
            "decimal_max_mantissa",
            event(
                k(),
                active(open(
                    "d2",
                    "2025-01-01T00:00:00Z",
                    "79228162514264337593543950335",
                )),
            ),
        ),
        (
            "decimal_negative_scale_28",
            event(
                k(),
                active(open(
                    "d3",
                    "2025-01-01T00:00:00Z",
                    "-1.0000000000000000000000000001",
                )),
            ),
        ),
        (
            "decimal_trailing_zeros",
            event(
                k(),
                active(open("d4", "2025-01-01T00:00:00Z", "100.000000")),
            ),
        ),
        (
            "decimal_zero",
            event(k(), active(open("d5", "2025-01-01T00:00:00Z", "0"))),
        ),
        // Timestamps: 0/3/6/9 fractional digits, before 1970, after 2262,
        // years beyond 9999 and a leap second.
        (
            "time_millis",
            event(k(), active(open("t1", "2025-10-05T10:15:00.123Z", "1"))),
        ),
        (
            "time_micros",
            event(k(), active(open("t2", "2025-10-05T10:15:00.123456Z", "1"))),
        ),
        (
            "time_before_1970",
            event(
                k(),
                active(open("t3", "1969-07-20T20:17:40.000000001Z", "1")),
            ),
        ),
        (
            "time_after_2262",
            event(
                k(),
                active(open("t4", "2262-04-11T23:47:16.854775808Z", "1")),
            ),
        ),
        (
            "time_year_10000",
            event(k(), active(open("t5", "+10000-01-01T00:00:00Z", "1"))),
        ),
        (
            "time_year_0",
            event(k(), active(open("t6", "0000-01-01T00:00:00Z", "1"))),
        ),
        (
            "time_leap_second",
            event(k(), active(open("t7", "2016-12-31T23:59:60.5Z", "1"))),
        ),
        // Strings: non-ASCII, NUL, control characters, longer than SmolStr's
        // 23 inline bytes, and empty.
        (
            "strings_unicode_and_nul",
            event(
                key(0, 0, "stratégie 🚀 \"quoted\" \\ back", "cid\0with-nul"),
                active(open(
                    "ордер-\u{1}-\u{7f}-\u{ffff}",
                    "2025-10-05T10:15:00Z",
                    "2",
                )),
            ),
        ),
        (
            "strings_long",
            event(
                key(
                    2,
                    5,
                    &"s".repeat(100),
                    "a-client-order-id-that-is-longer-than-23-bytes",
                ),
                failed(OrderError::Rejected(ApiError::OrderRejected(
                    "x".repeat(300),
                ))),
            ),
        ),
        (
            "strings_empty",
            event(key(0, 0, "", ""), OrderState::expired()),
        ),
        (
            "index_max",
            event(
                key(usize::MAX, usize::MAX, "mm", "max"),
                asset_rejected(ApiError::BalanceInsufficient(
                    AssetIndex(usize::MAX),
                    "".into(),
                )),
            ),
        ),
    ]
}

/// A short, realistic order lifecycle for the example file and the CLI demo.
pub fn example_events() -> Vec<IndexedOrderEvent> {
    let event = |cid: &str, state: OrderState| OrderEvent {
        key: key(0, 1, "btc-momentum", cid),
        state,
    };
    vec![
        event("cid-1001", active(OpenInFlight)),
        event(
            "cid-1001",
            active(open("1744213", "2025-10-05T10:15:00.120356Z", "0")),
        ),
        event(
            "cid-1001",
            active(open("1744213", "2025-10-05T10:15:02.981004113Z", "0.0250")),
        ),
        event(
            "cid-1001",
            active(CancelInFlight {
                order: Some(open("1744213", "2025-10-05T10:15:02.981004113Z", "0.0250")),
            }),
        ),
        event(
            "cid-1001",
            OrderState::Inactive(InactiveOrderState::Cancelled(Cancelled {
                id: OrderId::new("1744213"),
                time_exchange: time("2025-10-05T10:15:03.4Z"),
            })),
        ),
        event("cid-1002", active(OpenInFlight)),
        event("cid-1002", OrderState::fully_filled()),
        event("cid-1003", active(OpenInFlight)),
        event(
            "cid-1003",
            failed(OrderError::Rejected(ApiError::BalanceInsufficient(
                AssetIndex(1),
                "available 1520.40 USDT, required 2400.00 USDT".into(),
            ))),
        ),
        event("cid-1004", failed(ConnectivityError::Timeout)),
    ]
}
