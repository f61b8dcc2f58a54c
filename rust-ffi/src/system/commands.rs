//! barter's engine commands from their C forms, checked against the
//! engine's instruments and executions before barter sees them (barter's
//! engine and MockExchange panic on what is refused here). Shared by a
//! System and a stepped backtest.

use super::filter::{BarterInstrumentFilter, KeyCounts};
use super::market::MarketScope;
use crate::batch::input_slice;
use crate::ctypes::order_event::{BarterOrderRequestCancel, BarterOrderRequestOpen};
use crate::ctypes::{flag, FromC};
use crate::status::{at, FfiError};
use barter::engine::command::Command;
use barter::engine::state::instrument::filter::InstrumentFilter;
use barter::engine::state::trading::TradingState;
use barter::system::config::ExecutionConfig;
use barter_execution::order::request::{OrderRequestCancel, OrderRequestOpen};
use barter_execution::order::OrderKind;
use barter_instrument::index::IndexedInstruments;
use barter_instrument::Side;
use barter_integration::collection::one_or_many::OneOrMany;
use rust_decimal::Decimal;

/// What commands are checked against: the market data scope, the key
/// counts, and MockExchange's `fees_percent` by `ExchangeIndex` (`None`
/// for an exchange without an execution).
pub(crate) struct Rules {
    pub(crate) scope: MarketScope,
    counts: KeyCounts,
    mock_fees: Vec<Option<Decimal>>,
}

impl Rules {
    pub(crate) fn of(instruments: &IndexedInstruments, executions: &[ExecutionConfig]) -> Self {
        let mut mock_fees = vec![None; instruments.exchanges().len()];
        for exchange in instruments.exchanges() {
            mock_fees[exchange.key.index()] = executions.iter().find_map(|execution| {
                let ExecutionConfig::Mock(mock) = execution;
                (mock.mocked_exchange == exchange.value).then_some(mock.fees_percent)
            });
        }
        Rules {
            scope: MarketScope::of(instruments),
            counts: KeyCounts {
                exchanges: instruments.exchanges().len(),
                assets: instruments.assets().len(),
                instruments: instruments.instruments().len(),
            },
            mock_fees,
        }
    }

    /// `Command::SendOpenRequests` of `count` indexed C requests.
    ///
    /// # Safety
    /// `requests` must be valid for reads of `count` structs with valid views.
    pub(crate) unsafe fn open_requests(
        &self,
        requests: *const BarterOrderRequestOpen,
        count: usize,
    ) -> Result<Command, FfiError> {
        // SAFETY: per this function's contract.
        let requests =
            unsafe { self.requests(requests, count, |r: &OrderRequestOpen| r.key.instrument.0) }?;
        for (index, request) in requests.iter().enumerate() {
            self.check_mock_arithmetic(request)
                .map_err(at(&format!("requests[{index}]")))?;
        }
        Ok(Command::SendOpenRequests(requests))
    }

    /// `Command::SendCancelRequests` of `count` indexed C requests.
    ///
    /// # Safety
    /// As `open_requests`.
    pub(crate) unsafe fn cancel_requests(
        &self,
        requests: *const BarterOrderRequestCancel,
        count: usize,
    ) -> Result<Command, FfiError> {
        // SAFETY: per this function's contract.
        let requests =
            unsafe { self.requests(requests, count, |r: &OrderRequestCancel| r.key.instrument.0) }?;
        Ok(Command::SendCancelRequests(requests))
    }

    /// `command` (`ClosePositions` or `CancelOrders`) of a C filter.
    ///
    /// # Safety
    /// `filter` must be NULL or valid for reads, its indices valid for reads.
    pub(crate) unsafe fn filtered(
        &self,
        filter: *const BarterInstrumentFilter,
        command: fn(InstrumentFilter) -> Command,
    ) -> Result<Command, FfiError> {
        // SAFETY: per this function's contract.
        let filter = unsafe { filter.as_ref() }.ok_or_else(|| FfiError::null("filter"))?;
        // SAFETY: per this function's contract.
        let filter = unsafe { filter.to_barter(self.counts) }.map_err(at("filter"))?;
        Ok(command(filter))
    }

    /// Converts `count` indexed C requests, checking each instrument index.
    ///
    /// # Safety
    /// `requests` must be valid for reads of `count` structs with valid views.
    unsafe fn requests<T, C>(
        &self,
        requests: *const C,
        count: usize,
        instrument: impl Fn(&T) -> usize,
    ) -> Result<OneOrMany<T>, FfiError>
    where
        T: FromC<C = C>,
    {
        crate::limits::check_events_len(count)?;
        // SAFETY: per this function's contract.
        let requests = unsafe { input_slice(requests, count, "requests") }?;
        let mut out = Vec::with_capacity(requests.len());
        for (index, c) in requests.iter().enumerate() {
            let at = format!("requests[{index}]");
            // SAFETY: per this function's contract.
            let request = unsafe { T::from_c(c) }.map_err(|e| e.at(at.clone()))?;
            self.scope.check_instrument(instrument(&request), &at)?;
            out.push(request);
        }
        match out.len() {
            0 => Err(FfiError::invalid("no requests: count is 0")),
            1 => Ok(OneOrMany::One(out.remove(0))),
            _ => Ok(OneOrMany::Many(out)),
        }
    }

    /// barter's MockExchange prices a market order with `Decimal` operators
    /// that panic on overflow, which ends its task: every later request to
    /// that exchange would fail. Such an order is refused here instead.
    fn check_mock_arithmetic(&self, request: &OrderRequestOpen) -> Result<(), FfiError> {
        let Some(Some(fees)) = self.mock_fees.get(request.key.exchange.index()) else {
            return Ok(());
        };
        // MockExchange refuses a limit order before pricing it.
        match request.state.kind {
            OrderKind::Market => {}
            OrderKind::Limit => return Ok(()),
        }
        let (price, quantity) = (request.state.price, request.state.quantity.abs());
        // MockExchange's own steps: a buy costs price × quantity plus that
        // times fees, subtracted from a quote balance of up to Decimal::MAX;
        // a sell takes quantity plus quantity × fees, whose fee is priced at
        // price.
        let fits = match request.state.side {
            Side::Buy => {
                let cost = price.checked_mul(quantity).and_then(|value| {
                    value
                        .checked_mul(*fees)
                        .and_then(|fee| value.checked_add(fee))
                });
                if cost.is_some_and(|cost| cost < Decimal::ZERO) {
                    return Err(FfiError::invalid(format!(
                        "a market buy at the negative price {price} adds its cost to \
                         MockExchange's balance, which can overflow its decimal arithmetic"
                    )));
                }
                cost.is_some()
            }
            Side::Sell => quantity
                .checked_mul(*fees)
                .and_then(|fee| quantity.checked_add(fee).and(fee.checked_mul(price)))
                .is_some(),
        };
        if fits {
            return Ok(());
        }
        Err(FfiError::invalid(format!(
            "price {price} and quantity {quantity} overflow MockExchange's decimal \
             arithmetic (fees_percent {fees})"
        )))
    }
}

/// barter's `TradingState` of the C flag: 1 enabled, 0 disabled.
pub(crate) fn trading_state(enabled: u32) -> Result<TradingState, FfiError> {
    Ok(match flag(enabled, "enabled")? {
        true => TradingState::Enabled,
        false => TradingState::Disabled,
    })
}
