//! The paper-trading session and its event sink through the C ABI, as C
//! (or Python) uses them: typed requests in, typed answers and a drained
//! stream of account events out.

use barter_execution::error::{ApiError, ConnectivityError, OrderError};
use barter_execution::order::id::{ClientOrderId, OrderId, StrategyId};
use barter_execution::order::request::{RequestCancel, RequestOpen, UnindexedOrderResponseCancel};
use barter_execution::order::state::{InactiveOrderState, OrderState};
use barter_execution::order::{OrderEvent, OrderKey, OrderKind, TimeInForce};
use barter_execution::{AccountEventKind, UnindexedAccountEvent};
use barter_ffi::ctypes::arena::Arena;
use barter_ffi::ctypes::{FromC, ToC};
use barter_ffi::messages::BarterMessage;
use barter_ffi::session::driver::UnindexedOrderResponseOpen;
use barter_ffi::session::*;
use barter_ffi::sink::*;
use barter_ffi::status::BarterStatus;
use barter_instrument::asset::name::AssetNameExchange;
use barter_instrument::exchange::ExchangeId;
use barter_instrument::instrument::name::InstrumentNameExchange;
use barter_instrument::Side;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::time::{Duration, Instant};

const CONFIG: &str = r#"{
  "instruments": [
    {"exchange": "binance_spot", "name_exchange": "BTCUSDT",
     "underlying": {"base": "btc", "quote": "usdt"}, "quote": "underlying_quote", "kind": "spot"}
  ],
  "executions": [{"exchange": "binance_spot", "kind": {"type": "Mock",
    "mocked_exchange": "binance_spot", "latency_ms": 2, "fees_percent": "0.001",
    "initial_state": {"exchange": "binance_spot", "balances": [
      {"asset": "usdt", "balance": {"total": "10000", "free": "10000"}, "time_exchange": "2025-03-24T21:30:00Z"},
      {"asset": "btc", "balance": {"total": "0.5", "free": "0.5"}, "time_exchange": "2025-03-24T21:30:00Z"}],
      "instruments": [{"instrument": "BTCUSDT", "orders": []}]}}}]
}"#;

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn key(instrument: &str, cid: &str) -> OrderKey<ExchangeId, InstrumentNameExchange> {
    OrderKey {
        exchange: ExchangeId::BinanceSpot,
        instrument: InstrumentNameExchange::new(instrument),
        strategy: StrategyId::new("test"),
        cid: ClientOrderId::new(cid),
    }
}

fn open_request(
    instrument: &str,
    cid: &str,
    side: Side,
    price: &str,
    quantity: &str,
    kind: OrderKind,
) -> OrderEvent<RequestOpen, ExchangeId, InstrumentNameExchange> {
    OrderEvent {
        key: key(instrument, cid),
        state: RequestOpen {
            side,
            price: d(price),
            quantity: d(quantity),
            kind,
            time_in_force: TimeInForce::ImmediateOrCancel,
        },
    }
}

struct Session(*mut BarterSession);

impl Session {
    fn new(config: &str) -> Result<Session, (BarterStatus, String)> {
        let mut raw = std::ptr::null_mut();
        let status = unsafe {
            barter_session_new(config.as_ptr(), config.len(), std::ptr::null(), &mut raw)
        };
        if status == BarterStatus::Ok {
            Ok(Session(raw))
        } else {
            Err((status, last_error()))
        }
    }

    fn open(
        &self,
        request: &OrderEvent<RequestOpen, ExchangeId, InstrumentNameExchange>,
    ) -> Result<UnindexedOrderResponseOpen, (BarterStatus, String)> {
        let mut arena = Arena::with_capacity(256);
        let c = request.to_c(&mut arena).unwrap();
        let mut reply = std::ptr::null_mut();
        let status = unsafe { barter_session_open_order(self.0, &c, &mut reply) };
        if status != BarterStatus::Ok {
            return Err((status, last_error()));
        }
        unsafe {
            assert_eq!((*reply).message, BarterMessage::OrderResponseOpen as u32);
            let item = &*(*reply).item.cast();
            let response = UnindexedOrderResponseOpen::from_c(item).unwrap();
            barter_session_reply_free(&mut reply);
            Ok(response)
        }
    }

    fn cancel(&self, cid: &str, id: Option<&str>) -> UnindexedOrderResponseCancel {
        let request: OrderEvent<RequestCancel, ExchangeId, InstrumentNameExchange> = OrderEvent {
            key: key("BTCUSDT", cid),
            state: RequestCancel {
                id: id.map(OrderId::new),
            },
        };
        let mut arena = Arena::with_capacity(256);
        let c = request.to_c(&mut arena).unwrap();
        let mut reply = std::ptr::null_mut();
        let status = unsafe { barter_session_cancel_order(self.0, &c, &mut reply) };
        assert_eq!(status, BarterStatus::Ok, "{}", last_error());
        unsafe {
            let item = &*(*reply).item.cast();
            let response = UnindexedOrderResponseCancel::from_c(item).unwrap();
            barter_session_reply_free(&mut reply);
            response
        }
    }

