//! Sample engine values built from real barter 0.14 / barter-data 0.13
//! values, with the concrete types a System uses (`SystemAuditTick`,
//! `EngineEvent` and `Command` with indexed keys, barter-data's
//! `MarketStreamEvent<InstrumentIndex, DataKind>`, `TradingSummary<Daily>`).
//! Together they cover every variant of `EngineEvent`, `Command`,
//! `InstrumentFilter`, `DataKind`, `EngineOutput`, `ActionOutput`,
//! `EngineError` and `EngineAudit`. The fixture generator writes them with
//! serde into `tests/fixtures/engine_values.jsonl`; pytest checks the typed
//! Python classes against each one.
//!
//! Two kinds of values serde writes but cannot read back, so neither can
//! `barter_engine_json_normalize` (each sample records which):
//! - barter-data's `OrderBook`: `OrderBookSide` skips its `side` field when
//!   writing (`#[serde(skip_serializing)]`) but requires it when reading, so
//!   any value holding an `OrderBook` fails with "missing field `side`".
//! - a non-finite `f64` (barter-data's trade, candle and liquidation
//!   fields): serde_json writes NaN and the infinities as `null` and refuses
//!   `null` for an `f64`.

use super::{account_events, decimal, requests_cancel, requests_open, time, Indexed};
use crate::system::summary;
use crate::system::values::{BarterEngineValue, SystemAuditTick};
use crate::system::MarketEvent;
use barter::engine::action::generate_algo_orders::GenerateAlgoOrdersOutput;
use barter::engine::action::send_requests::{SendCancelsAndOpensOutput, SendRequestsOutput};
use barter::engine::action::ActionOutput;
use barter::engine::audit::context::EngineContext;
use barter::engine::audit::{AuditTick, EngineAudit, ProcessAudit};
use barter::engine::command::Command;
use barter::engine::error::{EngineError, RecoverableEngineError, UnrecoverableEngineError};
use barter::engine::state::instrument::filter::InstrumentFilter;
use barter::engine::state::position::{Position, PositionExited};
use barter::engine::state::trading::TradingState;
use barter::engine::EngineOutput;
use barter::risk::RiskRefused;
use barter::shutdown::Shutdown;
use barter::statistic::metric::calmar::CalmarRatio;
use barter::statistic::metric::drawdown::max::MaxDrawdown;
use barter::statistic::metric::drawdown::mean::MeanDrawdown;
use barter::statistic::metric::drawdown::Drawdown;
use barter::statistic::metric::profit_factor::ProfitFactor;
use barter::statistic::metric::rate_of_return::RateOfReturn;
use barter::statistic::metric::sharpe::SharpeRatio;
use barter::statistic::metric::sortino::SortinoRatio;
use barter::statistic::metric::win_rate::WinRate;
use barter::statistic::summary::asset::{TearSheetAsset, TearSheetAssetGenerator};
use barter::statistic::summary::instrument::{TearSheet, TearSheetGenerator};
use barter::statistic::summary::{TradingSummary, TradingSummaryGenerator};
use barter::statistic::time::Daily;
use barter::{EngineEvent, Sequence, Timed};
use barter_data::books::{Level, OrderBook};
use barter_data::error::DataError;
use barter_data::event::{DataKind, MarketEvent as DataEvent};
use barter_data::streams::consumer::MarketStreamResult;
use barter_data::streams::reconnect::Event as StreamEvent;
use barter_data::subscription::book::{OrderBookEvent, OrderBookL1};
use barter_data::subscription::candle::Candle;
use barter_data::subscription::liquidation::Liquidation;
use barter_data::subscription::trade::PublicTrade;
use barter_data::subscription::SubKind;
use barter_execution::balance::{AssetBalance, Balance};
use barter_execution::order::id::{OrderId, StrategyId};
use barter_execution::order::request::{OrderRequestCancel, OrderRequestOpen};
use barter_execution::trade::{AssetFees, Trade, TradeId};
use barter_execution::AccountEvent;
use barter_instrument::asset::{AssetIndex, ExchangeAsset, QuoteAsset};
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::index::error::IndexError;
use barter_instrument::instrument::InstrumentIndex;
use barter_instrument::{Side, Underlying};
use barter_integration::collection::none_one_or_many::NoneOneOrMany;
use barter_integration::collection::one_or_many::OneOrMany;
use barter_integration::collection::snapshot::Snapshot;
use barter_integration::collection::FnvIndexMap;
use barter_integration::subscription::SubscriptionId;
use rust_decimal::Decimal;
use serde::Serialize;

/// Named samples, the names made where they are built.
pub type Samples<T> = Vec<(String, T)>;

/// The `EngineOutput` of a System (`DefaultStrategy`'s trading disabled and
/// disconnect reactions are `()`).
pub type SystemOutput = EngineOutput<(), ()>;
type Audit = EngineAudit<EngineEvent, SystemOutput>;

/// What `barter_engine_json_normalize` says when it cannot read serde's own
/// output of a sample (see the module documentation).
pub const ORDER_BOOK_SIDE_MISSING: &str = "missing field `side`";
pub const NON_FINITE_F64: &str = "invalid type: null, expected f64";

