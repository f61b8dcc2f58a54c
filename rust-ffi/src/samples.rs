//! Sample events built from real barter values. They are the executable
//! specification: the fixture generator serialises them with serde into
//! `tests/fixtures/`, the Rust tests round-trip them through the C structs,
//! and pytest checks Python against serde's text for each one.
//!
//! `engine`: the same for barter's engine values (audit ticks, engine
//! events, commands, market data, trading summaries).

pub mod engine;

use crate::ctypes::arena::Arena;
use crate::ctypes::order_event::IndexedOrderEvent;
use crate::ctypes::{FromC, ToC};
use crate::messages::{BarterKeys, BarterMessage};
use barter_execution::balance::{AssetBalance, Balance};
use barter_execution::error::{ApiError, ConnectivityError, OrderError};
use barter_execution::order::id::{ClientOrderId, OrderId, StrategyId};
use barter_execution::order::request::{
    OrderRequestCancel, OrderRequestOpen, OrderResponseCancel, RequestCancel, RequestOpen,
};
use barter_execution::order::state::{
    ActiveOrderState, CancelInFlight, Cancelled, InactiveOrderState, Open, OpenInFlight, OrderState,
};
use barter_execution::order::{Order, OrderKind, TimeInForce};
use barter_execution::order::{OrderEvent, OrderKey};
use barter_execution::trade::{AssetFees, Trade, TradeId};
use barter_execution::{
    AccountEvent, AccountEventKind, AccountSnapshot, InstrumentAccountSnapshot,
};
use barter_instrument::asset::name::AssetNameExchange;
use barter_instrument::asset::{AssetIndex, QuoteAsset};
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::instrument::name::InstrumentNameExchange;
use barter_instrument::instrument::InstrumentIndex;
use barter_instrument::Side;
use barter_integration::collection::snapshot::Snapshot as BarterSnapshot;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
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
pub fn order_events() -> Named<IndexedOrderEvent> {
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

/// Named samples of one type.
pub type Named<T> = Vec<(&'static str, T)>;

/// Keys of one of barter's two key forms, for building samples of both.
pub trait SampleKeys {
    type E: Clone;
    type A: Clone;
    type I: Clone;
    const NAME: &'static str;
    fn exchange() -> Self::E;
    fn asset(n: usize) -> Self::A;
    fn instrument(n: usize) -> Self::I;
}

/// `ExchangeIndex`, `AssetIndex`, `InstrumentIndex`.
pub struct Indexed;
/// `ExchangeId`, `AssetNameExchange`, `InstrumentNameExchange`.
pub struct Unindexed;

impl SampleKeys for Indexed {
    type E = ExchangeIndex;
    type A = AssetIndex;
    type I = InstrumentIndex;
    const NAME: &'static str = "indexed";
    fn exchange() -> ExchangeIndex {
        ExchangeIndex(1)
    }
    fn asset(n: usize) -> AssetIndex {
        AssetIndex(n)
    }
    fn instrument(n: usize) -> InstrumentIndex {
        InstrumentIndex(n)
    }
}

impl SampleKeys for Unindexed {
    type E = ExchangeId;
    type A = AssetNameExchange;
    type I = InstrumentNameExchange;
    const NAME: &'static str = "unindexed";
    fn exchange() -> ExchangeId {
        ExchangeId::Mock
    }
    fn asset(n: usize) -> AssetNameExchange {
        AssetNameExchange::new(["btc", "usdt", "eth", "ünïcødé"][n % 4])
    }
    fn instrument(n: usize) -> InstrumentNameExchange {
        InstrumentNameExchange::new(["BTCUSDT", "ETHUSDT", "btc_usdt_perp"][n % 3])
    }
}

fn order_key<K: SampleKeys>(cid: &str) -> OrderKey<K::E, K::I> {
    OrderKey {
        exchange: K::exchange(),
        instrument: K::instrument(0),
        strategy: StrategyId::new("mm"),
        cid: ClientOrderId::new(cid),
    }
}

type Error<K> = OrderError<<K as SampleKeys>::A, <K as SampleKeys>::I>;

fn errors<K: SampleKeys>() -> Named<Error<K>> {
    vec![
        (
            "exchange_offline",
            OrderError::Connectivity(ConnectivityError::ExchangeOffline(ExchangeId::Okx)),
        ),
        (
            "timeout",
            OrderError::Connectivity(ConnectivityError::Timeout),
        ),
        (
            "asset_invalid",
            OrderError::Rejected(ApiError::AssetInvalid(K::asset(3), "delisted".into())),
        ),
        (
            "instrument_invalid",
            OrderError::Rejected(ApiError::InstrumentInvalid(
                K::instrument(1),
                "halted".into(),
            )),
        ),
        (
            "balance_insufficient",
            OrderError::Rejected(ApiError::BalanceInsufficient(K::asset(1), "need 10".into())),
        ),
        (
            "order_already_cancelled",
            OrderError::Rejected(ApiError::OrderAlreadyCancelled),
        ),
    ]
}

fn request_open(side: Side, kind: OrderKind, tif: TimeInForce) -> RequestOpen {
    RequestOpen {
        side,
        price: decimal("64250.50"),
        quantity: decimal("0.0150"),
        kind,
        time_in_force: tif,
    }
}

/// Every `TimeInForce`, both sides and both kinds.
pub fn requests_open<K: SampleKeys>() -> Named<OrderRequestOpen<K::E, K::I>> {
    let event = |cid, state| OrderEvent {
        key: order_key::<K>(cid),
        state,
    };
    vec![
        (
            "limit_buy_gtc_post_only",
            event(
                "c1",
                request_open(
                    Side::Buy,
                    OrderKind::Limit,
                    TimeInForce::GoodUntilCancelled { post_only: true },
                ),
            ),
        ),
        (
            "limit_sell_gtc",
            event(
                "c2",
                request_open(
                    Side::Sell,
                    OrderKind::Limit,
                    TimeInForce::GoodUntilCancelled { post_only: false },
                ),
            ),
        ),
        (
            "limit_buy_good_until_end_of_day",
            event(
                "c3",
                request_open(Side::Buy, OrderKind::Limit, TimeInForce::GoodUntilEndOfDay),
            ),
        ),
        (
            "market_sell_fill_or_kill",
            event(
                "c4",
                request_open(Side::Sell, OrderKind::Market, TimeInForce::FillOrKill),
            ),
        ),
        (
            "market_buy_immediate_or_cancel",
            event(
                "c5",
                request_open(Side::Buy, OrderKind::Market, TimeInForce::ImmediateOrCancel),
            ),
        ),
    ]
}

pub fn requests_cancel<K: SampleKeys>() -> Named<OrderRequestCancel<K::E, K::I>> {
    vec![
        (
            "with_id",
            OrderEvent {
                key: order_key::<K>("c1"),
                state: RequestCancel {
                    id: Some(OrderId::new("ord-9")),
                },
            },
        ),
        (
            "without_id",
            OrderEvent {
                key: order_key::<K>("c2"),
                state: RequestCancel { id: None },
            },
        ),
    ]
}

pub fn responses_cancel<K: SampleKeys>() -> Named<OrderResponseCancel<K::E, K::A, K::I>> {
    let mut samples = vec![(
        "ok",
        OrderEvent {
            key: order_key::<K>("c1"),
            state: Ok(Cancelled {
                id: OrderId::new("ord-9"),
                time_exchange: time("2025-10-05T10:16:00.000000001Z"),
            }),
        },
    )];
    for (name, error) in errors::<K>() {
        samples.push((
            name,
            OrderEvent {
                key: order_key::<K>("c2"),
                state: Err(error),
            },
        ));
    }
    samples
}

fn order<K: SampleKeys, S>(cid: &str, state: S) -> Order<K::E, K::I, S> {
    Order {
        key: order_key::<K>(cid),
        side: Side::Buy,
        price: decimal("64250.50"),
        quantity: decimal("0.0150"),
        kind: OrderKind::Limit,
        time_in_force: TimeInForce::GoodUntilCancelled { post_only: true },
        state,
    }
}

pub type Snapshot<K> = Order<
    <K as SampleKeys>::E,
    <K as SampleKeys>::I,
    OrderState<<K as SampleKeys>::A, <K as SampleKeys>::I>,
>;

pub fn order_snapshots<K: SampleKeys>() -> Named<Snapshot<K>> {
    vec![
        (
            "open_in_flight",
            order::<K, _>(
                "c1",
                OrderState::Active(ActiveOrderState::OpenInFlight(OpenInFlight)),
            ),
        ),
        (
            "open",
            order::<K, _>(
                "c2",
                OrderState::Active(ActiveOrderState::Open(open(
                    "ord-2",
                    "2025-10-05T10:15:00.5Z",
                    "0.0050",
                ))),
            ),
        ),
        (
            "fully_filled",
            order::<K, _>("c3", OrderState::fully_filled()),
        ),
        (
            "open_failed",
            order::<K, _>(
                "c4",
                OrderState::Inactive(InactiveOrderState::OpenFailed(OrderError::Rejected(
                    ApiError::BalanceInsufficient(K::asset(1), "need 10".into()),
                ))),
            ),
        ),
    ]
}

pub type ResponseOpen<K> = Order<
    <K as SampleKeys>::E,
    <K as SampleKeys>::I,
    Result<Open, OrderError<<K as SampleKeys>::A, <K as SampleKeys>::I>>,
>;

pub fn responses_open<K: SampleKeys>() -> Named<ResponseOpen<K>> {
    vec![
        (
            "ok",
            order::<K, _>("c1", Ok(open("ord-1", "2025-10-05T10:15:00.123Z", "0"))),
        ),
        (
            "err_rejected",
            order::<K, _>(
                "c2",
                Err(OrderError::Rejected(ApiError::OrderRejected(
                    "price out of band".into(),
                ))),
            ),
        ),
        (
            "err_instrument_invalid",
            order::<K, _>(
                "c3",
                Err(OrderError::Rejected(ApiError::InstrumentInvalid(
                    K::instrument(2),
                    "unknown".into(),
                ))),
            ),
        ),
    ]
}

pub fn trades<K: SampleKeys>() -> Named<Trade<QuoteAsset, K::I>> {
    let trade = |id: &str, side, price: &str, quantity: &str, fees: &str| Trade {
        id: TradeId::new(id),
        order_id: OrderId::new("ord-1"),
        instrument: K::instrument(0),
        strategy: StrategyId::new("mm"),
        time_exchange: time("2025-10-05T10:15:02.981004113Z"),
        side,
        price: decimal(price),
        quantity: decimal(quantity),
        fees: AssetFees {
            asset: QuoteAsset,
            fees: decimal(fees),
        },
    };
    vec![
        (
            "buy",
            trade("t-1", Side::Buy, "64250.50", "0.0100", "0.6425050"),
        ),
        ("sell", trade("t-2", Side::Sell, "64251", "0.005", "0")),
    ]
}

fn balance<K: SampleKeys>(n: usize, total: &str, free: &str) -> AssetBalance<K::A> {
    AssetBalance {
        asset: K::asset(n),
        balance: Balance {
            total: decimal(total),
            free: decimal(free),
        },
        time_exchange: time("2025-10-05T10:15:00Z"),
    }
}

pub fn asset_balances<K: SampleKeys>() -> Named<AssetBalance<K::A>> {
    vec![
        ("btc", balance::<K>(0, "1.50000000", "1.25000000")),
        ("usdt", balance::<K>(1, "10000", "7500.25")),
    ]
}

pub fn account_snapshots<K: SampleKeys>() -> Named<AccountSnapshot<K::E, K::A, K::I>> {
    let full = AccountSnapshot {
        exchange: K::exchange(),
        balances: vec![
            balance::<K>(0, "1.5", "1.25"),
            balance::<K>(1, "10000", "7500.25"),
        ],
        instruments: vec![
            InstrumentAccountSnapshot {
                instrument: K::instrument(0),
                orders: order_snapshots::<K>()
                    .into_iter()
                    .map(|(_, order)| order)
                    .collect(),
            },
            InstrumentAccountSnapshot {
                instrument: K::instrument(1),
                orders: vec![],
            },
        ],
    };
    let empty = AccountSnapshot {
        exchange: K::exchange(),
        balances: vec![],
        instruments: vec![],
    };
    vec![("full", full), ("empty", empty)]
}

pub fn account_events<K: SampleKeys>() -> Named<AccountEvent<K::E, K::A, K::I>> {
    let event = |kind| AccountEvent {
        exchange: K::exchange(),
        kind,
    };
    let (_, snapshot) = account_snapshots::<K>().remove(0);
    let (_, balance) = asset_balances::<K>().remove(1);
    let (_, order) = order_snapshots::<K>().remove(1);
    let (_, cancelled) = responses_cancel::<K>().remove(0);
    let (_, rejected) = responses_cancel::<K>().remove(5);
    let (_, trade) = trades::<K>().remove(0);
    vec![
        ("snapshot", event(AccountEventKind::Snapshot(snapshot))),
        (
            "balance_snapshot",
            event(AccountEventKind::BalanceSnapshot(BarterSnapshot(balance))),
        ),
        (
            "order_snapshot",
            event(AccountEventKind::OrderSnapshot(BarterSnapshot(order))),
        ),
        (
            "order_cancelled_ok",
            event(AccountEventKind::OrderCancelled(cancelled)),
        ),
        (
            "order_cancelled_err",
            event(AccountEventKind::OrderCancelled(rejected)),
        ),
        ("trade", event(AccountEventKind::Trade(trade))),
    ]
}

/// barter's `OrderEvent<OrderState>` with name keys.
pub type UnindexedOrderEvent = OrderEvent<
    OrderState<AssetNameExchange, InstrumentNameExchange>,
    ExchangeId,
    InstrumentNameExchange,
>;

/// Unindexed order events: the leaves whose payload carries a key.
pub fn unindexed_order_events() -> Named<UnindexedOrderEvent> {
    let mut samples = vec![(
        "open",
        OrderEvent {
            key: order_key::<Unindexed>("c1"),
            state: OrderState::Active(ActiveOrderState::Open(open(
                "ord-1",
                "2025-10-05T10:15:00.123456789Z",
                "0.50",
            ))),
        },
    )];
    for (name, error) in errors::<Unindexed>() {
        samples.push((
            name,
            OrderEvent {
                key: order_key::<Unindexed>("c2"),
                state: OrderState::Inactive(InactiveOrderState::OpenFailed(error)),
            },
        ));
    }
    samples
}

/// One sample of any message type, in both of its serialised forms.
pub struct MessageSample {
    pub message: BarterMessage,
    /// snake_case name of the message, as the fixtures spell it.
    pub message_name: &'static str,
    pub keys: BarterKeys,
    pub case: &'static str,
    /// serde_json's exact output.
    pub serde: String,
    /// Converts the value to its C struct and back, and compares.
    pub round_trip_c: Box<dyn Fn() -> Result<(), String>>,
}

/// What a sample type needs: serde, both C conversions, and comparison.
pub trait Sample:
    Serialize + ToC + FromC<C = <Self as ToC>::C> + PartialEq + std::fmt::Debug + Clone + 'static
{
}

impl<T> Sample for T where
    T: Serialize + ToC + FromC<C = <T as ToC>::C> + PartialEq + std::fmt::Debug + Clone + 'static
{
}

fn collect<T: Sample>(
    out: &mut Vec<MessageSample>,
    message: BarterMessage,
    message_name: &'static str,
    keys: BarterKeys,
    samples: Named<T>,
) {
    for (case, value) in samples {
        let serde = serde_json::to_string(&value).expect("samples serialise");
        let round_trip_c = Box::new(move || {
            let mut arena = Arena::with_capacity(1 << 16);
            let c = value.to_c(&mut arena).map_err(|e| e.message)?;
            // SAFETY: every view points into `arena`, alive here.
            let back = unsafe { T::from_c(&c) }.map_err(|e| e.message)?;
            if back == value {
                Ok(())
            } else {
                Err(format!("{back:?} != {value:?}"))
            }
        });
        out.push(MessageSample {
            message,
            message_name,
            keys,
            case,
            serde,
            round_trip_c,
        });
    }
}

fn collect_keyed<K: SampleKeys>(out: &mut Vec<MessageSample>, keys: BarterKeys)
where
    OrderRequestOpen<K::E, K::I>: Sample,
    OrderRequestCancel<K::E, K::I>: Sample,
    OrderResponseCancel<K::E, K::A, K::I>: Sample,
    Snapshot<K>: Sample,
    ResponseOpen<K>: Sample,
    Trade<QuoteAsset, K::I>: Sample,
    AssetBalance<K::A>: Sample,
    AccountSnapshot<K::E, K::A, K::I>: Sample,
    AccountEvent<K::E, K::A, K::I>: Sample,
{
    use BarterMessage as M;
    collect(
        out,
        M::OrderRequestOpen,
        "order_request_open",
        keys,
        requests_open::<K>(),
    );
    collect(
        out,
        M::OrderRequestCancel,
        "order_request_cancel",
        keys,
        requests_cancel::<K>(),
    );
    collect(
        out,
        M::OrderResponseCancel,
        "order_response_cancel",
        keys,
        responses_cancel::<K>(),
    );
    collect(
        out,
        M::OrderSnapshot,
        "order_snapshot",
        keys,
        order_snapshots::<K>(),
    );
    collect(
        out,
        M::OrderResponseOpen,
        "order_response_open",
        keys,
        responses_open::<K>(),
    );
    collect(out, M::Trade, "trade", keys, trades::<K>());
    collect(
        out,
        M::AssetBalance,
        "asset_balance",
        keys,
        asset_balances::<K>(),
    );
    collect(
        out,
        M::AccountSnapshot,
        "account_snapshot",
        keys,
        account_snapshots::<K>(),
    );
    collect(
        out,
        M::AccountEvent,
        "account_event",
        keys,
        account_events::<K>(),
    );
}

/// Every message type with every variant, in both key forms.
pub fn messages() -> Vec<MessageSample> {
    let mut out = Vec::new();
    collect(
        &mut out,
        BarterMessage::OrderEvent,
        "order_event",
        BarterKeys::Indexed,
        order_events(),
    );
    collect(
        &mut out,
        BarterMessage::OrderEvent,
        "order_event",
        BarterKeys::Unindexed,
        unindexed_order_events(),
    );
    collect_keyed::<Indexed>(&mut out, BarterKeys::Indexed);
    collect_keyed::<Unindexed>(&mut out, BarterKeys::Unindexed);
    out
}
