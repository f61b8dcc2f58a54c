//! Market events on their way into an engine: read from barter-data's JSON
//! or from C structs, and checked against the instruments the engine was
//! built with, since barter's engine panics on an instrument index out of
//! range or an exchange it keeps no state for.

use super::MarketEvent;
use crate::ctypes::market::BarterMarketStreamEvent;
use crate::ctypes::FromC;
use crate::json::{parse_each, BarterJsonFormat};
use crate::limits::check_events_len;
use crate::status::{at, FfiError};
use barter_data::streams::reconnect::Event;
use barter_instrument::exchange::ExchangeId;
use barter_instrument::index::IndexedInstruments;

/// The exchanges and instrument indices an engine accepts market data for.
pub(crate) struct MarketScope {
    instruments: usize,
    exchanges: Vec<ExchangeId>,
}

impl MarketScope {
    pub(crate) fn of(instruments: &IndexedInstruments) -> Self {
        MarketScope {
            instruments: instruments.instruments().len(),
            exchanges: instruments
                .exchanges()
                .iter()
                .map(|exchange| exchange.value)
                .collect(),
        }
    }

    pub(crate) fn check_instrument(&self, index: usize, at: &str) -> Result<(), FfiError> {
        if index < self.instruments {
            return Ok(());
        }
        Err(FfiError::invalid(format!(
            "{at}: instrument index {index} is out of range: the System has {}",
            self.instruments
        )))
    }

    pub(crate) fn check(&self, event: &MarketEvent, at: &str) -> Result<(), FfiError> {
        let exchange = match event {
            Event::Item(item) => {
                self.check_instrument(item.instrument.0, at)?;
                item.exchange
            }
            Event::Reconnecting(exchange) => *exchange,
        };
        if self.exchanges.contains(&exchange) {
            return Ok(());
        }
        Err(FfiError::invalid(format!(
            "{at}: exchange {} is not one of the System's",
            exchange.as_str()
        )))
    }

    /// Parses barter-data's `MarketStreamEvent` JSON framed as `format`;
    /// the first bad event fails, named by its line or index.
    pub(crate) fn read_json(
        &self,
        data: &[u8],
        format: BarterJsonFormat,
    ) -> Result<Vec<MarketEvent>, FfiError> {
        let mut events = Vec::new();
        parse_each::<MarketEvent>(data, format, |origin, event| {
            let event = event?;
            self.check(&event, &origin.describe())?;
            events.push(event);
            Ok(())
        })?;
        Ok(events)
    }

    /// Checks every event, naming a bad one `event <index>`.
    pub(crate) fn check_events(&self, events: &[MarketEvent]) -> Result<(), FfiError> {
        events
            .iter()
            .enumerate()
            .try_for_each(|(index, event)| self.check(event, &format!("event {index}")))
    }
}

/// Builds the events of `items` (`Item` or `Reconnecting`); the first bad
/// one fails, named `event <index>`.
///
/// # Safety
/// Every view and array inside `items` must be valid for reads.
pub(crate) unsafe fn read_structs(
    items: &[BarterMarketStreamEvent],
) -> Result<Vec<MarketEvent>, FfiError> {
    check_events_len(items.len())?;
    items
        .iter()
        .enumerate()
        // SAFETY: per this function's contract.
        .map(|(index, item)| {
            unsafe { MarketEvent::from_c(item) }.map_err(at(&format!("event {index}")))
        })
        .collect()
}