fn named<T>(samples: Vec<(&str, T)>) -> Samples<T> {
    samples
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

fn opens() -> Vec<OrderRequestOpen> {
    requests_open::<Indexed>()
        .into_iter()
        .map(|(_, request)| request)
        .collect()
}

fn cancels() -> Vec<OrderRequestCancel> {
    requests_cancel::<Indexed>()
        .into_iter()
        .map(|(_, request)| request)
        .collect()
}

// --- InstrumentFilter and Command -------------------------------------------------------

/// Every `InstrumentFilter` variant, each `OneOrMany` as `One` and `Many`
/// (a `Many` of one and of none included: serde keeps which it was).
pub fn instrument_filters() -> Samples<InstrumentFilter> {
    let underlying = |base, quote| Underlying {
        base: AssetIndex(base),
        quote: AssetIndex(quote),
    };
    named(vec![
        ("none", InstrumentFilter::None),
        (
            "exchanges_one",
            InstrumentFilter::Exchanges(OneOrMany::One(ExchangeIndex(0))),
        ),
        (
            "exchanges_many",
            InstrumentFilter::Exchanges(OneOrMany::Many(vec![
                ExchangeIndex(0),
                ExchangeIndex(usize::MAX),
            ])),
        ),
        (
            "exchanges_many_empty",
            InstrumentFilter::Exchanges(OneOrMany::Many(vec![])),
        ),
        (
            "instruments_one",
            InstrumentFilter::Instruments(OneOrMany::One(InstrumentIndex(3))),
        ),
        (
            "instruments_many",
            InstrumentFilter::Instruments(OneOrMany::Many(vec![
                InstrumentIndex(0),
                InstrumentIndex(2),
                InstrumentIndex(1),
            ])),
        ),
        (
            "instruments_many_of_one",
            InstrumentFilter::Instruments(OneOrMany::Many(vec![InstrumentIndex(5)])),
        ),
        (
            "underlyings_one",
            InstrumentFilter::Underlyings(OneOrMany::One(underlying(0, 1))),
        ),
        (
            "underlyings_many",
            InstrumentFilter::Underlyings(OneOrMany::Many(vec![
                underlying(0, 1),
                underlying(2, usize::MAX),
            ])),
        ),
    ])
}

/// Every `Command` variant: requests as `One` and `Many`, and
/// `ClosePositions` / `CancelOrders` with every filter sample.
pub fn commands() -> Samples<Command> {
    let opens = opens();
    let cancels = cancels();
    let mut out = named(vec![
        (
            "send_open_requests_one",
            Command::SendOpenRequests(OneOrMany::One(opens[0].clone())),
        ),
        (
            "send_open_requests_many",
            Command::SendOpenRequests(OneOrMany::Many(opens.clone())),
        ),
        (
            "send_cancel_requests_one",
            Command::SendCancelRequests(OneOrMany::One(cancels[1].clone())),
        ),
        (
            "send_cancel_requests_many",
            Command::SendCancelRequests(OneOrMany::Many(cancels.clone())),
        ),
    ]);
    for (name, filter) in instrument_filters() {
        out.push((
            format!("close_positions_{name}"),
            Command::ClosePositions(filter.clone()),
        ));
        out.push((
            format!("cancel_orders_{name}"),
            Command::CancelOrders(filter),
        ));
    }
    out
}

// --- market data ---------------------------------------------------------------------------

fn market_event(at: &str, received: &str, instrument: usize, kind: DataKind) -> MarketEvent {
    StreamEvent::Item(DataEvent {
        time_exchange: time(at),
        time_received: time(received),
        exchange: ExchangeId::BinanceSpot,
        instrument: InstrumentIndex(instrument),
        kind,
    })
}

fn level(price: &str, amount: &str) -> Level {
    Level::new(decimal(price), decimal(amount))
}

fn book(sequence: u64, time_engine: Option<&str>, bids: Vec<Level>, asks: Vec<Level>) -> OrderBook {
    // OrderBook's fields are private; `new` sorts each side best first.
    OrderBook::new(sequence, time_engine.map(time), bids, asks)
}

/// Every `DataKind` variant (both `OrderBookEvent`s) and `Reconnecting`,
/// with f64 edges (6e-5, 1e16, f64::MAX, -0.0, 0.1 + 0.2, NaN, infinity).
pub fn market_stream_events() -> Samples<MarketEvent> {
    let trade = |id: &str, price: f64, amount: f64, side| {
        DataKind::Trade(PublicTrade {
            id: id.to_owned(),
            price,
            amount,
            side,
        })
    };
    named(vec![
        (
            "trade",
            market_event(
                "2025-10-05T10:15:00.123Z",
                "2025-10-05T10:15:00.123456Z",
                0,
                trade("9001", 64250.5, 0.5, Side::Buy),
            ),
        ),
        (
            "trade_f64_edges",
            market_event(
                "2025-10-05T10:15:01Z",
                "2025-10-05T10:15:01.000000001Z",
                1,
                trade("трейд-🚀 \"q\"", 6e-5, 1e16, Side::Sell),
            ),
        ),
        (
            "trade_f64_more_edges",
            market_event(
                "2025-10-05T10:15:01.5Z",
                "2025-10-05T10:15:01.5Z",
                usize::MAX,
                trade("", 0.1 + 0.2, -0.0, Side::Buy),
            ),
        ),
        (
            "trade_f64_max_and_integral",
            market_event(
                "2025-10-05T10:15:02Z",
                "2025-10-05T10:15:02Z",
                0,
                trade("max", f64::MAX, 64251.0, Side::Sell),
            ),
        ),
        (
            "trade_price_nan",
            market_event(
                "2025-10-05T10:15:02Z",
                "2025-10-05T10:15:02Z",
                0,
                trade("nan", f64::NAN, 1.0, Side::Buy),
            ),
        ),
        (
            "order_book_l1",
            market_event(
                "2025-03-25T23:07:00.773674205Z",
                "2025-03-25T23:07:00.773684644Z",
                1,
                DataKind::OrderBookL1(OrderBookL1 {
                    last_update_time: time("2025-03-25T23:07:00.773674205Z"),
                    best_bid: Some(level("2059.10000000", "33.09140000")),
                    best_ask: Some(level("2059.11000000", "3.01460000")),
                }),
            ),
        ),
        (
            "order_book_l1_decimal_edges",
            market_event(
                "2025-10-05T10:15:00Z",
                "2025-10-05T10:15:00.001Z",
                0,
                DataKind::OrderBookL1(OrderBookL1 {
                    last_update_time: time("2025-10-05T10:15:00Z"),
                    best_bid: Some(Level::new(
                        decimal("0.0000000000000000000000000001"),
                        Decimal::MAX,
                    )),
                    best_ask: Some(level("-1.0000000000000000000000000001", "0")),
                }),
            ),
        ),
        (
            "order_book_l1_empty",
            market_event(
                "2025-10-05T10:15:00.123456789Z",
                "2025-10-05T10:15:00.123456789Z",
                0,
                DataKind::OrderBookL1(OrderBookL1 {
                    last_update_time: time("1970-01-01T00:00:00Z"),
                    best_bid: None,
                    best_ask: None,
                }),
            ),
        ),
        (
            "order_book_snapshot",
            market_event(
                "2025-10-05T10:15:00.5Z",
                "2025-10-05T10:15:00.500001Z",
                0,
                DataKind::OrderBook(OrderBookEvent::Snapshot(book(
                    u64::MAX,
                    Some("2025-10-05T10:15:00.500000002Z"),
                    vec![level("64250.00", "1.5"), level("64250.50", "0.25000000")],
                    vec![level("64251", "2"), level("64260.1", "0.001")],
                ))),
            ),
        ),
        (
            "order_book_update",
            market_event(
                "2025-10-05T10:15:00.6Z",
                "2025-10-05T10:15:00.6Z",
                1,
                DataKind::OrderBook(OrderBookEvent::Update(book(
                    0,
                    None,
                    vec![level("1", "0")],
                    vec![],
                ))),
            ),
        ),
        (
            "candle",
            market_event(
                "2025-10-05T10:16:00Z",
                "2025-10-05T10:16:00.000100Z",
                0,
                DataKind::Candle(Candle {
                    close_time: time("2025-10-05T10:16:00Z"),
                    open: 64250.5,
                    high: 1e16,
                    low: 6e-5,
                    close: 0.1,
                    volume: 1.0 / 3.0,
                    trade_count: u64::MAX,
                }),
            ),
        ),
        (
            "candle_infinite_high",
            market_event(
                "2025-10-05T10:17:00Z",
                "2025-10-05T10:17:00Z",
                0,
                DataKind::Candle(Candle {
                    close_time: time("2025-10-05T10:17:00Z"),
                    open: 1.0,
                    high: f64::INFINITY,
                    low: 0.0,
                    close: 1.0,
                    volume: 0.0,
                    trade_count: 0,
                }),
            ),
        ),
        (
            "liquidation",
            market_event(
                "2025-10-05T10:15:03.25Z",
                "2025-10-05T10:15:03.250001Z",
                2,
                DataKind::Liquidation(Liquidation {
                    side: Side::Sell,
                    price: 64000.25,
                    quantity: 6e-5,
                    time: time("2025-10-05T10:15:03.249999999Z"),
                }),
            ),
        ),
        (
            "reconnecting",
            StreamEvent::Reconnecting(ExchangeId::BinanceSpot),
        ),
    ])
}

/// Every `DataError` leaf, as the `Item(Err(..))` of a `MarketStreamResult`.
pub fn market_stream_errors() -> Samples<MarketStreamResult<InstrumentIndex, DataKind>> {
    let error = |error| StreamEvent::Item(Err(error));
    named(vec![
        (
            "index_exchange",
            error(DataError::Index(IndexError::ExchangeIndex(
                "no ExchangeIndex for kraken".into(),
            ))),
        ),
        (
            "index_asset",
            error(DataError::Index(IndexError::AssetIndex(String::new()))),
        ),
        (
            "index_instrument",
            error(DataError::Index(IndexError::InstrumentIndex(
                "✗ \"btc\"".into(),
            ))),
        ),
        ("subscriptions_empty", error(DataError::SubscriptionsEmpty)),
        (
            "unsupported_sub_kind",
            error(DataError::UnsupportedSubKind(SubKind::OrderBooksL3)),
        ),
        (
            "initial_snapshot_missing",
            error(DataError::InitialSnapshotMissing(SubscriptionId(
                "btcusdt@depth".into(),
            ))),
        ),
        (
            "initial_snapshot_invalid",
            error(DataError::InitialSnapshotInvalid("sequence gap".into())),
        ),
        (
            "socket",
            error(DataError::Socket("connection reset\nby peer".into())),
        ),
        (
            "unsupported",
            error(DataError::Unsupported {
                exchange: ExchangeId::Kraken,
                sub_kind: SubKind::Liquidations,
            }),
        ),
        (
            "invalid_sequence",
            error(DataError::InvalidSequence {
                prev_last_update_id: u64::MAX,
                first_update_id: 0,
            }),
        ),
    ])
}

/// The same item as a `MarketStreamResult` (an `Item` is `Item(Ok(..))`).
pub fn event_as_result(event: MarketEvent) -> MarketStreamResult<InstrumentIndex, DataKind> {
    match event {
        StreamEvent::Item(event) => StreamEvent::Item(Ok(event)),
        StreamEvent::Reconnecting(exchange) => StreamEvent::Reconnecting(exchange),
    }
}

fn finite(values: &[f64]) -> Option<&'static str> {
    (!values.iter().all(|value| value.is_finite())).then_some(NON_FINITE_F64)
}