    fn sink(&self) -> Sink {
        let mut raw = std::ptr::null_mut();
        assert_eq!(
            unsafe { barter_session_sink(self.0, &mut raw) },
            BarterStatus::Ok
        );
        Sink(raw)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        unsafe { barter_session_free(&mut self.0) };
    }
}

struct Sink(*mut BarterEventSink);

impl Sink {
    fn drain(&self, max: usize, timeout_ms: u32) -> (Vec<UnindexedAccountEvent>, u32) {
        let mut batch = std::ptr::null_mut();
        let status = unsafe { barter_event_sink_drain(self.0, max, timeout_ms, &mut batch) };
        assert_eq!(status, BarterStatus::Ok, "{}", last_error());
        unsafe {
            let view = &*batch;
            assert_eq!(view.order_events_len, 0);
            let accounts = std::slice::from_raw_parts(view.account_events, view.account_events_len);
            let events = accounts
                .iter()
                .map(|c| UnindexedAccountEvent::from_c(c).unwrap())
                .collect();
            let flags = view.flags;
            barter_event_batch_free(&mut batch);
            (events, flags)
        }
    }

    fn stats(&self) -> BarterSinkStats {
        let mut stats = BarterSinkStats::default();
        assert_eq!(
            unsafe { barter_event_sink_stats(self.0, &mut stats) },
            BarterStatus::Ok
        );
        stats
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        unsafe { barter_event_sink_free(&mut self.0) };
    }
}

fn last_error() -> String {
    let mut view = barter_ffi::ctypes::strings::BarterStr {
        ptr: std::ptr::null(),
        len: 0,
    };
    unsafe {
        barter_ffi::abi::barter_last_error(&mut view);
        view.as_str().unwrap().to_owned()
    }
}

fn kinds(events: &[UnindexedAccountEvent]) -> Vec<&'static str> {
    events
        .iter()
        .map(|e| match &e.kind {
            AccountEventKind::Snapshot(_) => "Snapshot",
            AccountEventKind::BalanceSnapshot(_) => "BalanceSnapshot",
            AccountEventKind::OrderSnapshot(_) => "OrderSnapshot",
            AccountEventKind::OrderCancelled(_) => "OrderCancelled",
            AccountEventKind::Trade(_) => "Trade",
        })
        .collect()
}

#[test]
fn a_script_through_mock_exchange() {
    let session = Session::new(CONFIG).unwrap();
    let sink = session.sink();

    let bought = session
        .open(&open_request(
            "BTCUSDT",
            "c1",
            Side::Buy,
            "50000",
            "0.1",
            OrderKind::Market,
        ))
        .unwrap();
    let open = bought.state.as_ref().unwrap();
    assert_eq!(open.id, OrderId::new("0"));
    assert_eq!(open.filled_quantity, d("0.1"));

    let too_large = session
        .open(&open_request(
            "BTCUSDT",
            "c2",
            Side::Buy,
            "50000",
            "1",
            OrderKind::Market,
        ))
        .unwrap();
    assert!(matches!(
        too_large.state,
        Err(OrderError::Rejected(ApiError::BalanceInsufficient(ref asset, _)))
            if asset == &AssetNameExchange::new("usdt")
    ));

    let limit = session
        .open(&open_request(
            "BTCUSDT",
            "c3",
            Side::Sell,
            "60000",
            "0.1",
            OrderKind::Limit,
        ))
        .unwrap();
    assert_eq!(
        limit.state,
        Err(OrderError::Rejected(ApiError::OrderRejected(
            "MockExchange does not supported OrderKind: Limit".into()
        )))
    );

    let unknown = session
        .open(&open_request(
            "DOGEUSDT",
            "c4",
            Side::Buy,
            "1",
            "1",
            OrderKind::Market,
        ))
        .unwrap();
    assert!(matches!(
        unknown.state,
        Err(OrderError::Rejected(ApiError::InstrumentInvalid(..)))
    ));

    // MockExchange logs the cancel and drops the request's answer channel,
    // which barter's MockExecution client reports as the exchange offline.
    let started = Instant::now();
    let cancelled = session.cancel("c1", Some("0"));
    assert_eq!(
        cancelled.state,
        Err(OrderError::Connectivity(
            ConnectivityError::ExchangeOffline(ExchangeId::BinanceSpot)
        ))
    );
    assert!(started.elapsed() < Duration::from_secs(2));

    let (events, flags) = sink.drain(100, 0);
    assert_eq!(flags, 0);
    assert_eq!(
        kinds(&events),
        [
            "Snapshot",
            "OrderSnapshot",
            "BalanceSnapshot",
            "Trade",
            "OrderSnapshot",
            "OrderSnapshot",
            "OrderSnapshot",
            "OrderCancelled",
        ]
    );
    match &events[1].kind {
        AccountEventKind::OrderSnapshot(snapshot) => {
            assert_eq!(snapshot.0.state, OrderState::fully_filled());
        }
        other => panic!("{other:?}"),
    }
    match &events[4].kind {
        AccountEventKind::OrderSnapshot(snapshot) => assert!(matches!(
            snapshot.0.state,
            OrderState::Inactive(InactiveOrderState::OpenFailed(_))
        )),
        other => panic!("{other:?}"),
    }
    match &events[3].kind {
        AccountEventKind::Trade(trade) => {
            assert_eq!(trade.order_id, OrderId::new("0"));
            // 0.1 * 50000 * 0.001
            assert_eq!(trade.fees.fees, d("5.0000"));
        }
        other => panic!("{other:?}"),
    }

    // Close: the runtime stops, the queue closes, requests fail clearly.
    unsafe { barter_session_close(session.0) };
    let error = session
        .open(&open_request(
            "BTCUSDT",
            "c5",
            Side::Buy,
            "1",
            "1",
            OrderKind::Market,
        ))
        .unwrap_err();
    assert_eq!(error.1, "the session is closed");
    let (rest, flags) = sink.drain(10, 1000);
    assert!(rest.is_empty());
    assert_eq!(flags, BARTER_EVENT_BATCH_FINISHED);
    let stats = sink.stats();
    assert_eq!((stats.pushed, stats.drained, stats.rejected), (8, 8, 0));
}

