//! `barter_system_new` on arbitrary configs, balances and options. A
//! refusal must be the options' or the config parser's own (called first,
//! so the target knows which); a System that starts must answer, shut down,
//! give its trading summary and free cleanly.
//!
//! Input: 8 bytes, then the balances and the config (seeds: scripts/fuzz.sh,
//! from barter's example config): feed mode (0xfe: NULL options), trading
//! state, audit, reserved, audit capacity (u16 LE, 0xffff: usize::MAX), the
//! summary interval, and the length of the balances.
#![no_main]
use barter_ffi::status::BarterStatus;
use barter_ffi::system::config;
use barter_ffi::system::BarterSystemOptions;
use barter_ffi_fuzz::system::{AuditLog, System};
use libfuzzer_sys::fuzz_target;

/// A start waits one MockExchange round trip of `latency_ms`, in real
/// time: above this bound the target lowers the latency (modulo), so that
/// a start stays far inside libFuzzer's timeout.
const MAX_LATENCY_MS: u64 = 20;

/// `config` with every execution's latency at most `MAX_LATENCY_MS`
/// (rewritten only when one is over); `None` when it cannot be read.
fn fast(config: &[u8]) -> Option<Vec<u8>> {
    let mut value: serde_json::Value = serde_json::from_slice(config).ok()?;
    let executions = value.get_mut("executions")?.as_array_mut()?;
    let latencies = executions
        .iter()
        .map(|e| e["latency_ms"].as_u64())
        .collect::<Option<Vec<u64>>>()?;
    if latencies.iter().all(|&ms| ms <= MAX_LATENCY_MS) {
        return Some(config.to_vec());
    }
    for (execution, ms) in executions.iter_mut().zip(latencies) {
        execution["latency_ms"] = (ms % (MAX_LATENCY_MS + 1)).into();
    }
    serde_json::to_vec(&value).ok()
}

fuzz_target!(|data: &[u8]| {
    let [feed_mode, trading, audit, reserved, c0, c1, interval, balances_len, rest @ ..] = data
    else {
        return;
    };
    let (balances, config) = rest.split_at(usize::from(*balances_len).min(rest.len()));
    let options = BarterSystemOptions {
        feed_mode: u32::from(*feed_mode),
        trading_disabled: u32::from(*trading),
        audit: u32::from(*audit),
        reserved: u32::from(*reserved),
        audit_capacity: match u16::from_le_bytes([*c0, *c1]) {
            u16::MAX => usize::MAX,
            capacity => usize::from(capacity),
        },
    };
    let options = (*feed_mode != 0xfe).then_some(options);
    let defaults = BarterSystemOptions::default();
    let given = options.as_ref().unwrap_or(&defaults);
    let options_valid = given.feed_mode <= 2 && given.trading_disabled <= 2 && given.audit <= 1;
    // The parse barter_system_new makes after checking the options.
    let parsed = config::parse(config, balances);
    let config = match &parsed {
        Ok(_) => match fast(config) {
            Some(config) => config,
            None => return,
        },
        Err(_) => config.to_vec(),
    };

    let system = match System::start(&config, balances, options.as_ref()) {
        Ok(system) => system,
        Err(failure) => {
            if !options_valid {
                failure.expect(BarterStatus::InvalidArgument, &["options."]);
            } else if let Err(error) = parsed {
                assert_eq!(failure.status, error.status, "{}", failure.message);
                assert_eq!(failure.message, error.message);
            } else {
                // Refused by barter or Tokio after the config parsed.
                failure.expect(BarterStatus::InvalidArgument, &[]);
            }
            return;
        }
    };
    assert!(options_valid, "started with invalid options {given:?}");
    assert!(parsed.is_ok(), "started on a config the parser refuses");
    assert!(system.is_running(), "a System that started does not run");
    let mut log = AuditLog::default();
    if given.audit == 1 {
        system.check_snapshot();
        log.drain_queued(&system);
    } else {
        assert!(system.drain(1, 0).is_none(), "a drain with the audit off");
    }
    system.shutdown();
    system.check_summary(u32::from(*interval % 5));
    if given.audit == 1 {
        log.drain_to_end(&system);
    }
});