/// Why serde cannot read back its own output of `event`, if it cannot.
pub fn market_reprint_error(event: &MarketEvent) -> Option<&'static str> {
    let kind = match event {
        StreamEvent::Reconnecting(_) => return None,
        StreamEvent::Item(event) => &event.kind,
    };
    match kind {
        DataKind::Trade(trade) => finite(&[trade.price, trade.amount]),
        DataKind::OrderBookL1(_) => None,
        DataKind::OrderBook(_) => Some(ORDER_BOOK_SIDE_MISSING),
        DataKind::Candle(candle) => finite(&[
            candle.open,
            candle.high,
            candle.low,
            candle.close,
            candle.volume,
        ]),
        DataKind::Liquidation(liquidation) => finite(&[liquidation.price, liquidation.quantity]),
    }
}

// --- EngineEvent ---------------------------------------------------------------------------

/// Every `EngineEvent` variant: every command sample, both trading states,
/// every account event kind, every market sample, and both reconnects.
pub fn engine_events() -> Samples<EngineEvent> {
    let mut out = named(vec![
        ("shutdown", EngineEvent::Shutdown(Shutdown)),
        (
            "trading_state_enabled",
            EngineEvent::TradingStateUpdate(TradingState::Enabled),
        ),
        (
            "trading_state_disabled",
            EngineEvent::TradingStateUpdate(TradingState::Disabled),
        ),
        (
            "account_reconnecting",
            EngineEvent::Account(StreamEvent::Reconnecting(ExchangeId::Mock)),
        ),
    ]);
    for (name, command) in commands() {
        out.push((format!("command_{name}"), EngineEvent::Command(command)));
    }
    for (name, event) in account_events::<Indexed>() {
        let event: AccountEvent = event;
        out.push((
            format!("account_{name}"),
            EngineEvent::Account(StreamEvent::Item(event)),
        ));
    }
    for (name, event) in market_stream_events() {
        out.push((format!("market_{name}"), EngineEvent::Market(event)));
    }
    out
}