#[test]
fn bad_configs_and_requests_fail_clearly() {
    let error = Session::new("{").err().unwrap();
    assert_eq!(error.0, BarterStatus::InvalidJson);
    assert!(
        error.1.starts_with("config: EOF while parsing"),
        "{}",
        error.1
    );
    let negative = CONFIG.replace(
        r#""total": "0.5", "free": "0.5""#,
        r#""total": "-1", "free": "-1""#,
    );
    let error = Session::new(&negative).err().unwrap();
    assert_eq!(error.0, BarterStatus::InvalidData);
    assert!(error.1.contains("(btc): negative balance"), "{}", error.1);

    let session = Session::new(CONFIG).unwrap();
    let mut wrong_exchange = open_request("BTCUSDT", "x", Side::Buy, "1", "1", OrderKind::Market);
    wrong_exchange.key.exchange = ExchangeId::Kraken;
    let error = session.open(&wrong_exchange).unwrap_err();
    assert_eq!(error.0, BarterStatus::InvalidArgument);
    assert!(
        error
            .1
            .contains("this session's MockExchange is binance_spot"),
        "{}",
        error.1
    );
    // Still usable.
    assert!(session
        .open(&open_request(
            "BTCUSDT",
            "y",
            Side::Buy,
            "1",
            "1",
            OrderKind::Market
        ))
        .unwrap()
        .state
        .is_ok());
}

#[test]
fn a_full_queue_refuses_requests_until_drained() {
    let mut raw = std::ptr::null_mut();
    let options = BarterSessionOptions {
        queue_capacity: 4,
        ..BarterSessionOptions::default()
    };
    let status = unsafe { barter_session_new(CONFIG.as_ptr(), CONFIG.len(), &options, &mut raw) };
    assert_eq!(status, BarterStatus::Ok);
    let session = Session(raw);
    let sink = session.sink();
    // The snapshot takes 1 of 4 slots; a market order raises 3 events.
    let buy = open_request("BTCUSDT", "a", Side::Buy, "1", "1", OrderKind::Market);
    assert!(session.open(&buy).is_ok());
    let error = session.open(&buy).unwrap_err();
    assert_eq!(error.0, BarterStatus::LimitExceeded);
    assert!(error
        .1
        .contains("the event queue is full (4 events not drained, capacity 4)"));
    assert_eq!(sink.drain(100, 0).0.len(), 4);
    assert!(session.open(&buy).is_ok());
    // Closing with events undrained: they are counted when discarded.
    drop(session);
    let stats = sink.stats();
    assert_eq!((stats.pending, stats.closed), (3, 1));
    let mut discarded = 0;
    unsafe { barter_event_sink_discard(sink.0, &mut discarded) };
    assert_eq!(discarded, 3);
}

#[test]
fn closing_while_a_drain_waits_ends_it_at_once() {
    let session = Session::new(CONFIG).unwrap();
    let sink = session.sink();
    assert_eq!(sink.drain(10, 1000).0.len(), 1); // the snapshot
    let raw = sink.0 as usize;
    let waiter = std::thread::spawn(move || {
        let started = Instant::now();
        let mut batch = std::ptr::null_mut();
        let status = unsafe {
            barter_event_sink_drain(raw as *const BarterEventSink, 10, 60_000, &mut batch)
        };
        let flags = unsafe { (*batch).flags };
        unsafe { barter_event_batch_free(&mut batch) };
        (status, flags, started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    drop(session);
    assert!(started.elapsed() < Duration::from_secs(5));
    let (status, flags, waited) = waiter.join().unwrap();
    assert_eq!(status, BarterStatus::Ok);
    assert_eq!(flags, BARTER_EVENT_BATCH_FINISHED);
    assert!(waited < Duration::from_secs(10));
}
