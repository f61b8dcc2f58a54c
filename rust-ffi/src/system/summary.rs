//! barter's `TradingSummary` in one faithful JSON form.
//!
//! serde_json refuses the summary as barter derives it: `assets` is a map
//! whose key, `ExchangeAsset`, is a struct. The form here is serde's own
//! output for every other part; `assets` becomes an array, in the map's
//! order, of `{"exchange": .., "asset": .., "tear_sheet": <TearSheetAsset>}`.
//! It parses back into the same `TradingSummary`.

use crate::ctypes::c_tag;
use crate::ctypes::decimal::BarterDecimal;
use crate::status::{at, FfiError};
use barter::statistic::summary::asset::TearSheetAsset;
use barter::statistic::summary::instrument::TearSheet;
use barter::statistic::summary::{TradingSummary, TradingSummaryGenerator};
use barter::statistic::time::{Annual252, Annual365, Daily, TimeInterval};
use barter_instrument::asset::name::AssetNameInternal;
use barter_instrument::asset::ExchangeAsset;
use barter_instrument::exchange::ExchangeId;
use barter_instrument::instrument::name::InstrumentNameInternal;
use barter_integration::collection::FnvIndexMap;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The interval a summary's ratios are scaled to.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterSummaryInterval {
    Daily = 1,
    Annual252 = 2,
    Annual365 = 3,
}

c_tag!(BarterSummaryInterval {
    Daily,
    Annual252,
    Annual365
});

#[derive(Serialize, Deserialize)]
struct AssetEntry {
    exchange: ExchangeId,
    asset: AssetNameInternal,
    tear_sheet: TearSheetAsset,
}

#[derive(Serialize, Deserialize)]
#[serde(bound = "TearSheet<I>: Serialize + DeserializeOwned")]
pub(crate) struct Form<I> {
    time_engine_start: DateTime<Utc>,
    time_engine_end: DateTime<Utc>,
    instruments: FnvIndexMap<InstrumentNameInternal, TearSheet<I>>,
    assets: Vec<AssetEntry>,
}

impl<I> From<TradingSummary<I>> for Form<I> {
    fn from(summary: TradingSummary<I>) -> Self {
        Self {
            time_engine_start: summary.time_engine_start,
            time_engine_end: summary.time_engine_end,
            instruments: summary.instruments,
            assets: summary
                .assets
                .into_iter()
                .map(|(key, tear_sheet)| AssetEntry {
                    exchange: key.exchange,
                    asset: key.asset,
                    tear_sheet,
                })
                .collect(),
        }
    }
}

impl<I> From<Form<I>> for TradingSummary<I> {
    fn from(form: Form<I>) -> Self {
        Self {
            time_engine_start: form.time_engine_start,
            time_engine_end: form.time_engine_end,
            instruments: form.instruments,
            assets: form
                .assets
                .into_iter()
                .map(|entry| {
                    (
                        ExchangeAsset::new(entry.exchange, entry.asset),
                        entry.tear_sheet,
                    )
                })
                .collect(),
        }
    }
}

/// The summary in the form described above.
pub fn to_json<I>(summary: TradingSummary<I>) -> Result<Vec<u8>, FfiError>
where
    TearSheet<I>: Serialize + DeserializeOwned,
{
    serde_json::to_vec(&Form::from(summary))
        .map_err(|e| FfiError::invalid(format!("cannot serialise the trading summary: {e}")))
}

fn parse<I>(json: &str) -> Result<TradingSummary<I>, FfiError>
where
    TearSheet<I>: Serialize + DeserializeOwned,
{
    let form: Form<I> = serde_json::from_str(json).map_err(crate::json::serde_error)?;
    Ok(form.into())
}

fn reprint<I: TimeInterval>(json: &str) -> Result<Vec<u8>, FfiError>
where
    TearSheet<I>: Serialize + DeserializeOwned,
{
    to_json(parse::<I>(json)?)
}

/// The summary a generator makes with the ratios of `interval`, in the
/// form above.
pub(crate) fn generate(
    mut generator: TradingSummaryGenerator,
    interval: BarterSummaryInterval,
) -> Result<Vec<u8>, FfiError> {
    match interval {
        BarterSummaryInterval::Daily => to_json(generator.generate(Daily)),
        BarterSummaryInterval::Annual252 => to_json(generator.generate(Annual252)),
        BarterSummaryInterval::Annual365 => to_json(generator.generate(Annual365)),
    }
}

/// The arguments every trading summary call takes: the risk-free return
/// and a `BarterSummaryInterval`, checked.
///
/// # Safety
/// `risk_free_return` must be NULL or valid for reads.
pub(crate) unsafe fn arguments(
    risk_free_return: *const BarterDecimal,
    interval: u32,
) -> Result<(Decimal, BarterSummaryInterval), FfiError> {
    // SAFETY: per this function's contract.
    let rate =
        *unsafe { risk_free_return.as_ref() }.ok_or_else(|| FfiError::null("risk_free_return"))?;
    let rate = Decimal::try_from(rate).map_err(at("risk_free_return"))?;
    let interval = BarterSummaryInterval::from_raw(interval).map_err(at("interval"))?;
    Ok((rate, interval))
}

/// Parses a summary in this form and prints it again: the check that a
/// summary written elsewhere is one barter would accept.
pub fn normalize(json: &str, interval: BarterSummaryInterval) -> Result<Vec<u8>, FfiError> {
    match interval {
        BarterSummaryInterval::Daily => reprint::<Daily>(json),
        BarterSummaryInterval::Annual252 => reprint::<Annual252>(json),
        BarterSummaryInterval::Annual365 => reprint::<Annual365>(json),
    }
}