/// Why serde cannot read back its own output of `event`, if it cannot.
pub fn event_reprint_error(event: &EngineEvent) -> Option<&'static str> {
    match event {
        EngineEvent::Market(market) => market_reprint_error(market),
        EngineEvent::Shutdown(_)
        | EngineEvent::Command(_)
        | EngineEvent::TradingStateUpdate(_)
        | EngineEvent::Account(_) => None,
    }
}

// --- EngineOutput and the audit ----------------------------------------------------------

fn index_error(error: IndexError) -> EngineError {
    EngineError::Unrecoverable(UnrecoverableEngineError::IndexError(error))
}

fn unhealthy(message: &str) -> EngineError {
    EngineError::Recoverable(RecoverableEngineError::ExecutionChannelUnhealthy(
        message.to_owned(),
    ))
}

fn terminated(message: &str) -> EngineError {
    EngineError::Unrecoverable(UnrecoverableEngineError::ExecutionChannelTerminated(
        message.to_owned(),
    ))
}

fn custom(message: &str) -> EngineError {
    EngineError::Unrecoverable(UnrecoverableEngineError::Custom(message.to_owned()))
}

/// The text barter's engine really gives an open request for an exchange
/// without an execution (tokio's channel in it is shortened).
const NO_EXECUTION: &str = "ExecutionTxMap does not contain: ExchangeIndex(7)";

/// Every `EngineError` leaf.
pub fn engine_errors() -> Samples<EngineError> {
    named(vec![
        (
            "recoverable_execution_channel_unhealthy",
            unhealthy("ExecutionRequest channel full: \"mock\"\n(retry)"),
        ),
        (
            "unrecoverable_index_error_exchange",
            index_error(IndexError::ExchangeIndex(NO_EXECUTION.to_owned())),
        ),
        (
            "unrecoverable_index_error_asset",
            index_error(IndexError::AssetIndex(
                "ExchangeAsset { exchange: Mock, asset: \"ünïcødé\" }".to_owned(),
            )),
        ),
        (
            "unrecoverable_index_error_instrument",
            index_error(IndexError::InstrumentIndex(String::new())),
        ),
        (
            "unrecoverable_execution_channel_terminated",
            terminated("channel closed"),
        ),
        ("unrecoverable_custom", custom("стратегия 🚀 stopped")),
    ])
}

fn unrecoverable(error: EngineError) -> UnrecoverableEngineError {
    match error {
        EngineError::Unrecoverable(error) => error,
        EngineError::Recoverable(error) => panic!("{error:?} is recoverable"),
    }
}

fn sent<T>(items: Vec<T>) -> NoneOneOrMany<T> {
    NoneOneOrMany::from_iter(items)
}

/// `SendRequestsOutput` with both `sent` and `errors`, the errors cycling
/// through `errors`.
fn send_output<Kind: Clone>(
    requests: Vec<barter_execution::order::OrderEvent<Kind>>,
    errors: &[EngineError],
) -> SendRequestsOutput<Kind> {
    let (ok, failed) = requests.split_at(requests.len() / 2);
    SendRequestsOutput {
        sent: sent(ok.to_vec()),
        errors: NoneOneOrMany::from_iter(
            failed
                .iter()
                .cloned()
                .zip(errors.iter().cycle().cloned())
                .collect::<Vec<_>>(),
        ),
    }
}

/// A closed position from two real trades: a buy, then a sell of the
/// same quantity (barter's `Position::update_from_trade`).
pub fn position_exited() -> PositionExited<QuoteAsset> {
    let trade = |id: &str, side, price: &str, at: &str, fees: &str| Trade {
        id: TradeId::new(id),
        order_id: OrderId::new("ord-1"),
        instrument: InstrumentIndex(0),
        strategy: StrategyId::new("mm"),
        time_exchange: time(at),
        side,
        price: decimal(price),
        quantity: decimal("0.0150"),
        fees: AssetFees {
            asset: QuoteAsset,
            fees: decimal(fees),
        },
    };
    let enter = trade(
        "t-1",
        Side::Buy,
        "64250.50",
        "2025-10-05T10:15:02.981004113Z",
        "0.6425050",
    );
    let exit = trade(
        "t-2",
        Side::Sell,
        "64450.25",
        "2025-10-05T10:16:00.000001Z",
        "0.64300250",
    );
    let (open, exited) = Position::from(&enter).update_from_trade(&exit);
    assert!(open.is_none(), "the sell closes the position");
    exited.expect("the sell closes the position")
}

fn algo_orders() -> GenerateAlgoOrdersOutput {
    let opens = opens();
    let cancels = cancels();
    GenerateAlgoOrdersOutput {
        cancels_and_opens: SendCancelsAndOpensOutput {
            cancels: send_output(cancels.clone(), &[unhealthy("full")]),
            opens: send_output(opens.clone(), &[custom("algo")]),
        },
        cancels_refused: NoneOneOrMany::One(RiskRefused {
            item: cancels[0].clone(),
            reason: "cancel refused".to_owned(),
        }),
        opens_refused: NoneOneOrMany::Many(vec![
            RiskRefused {
                item: opens[0].clone(),
                reason: "exposure above 10 %".to_owned(),
            },
            RiskRefused {
                item: opens[1].clone(),
                reason: "лимит".to_owned(),
            },
        ]),
    }
}

