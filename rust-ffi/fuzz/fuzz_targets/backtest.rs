//! barter's backtests on arbitrary market data, configs and arguments:
//! `barter_market_data_from_json` must load or refuse (never panic), a run
//! must refuse, or give one summary per backtest, and a stepped backtest on
//! the same config and data must answer every call of the step API with
//! its arguments as given (steps, time bounds, filters, trading states,
//! reads), never panicking, until it is freed. Input: one byte for the
//! interval, one for the number of backtests (0 to 3, 0xff: a NULL `args`
//! with a length), two for the config's length (u16 LE), the config, two
//! for the market data's length, the market data as JSON lines, then one
//! byte per step API call (seeds: scripts/fuzz.sh, barter's example
//! backtest config and market data).
#![no_main]
use barter_ffi::buffer::{barter_buffer_free, BarterBuffer};
use barter_ffi::ctypes::decimal::BarterDecimal;
use barter_ffi::ctypes::strings::BarterStr;
use barter_ffi::json::BarterJsonFormat;
use barter_ffi::status::BarterStatus;
use barter_ffi::system::backtest::{
    barter_backtest_run, barter_market_data_free, barter_market_data_from_json, BarterBacktestArgs,
};
use libfuzzer_sys::fuzz_target;
use std::ptr::null_mut;

fuzz_target!(|data: &[u8]| {
    let [interval, count, l0, l1, rest @ ..] = data else {
        return;
    };
    let (config, market) =
        rest.split_at(usize::from(u16::from_le_bytes([*l0, *l1])).min(rest.len()));
    let mut loaded = null_mut();
    let format = BarterJsonFormat::Lines as u32;
    let status =
        unsafe { barter_market_data_from_json(market.as_ptr(), market.len(), format, &mut loaded) };
    if status != BarterStatus::Ok {
        assert!(loaded.is_null(), "a refused load handed out data");
        return;
    }
    let ids = ["a", "", "ü"];
    let args: Vec<BarterBacktestArgs> = ids
        .iter()
        .take(usize::from(*count % 4))
        .map(|id| BarterBacktestArgs {
            id: BarterStr::borrowing(id),
            // 0.05
            risk_free_return: BarterDecimal {
                mantissa_lo: 5,
                mantissa_hi: 0,
                scale: 2,
                negative: 0,
                reserved: 0,
            },
        })
        .collect();
    let (args_ptr, args_len) = if *count == 0xff {
        (std::ptr::null(), 2)
    } else {
        (args.as_ptr(), args.len())
    };
    let mut buffer: *mut BarterBuffer = null_mut();
    let status = unsafe {
        barter_backtest_run(
            config.as_ptr(),
            config.len(),
            loaded,
            args_ptr,
            args_len,
            u32::from(*interval % 4),
            &mut buffer,
        )
    };
    if status == BarterStatus::Ok {
        assert!(
            !args_ptr.is_null() && *interval % 4 != 0,
            "accepted bad arguments"
        );
        let json = unsafe { std::slice::from_raw_parts((*buffer).data, (*buffer).len) };
        let value: serde_json::Value = serde_json::from_slice(json).expect("summaries are JSON");
        assert_eq!(value["num_backtests"], args_len);
        assert_eq!(value["summaries"].as_array().map(Vec::len), Some(args_len));
        assert_eq!(unsafe { barter_buffer_free(&mut buffer) }, BarterStatus::Ok);
    } else {
        assert!(buffer.is_null(), "a refused run handed out a buffer");
    }
    assert_eq!(
        unsafe { barter_market_data_free(&mut loaded) },
        BarterStatus::Ok
    );
});