/// Every `EngineOutput` variant and every `ActionOutput` variant; between
/// them the `errors` carry every `EngineError` leaf.
pub fn engine_outputs() -> Samples<SystemOutput> {
    let errors: Vec<EngineError> = engine_errors().into_iter().map(|(_, e)| e).collect();
    let opens = opens();
    let cancels = cancels();
    named(vec![
        (
            "commanded_open_orders",
            EngineOutput::Commanded(ActionOutput::OpenOrders(SendRequestsOutput {
                sent: NoneOneOrMany::Many(opens[..2].to_vec()),
                // Every EngineError leaf, one per request.
                errors: NoneOneOrMany::Many(
                    opens
                        .iter()
                        .cycle()
                        .cloned()
                        .zip(errors.iter().cloned())
                        .collect::<Vec<_>>(),
                ),
            })),
        ),
        (
            "commanded_cancel_orders",
            EngineOutput::Commanded(ActionOutput::CancelOrders(SendRequestsOutput {
                sent: NoneOneOrMany::One(cancels[0].clone()),
                errors: NoneOneOrMany::One((cancels[1].clone(), terminated("gone"))),
            })),
        ),
        (
            "commanded_close_positions",
            EngineOutput::Commanded(ActionOutput::ClosePositions(SendCancelsAndOpensOutput {
                cancels: send_output(cancels.clone(), &errors[..1]),
                opens: send_output(opens.clone(), &errors[1..]),
            })),
        ),
        (
            "commanded_nothing_sent",
            EngineOutput::Commanded(ActionOutput::CancelOrders(SendRequestsOutput {
                sent: NoneOneOrMany::None,
                errors: NoneOneOrMany::None,
            })),
        ),
        (
            "commanded_generate_algo_orders",
            EngineOutput::Commanded(ActionOutput::GenerateAlgoOrders(algo_orders())),
        ),
        ("on_trading_disabled", EngineOutput::OnTradingDisabled(())),
        ("account_disconnect", EngineOutput::AccountDisconnect(())),
        (
            "position_exit",
            EngineOutput::PositionExit(position_exited()),
        ),
        ("market_disconnect", EngineOutput::MarketDisconnect(())),
        ("algo_orders", EngineOutput::AlgoOrders(algo_orders())),
    ])
}

fn tick(sequence: u64, at: &str, event: Audit) -> SystemAuditTick {
    AuditTick {
        event,
        context: EngineContext {
            sequence: Sequence(sequence),
            time: time(at),
        },
    }
}

fn process(
    event: EngineEvent,
    outputs: NoneOneOrMany<SystemOutput>,
    errors: NoneOneOrMany<UnrecoverableEngineError>,
) -> Audit {
    EngineAudit::Process(ProcessAudit {
        event,
        outputs,
        errors,
    })
}

fn event(name: &str) -> EngineEvent {
    engine_events()
        .into_iter()
        .find(|(sample, _)| sample == name)
        .unwrap_or_else(|| panic!("no engine event sample {name}"))
        .1
}

/// `AuditTick`s as a System's audit drains them: `FeedEnded`, and
/// `Process` with every output sample, `outputs` and `errors` as None, One
/// and Many, and a few events of each kind.
pub fn audit_ticks() -> Samples<SystemAuditTick> {
    use NoneOneOrMany::{Many, None as Nothing, One};
    let outputs: Vec<(String, SystemOutput)> = engine_outputs();
    let output = |name: &str| {
        outputs
            .iter()
            .find(|(sample, _)| sample == name)
            .unwrap_or_else(|| panic!("no engine output sample {name}"))
            .1
            .clone()
    };
    let error = |name: &str| {
        unrecoverable(
            engine_errors()
                .into_iter()
                .find(|(sample, _)| sample == name)
                .unwrap_or_else(|| panic!("no engine error sample {name}"))
                .1,
        )
    };
    // Which event produced each output, as the engine would.
    let cause = |name: &str| match name {
        "commanded_open_orders" => event("command_send_open_requests_many"),
        "commanded_cancel_orders" | "commanded_nothing_sent" => {
            event("command_cancel_orders_instruments_many")
        }
        "commanded_close_positions" => event("command_close_positions_none"),
        "on_trading_disabled" => event("trading_state_disabled"),
        "account_disconnect" => event("account_reconnecting"),
        "position_exit" => event("account_trade"),
        "market_disconnect" => event("market_reconnecting"),
        _ => event("market_trade"),
    };
    let mut out = named(vec![
        (
            "feed_ended",
            tick(0, "2025-10-05T10:15:00Z", EngineAudit::FeedEnded),
        ),
        (
            "feed_ended_sequence_max",
            tick(
                u64::MAX,
                "2025-10-05T10:15:00.123456789Z",
                EngineAudit::FeedEnded,
            ),
        ),
        (
            "process_shutdown",
            tick(
                1,
                "2025-10-05T10:15:00.1Z",
                process(event("shutdown"), Nothing, Nothing),
            ),
        ),
        (
            "process_trading_enabled",
            tick(
                2,
                "2025-10-05T10:15:00.12Z",
                process(event("trading_state_enabled"), Nothing, Nothing),
            ),
        ),
        (
            "process_account_order_snapshot",
            tick(
                3,
                "2025-10-05T10:15:00.123Z",
                process(event("account_order_snapshot"), Nothing, Nothing),
            ),
        ),
        (
            "process_market_order_book_l1",
            tick(
                4,
                "2025-10-05T10:15:00.123456Z",
                process(event("market_order_book_l1"), Nothing, Nothing),
            ),
        ),
        (
            "process_market_order_book_snapshot",
            tick(
                5,
                "2025-10-05T10:15:00.123456789Z",
                process(event("market_order_book_snapshot"), Nothing, Nothing),
            ),
        ),
        (
            "process_index_error_ends_the_engine",
            tick(
                6,
                "2025-10-05T10:15:01Z",
                process(
                    event("command_send_open_requests_one"),
                    One(EngineOutput::Commanded(ActionOutput::OpenOrders(
                        SendRequestsOutput {
                            sent: Nothing,
                            errors: One((
                                opens()[0].clone(),
                                index_error(IndexError::ExchangeIndex(NO_EXECUTION.to_owned())),
                            )),
                        },
                    ))),
                    One(error("unrecoverable_index_error_exchange")),
                ),
            ),
        ),
        (
            "process_many_outputs_many_errors",
            tick(
                7,
                "2025-10-05T10:15:01.001Z",
                process(
                    event("command_close_positions_exchanges_many"),
                    Many(vec![
                        output("commanded_close_positions"),
                        output("commanded_nothing_sent"),
                    ]),
                    Many(vec![
                        error("unrecoverable_index_error_asset"),
                        error("unrecoverable_index_error_instrument"),
                        error("unrecoverable_execution_channel_terminated"),
                        error("unrecoverable_custom"),
                    ]),
                ),
            ),
        ),
        (
            "process_many_of_one",
            tick(
                8,
                "2025-10-05T10:15:01.000001Z",
                process(
                    event("command_send_cancel_requests_one"),
                    Many(vec![output("commanded_cancel_orders")]),
                    Many(vec![]),
                ),
            ),
        ),
    ]);
    for (sequence, (name, value)) in (100..).zip(outputs.iter().cloned()) {
        let at = format!("2025-10-05T10:16:{:02}.{:09}Z", sequence % 60, sequence);
        out.push((
            format!("output_{name}"),
            tick(sequence, &at, process(cause(&name), One(value), Nothing)),
        ));
    }
    out
}

/// Why serde cannot read back its own output of `tick`, if it cannot.
pub fn tick_reprint_error(tick: &SystemAuditTick) -> Option<&'static str> {
    match &tick.event {
        EngineAudit::FeedEnded => None,
        EngineAudit::Process(process) => event_reprint_error(&process.event),
    }
}

// --- TradingSummary --------------------------------------------------------------------------

/// A summary from barter's own `TradingSummaryGenerator`, fed real closed
/// positions and balances; one built directly with every optional part and
/// `Decimal::MAX` ratios (what barter gives for zero variance); and an
/// empty one.
pub fn trading_summaries() -> Samples<TradingSummary<Daily>> {
    let start = time("2025-10-05T10:00:00Z");
    let balance = |total: &str, free: &str| Balance {
        total: decimal(total),
        free: decimal(free),
    };
    let usdt = ExchangeAsset::new(ExchangeId::Mock, "usdt");
    let btc = ExchangeAsset::new(ExchangeId::Mock, "btc");
    let mut generator = TradingSummaryGenerator {
        risk_free_return: decimal("0.0015"),
        time_engine_start: start,
        time_engine_now: start,
        instruments: FnvIndexMap::from_iter([
            ("btc_usdt".into(), TearSheetGenerator::init(start)),
            ("eth_usdt_ünï".into(), TearSheetGenerator::init(start)),
        ]),
        assets: FnvIndexMap::from_iter([
            (
                usdt,
                TearSheetAssetGenerator::init(&Timed::new(balance("10000", "10000"), start)),
            ),
            (
                btc,
                TearSheetAssetGenerator::init(&Timed::new(balance("0", "0"), start)),
            ),
        ]),
    };
    let won = position_exited();
    let mut lost = won.clone();
    lost.pnl_realised = decimal("-3.1415926535");
    lost.time_enter = time("2025-10-05T11:00:00.5Z");
    lost.time_exit = time("2025-10-05T12:30:00.123Z");
    let mut again = won.clone();
    again.time_enter = time("2025-10-05T13:00:00Z");
    again.time_exit = time("2025-10-05T14:00:00.000123Z");
    for position in [&won, &lost, &again] {
        generator.update_from_position(position);
    }
    let balances = [
        ("9990.5", "9000", "2025-10-05T10:30:00Z", 0),
        ("9700.123", "9700.123", "2025-10-05T11:30:00.5Z", 0),
        ("10020", "10020", "2025-10-05T14:00:00.000123Z", 0),
        ("0.0150", "0.0150", "2025-10-05T10:15:02.981004113Z", 1),
    ];
    for (total, free, at, asset) in balances {
        let update = AssetBalance {
            asset: AssetIndex(asset),
            balance: balance(total, free),
            time_exchange: time(at),
        };
        generator.update_from_balance(Snapshot(&update));
    }
    let generated = generator.generate(Daily);

    let drawdown = |value: &str, from: &str, to: &str| Drawdown {
        value: decimal(value),
        time_start: time(from),
        time_end: time(to),
    };
    let sheet = TearSheet {
        pnl: decimal("-0.0000000000000000000000000001"),
        pnl_return: RateOfReturn {
            value: decimal("0.5"),
            interval: Daily,
        },
        sharpe_ratio: SharpeRatio {
            value: Decimal::MAX,
            interval: Daily,
        },
        sortino_ratio: SortinoRatio {
            value: Decimal::MIN,
            interval: Daily,
        },
        calmar_ratio: CalmarRatio {
            value: Decimal::MAX,
            interval: Daily,
        },
        pnl_drawdown: Some(drawdown(
            "0.25",
            "2025-10-05T10:00:00Z",
            "2025-10-05T10:00:00.001Z",
        )),
        pnl_drawdown_mean: Some(MeanDrawdown {
            mean_drawdown: decimal("0.125"),
            mean_drawdown_ms: i64::MIN,
        }),
        pnl_drawdown_max: Some(MaxDrawdown(drawdown(
            "0.5",
            "2025-10-05T10:00:00.000001Z",
            "2025-10-05T10:00:00.000000001Z",
        ))),
        win_rate: Some(WinRate {
            value: decimal("1.0"),
        }),
        profit_factor: Some(ProfitFactor {
            value: Decimal::MAX,
        }),
    };
    let built = TradingSummary {
        time_engine_start: time("1969-12-31T23:59:59.999999999Z"),
        time_engine_end: time("2262-04-11T23:47:16.854775807Z"),
        instruments: FnvIndexMap::from_iter([
            ("стратегия_🚀".into(), sheet.clone()),
            (
                "bare".into(),
                TearSheet {
                    pnl_drawdown: None,
                    pnl_drawdown_mean: None,
                    pnl_drawdown_max: None,
                    win_rate: None,
                    profit_factor: None,
                    ..sheet
                },
            ),
        ]),
        assets: FnvIndexMap::from_iter([
            (
                ExchangeAsset::new(ExchangeId::BinanceSpot, "ünïcødé"),
                TearSheetAsset {
                    balance_end: Some(balance("79228162514264337593543950335", "0.000")),
                    drawdown: Some(drawdown(
                        "1",
                        "2025-10-05T10:00:00Z",
                        "2025-10-05T10:00:01Z",
                    )),
                    drawdown_mean: Some(MeanDrawdown {
                        mean_drawdown: decimal("1"),
                        mean_drawdown_ms: i64::MAX,
                    }),
                    drawdown_max: Some(MaxDrawdown(drawdown(
                        "1",
                        "2025-10-05T10:00:00Z",
                        "2025-10-05T10:00:01Z",
                    ))),
                },
            ),
            (
                ExchangeAsset::new(ExchangeId::Mock, "usdt"),
                TearSheetAsset {
                    balance_end: None,
                    drawdown: None,
                    drawdown_mean: None,
                    drawdown_max: None,
                },
            ),
        ]),
    };
    let empty = TradingSummary {
        time_engine_start: start,
        time_engine_end: start,
        instruments: FnvIndexMap::default(),
        assets: FnvIndexMap::default(),
    };
    named(vec![
        ("generated", generated),
        ("built_edges", built),
        ("empty", empty),
    ])
}

// --- all of them, serialised ------------------------------------------------------------------

/// One engine value, serialised.
pub struct EngineSample {
    /// The type `barter_engine_json_normalize` parses it as.
    pub value: BarterEngineValue,
    /// That type's name, as the fixtures spell it.
    pub type_name: &'static str,
    pub name: String,
    /// serde_json's exact output (for a summary, the library's summary form).
    pub serde: String,
    /// `None` when serde reads `serde` back and prints the same bytes;
    /// otherwise what its error says (see the module documentation).
    pub reprint_error: Option<&'static str>,
}

fn push<T: Serialize>(
    out: &mut Vec<EngineSample>,
    value: BarterEngineValue,
    type_name: &'static str,
    samples: Samples<T>,
    reprint_error: impl Fn(&T) -> Option<&'static str>,
) {
    for (name, sample) in samples {
        out.push(EngineSample {
            value,
            type_name,
            serde: serde_json::to_string(&sample).expect("samples serialise"),
            reprint_error: reprint_error(&sample),
            name,
        });
    }
}

/// Every engine sample, type by type.
pub fn engine_values() -> Vec<EngineSample> {
    use BarterEngineValue as V;
    let mut out = Vec::new();
    push(
        &mut out,
        V::InstrumentFilter,
        "InstrumentFilter",
        instrument_filters(),
        |_| None,
    );
    push(&mut out, V::Command, "Command", commands(), |_| None);
    push(
        &mut out,
        V::MarketStreamEvent,
        "MarketStreamEvent",
        market_stream_events(),
        market_reprint_error,
    );
    let results = market_stream_events()
        .into_iter()
        .map(|(name, event)| (name, event_as_result(event)))
        .chain(market_stream_errors());
    push(
        &mut out,
        V::MarketStreamResult,
        "MarketStreamResult",
        results.collect(),
        |result| match result {
            StreamEvent::Item(Ok(event)) => market_reprint_error(&StreamEvent::Item(event.clone())),
            _ => None,
        },
    );
    push(
        &mut out,
        V::EngineEvent,
        "EngineEvent",
        engine_events(),
        event_reprint_error,
    );
    push(
        &mut out,
        V::AuditTick,
        "AuditTick",
        audit_ticks(),
        tick_reprint_error,
    );
    for (name, summary) in trading_summaries() {
        let json = summary::to_json(summary).expect("summaries serialise");
        out.push(EngineSample {
            value: V::TradingSummaryDaily,
            type_name: "TradingSummaryDaily",
            name,
            serde: String::from_utf8(json).expect("serde writes UTF-8"),
            reprint_error: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::BarterJsonFormat;
    use crate::status::BarterStatus;
    use crate::system::values::tests::normalize;
    use std::collections::HashSet;

    #[test]
    fn every_sample_reprints_as_serde_wrote_it_or_fails_as_documented() {
        let samples = engine_values();
        let mut failing = 0;
        for sample in &samples {
            let id = format!("{} {}", sample.type_name, sample.name);
            match (
                normalize(sample.value, BarterJsonFormat::One, &sample.serde),
                sample.reprint_error,
            ) {
                (Ok(reprint), None) => assert_eq!(reprint, sample.serde, "{id}"),
                (Err((status, message)), Some(expected)) => {
                    failing += 1;
                    assert_eq!(status, BarterStatus::InvalidData, "{id}");
                    assert!(message.contains(expected), "{id}: {message}");
                }
                (Ok(_), Some(expected)) => {
                    panic!("{id}: serde now reads it back (expected {expected:?}): update the docs")
                }
                (Err((_, message)), None) => panic!("{id}: {message}"),
            }
        }
        // The order book samples, wherever they are nested (market event and
        // result, engine event, audit tick), and the non-finite f64s.
        assert_eq!(failing, 13, "samples serde cannot read back");
    }

    #[test]
    fn the_order_book_failure_is_serdes_not_the_librarys() {
        // barter-data's own types, without this library: serde refuses the
        // side-less book it wrote, and takes it with `"side": null` (a unit
        // struct) added.
        let book = book(1, None, vec![level("1", "2")], vec![level("3", "4")]);
        let json = serde_json::to_string(&book).unwrap();
        assert_eq!(
            json,
            r#"{"sequence":1,"time_engine":null,"bids":{"levels":[{"price":"1","amount":"2"}]},"asks":{"levels":[{"price":"3","amount":"4"}]}}"#
        );
        let error = serde_json::from_str::<OrderBook>(&json).unwrap_err();
        assert!(
            error.to_string().contains(ORDER_BOOK_SIDE_MISSING),
            "{error}"
        );
        let with_sides = json.replace(r#"{"levels""#, r#"{"side":null,"levels""#);
        let back: OrderBook = serde_json::from_str(&with_sides).unwrap();
        assert_eq!(back, book);
        let error = serde_json::from_str::<f64>("null").unwrap_err();
        assert!(error.to_string().contains(NON_FINITE_F64), "{error}");
    }

    fn output_variant(output: &SystemOutput) -> &'static str {
        // Exhaustive: a new barter variant breaks the build here.
        match output {
            EngineOutput::Commanded(action) => match action {
                ActionOutput::GenerateAlgoOrders(_) => "Commanded::GenerateAlgoOrders",
                ActionOutput::CancelOrders(_) => "Commanded::CancelOrders",
                ActionOutput::OpenOrders(_) => "Commanded::OpenOrders",
                ActionOutput::ClosePositions(_) => "Commanded::ClosePositions",
            },
            EngineOutput::OnTradingDisabled(()) => "OnTradingDisabled",
            EngineOutput::AccountDisconnect(()) => "AccountDisconnect",
            EngineOutput::PositionExit(_) => "PositionExit",
            EngineOutput::MarketDisconnect(()) => "MarketDisconnect",
            EngineOutput::AlgoOrders(_) => "AlgoOrders",
        }
    }

    fn market_variant(event: &MarketEvent) -> &'static str {
        match event {
            StreamEvent::Reconnecting(_) => "Reconnecting",
            StreamEvent::Item(item) => match &item.kind {
                DataKind::Trade(_) => "Trade",
                DataKind::OrderBookL1(_) => "OrderBookL1",
                DataKind::OrderBook(OrderBookEvent::Snapshot(_)) => "OrderBook::Snapshot",
                DataKind::OrderBook(OrderBookEvent::Update(_)) => "OrderBook::Update",
                DataKind::Candle(_) => "Candle",
                DataKind::Liquidation(_) => "Liquidation",
            },
        }
    }

    fn event_variant(event: &EngineEvent) -> &'static str {
        match event {
            EngineEvent::Shutdown(_) => "Shutdown",
            EngineEvent::Command(command) => match command {
                Command::SendCancelRequests(OneOrMany::One(_)) => "SendCancelRequests::One",
                Command::SendCancelRequests(OneOrMany::Many(_)) => "SendCancelRequests::Many",
                Command::SendOpenRequests(OneOrMany::One(_)) => "SendOpenRequests::One",
                Command::SendOpenRequests(OneOrMany::Many(_)) => "SendOpenRequests::Many",
                Command::ClosePositions(_) => "ClosePositions",
                Command::CancelOrders(_) => "CancelOrders",
            },
            EngineEvent::TradingStateUpdate(TradingState::Enabled) => "Enabled",
            EngineEvent::TradingStateUpdate(TradingState::Disabled) => "Disabled",
            EngineEvent::Account(StreamEvent::Item(_)) => "Account::Item",
            EngineEvent::Account(StreamEvent::Reconnecting(_)) => "Account::Reconnecting",
            EngineEvent::Market(market) => market_variant(market),
        }
    }

    fn filter_variant(filter: &InstrumentFilter) -> &'static str {
        match filter {
            InstrumentFilter::None => "None",
            InstrumentFilter::Exchanges(OneOrMany::One(_)) => "Exchanges::One",
            InstrumentFilter::Exchanges(OneOrMany::Many(_)) => "Exchanges::Many",
            InstrumentFilter::Instruments(OneOrMany::One(_)) => "Instruments::One",
            InstrumentFilter::Instruments(OneOrMany::Many(_)) => "Instruments::Many",
            InstrumentFilter::Underlyings(OneOrMany::One(_)) => "Underlyings::One",
            InstrumentFilter::Underlyings(OneOrMany::Many(_)) => "Underlyings::Many",
        }
    }

    fn error_variant(error: &EngineError) -> &'static str {
        match error {
            EngineError::Recoverable(RecoverableEngineError::ExecutionChannelUnhealthy(_)) => {
                "ExecutionChannelUnhealthy"
            }
            EngineError::Unrecoverable(error) => match error {
                UnrecoverableEngineError::IndexError(index) => match index {
                    IndexError::ExchangeIndex(_) => "IndexError::ExchangeIndex",
                    IndexError::AssetIndex(_) => "IndexError::AssetIndex",
                    IndexError::InstrumentIndex(_) => "IndexError::InstrumentIndex",
                },
                UnrecoverableEngineError::ExecutionChannelTerminated(_) => {
                    "ExecutionChannelTerminated"
                }
                UnrecoverableEngineError::Custom(_) => "Custom",
            },
        }
    }

    fn variants<T>(samples: &Samples<T>, variant: fn(&T) -> &'static str) -> HashSet<&'static str> {
        samples.iter().map(|(_, value)| variant(value)).collect()
    }

    #[test]
    fn samples_cover_every_variant() {
        let all = engine_values();
        let unique: HashSet<(&str, &str)> =
            all.iter().map(|s| (s.type_name, s.name.as_str())).collect();
        assert_eq!(unique.len(), all.len(), "sample names are unique per type");

        assert_eq!(variants(&instrument_filters(), filter_variant).len(), 7);
        assert_eq!(variants(&market_stream_events(), market_variant).len(), 7);
        // 5 EngineEvent variants: Shutdown, 6 command forms, 2 trading
        // states, 2 account and 7 market forms.
        assert_eq!(variants(&engine_events(), event_variant).len(), 18);
        let commands: Samples<EngineEvent> = commands()
            .into_iter()
            .map(|(name, command)| (name, EngineEvent::Command(command)))
            .collect();
        assert_eq!(variants(&commands, event_variant).len(), 6);
        assert_eq!(variants(&engine_outputs(), output_variant).len(), 9);
        assert_eq!(variants(&engine_errors(), error_variant).len(), 6);

        let ticks: Vec<&EngineSample> = all.iter().filter(|s| s.type_name == "AuditTick").collect();
        for (name, _) in engine_outputs() {
            let name = format!("output_{name}");
            assert!(ticks.iter().any(|tick| tick.name == name), "{name}");
        }
        // Every EngineError leaf travels in an audit tick's output.
        for (name, error) in engine_errors() {
            let json = serde_json::to_string(&error).unwrap();
            assert!(ticks.iter().any(|t| t.serde.contains(&json)), "{name}");
        }
    }

    fn won_and_lost_positions_are_what_they_say() -> bool {
        position_exited().pnl_realised > Decimal::ZERO
    }

    #[test]
    fn the_generated_summary_is_barters_computation() {
        let (_, summary) = trading_summaries().remove(0);
        let (name, sheet) = summary.instruments.get_index(0).unwrap();
        assert_eq!(name.as_ref(), "btc_usdt");
        // Three closed positions: two winners and a loser. barter 0.14's
        // TearSheetGenerator passes the count of losses to
        // `WinRate::calculate(wins, total)`, so its "win rate" is 1/3.
        assert!(won_and_lost_positions_are_what_they_say());
        assert_eq!(
            sheet.win_rate.as_ref().unwrap().value,
            decimal("1") / decimal("3")
        );
        assert!(sheet.pnl_drawdown_max.is_some());
        let usdt = summary.assets.get_index(0).unwrap().1;
        assert_eq!(usdt.balance_end.as_ref().unwrap().total, decimal("10020"));
        assert!(usdt.drawdown_max.is_some());
    }
}
