//! A short run of every fuzz target in `make test`; `make fuzz` runs them for longer.

use std::time::Duration;

#[test]
fn every_target_holds_for_a_short_run() {
    for (name, target) in sdk_fuzz::TARGETS {
        let report = sdk_fuzz::run(*target, Duration::from_secs(2));
        assert!(report.failure.is_none(), "{name}: {}", report.failure.unwrap_or_default());
        assert!(report.executions > 100, "{name} ran only {} times", report.executions);
    }
}

#[test]
fn the_type_list_covers_the_sdk() {
    assert!(sdk_fuzz::DECODERS.len() >= 100, "{} decodable types", sdk_fuzz::DECODERS.len());
    for name in ["ChatEvent", "BatchJobConfig", "SplitJobStatus", "MetadataFilterValue", "BatchJobProgress"] {
        assert!(sdk_fuzz::DECODERS.iter().any(|(n, _)| *n == name), "{name} is fuzzed");
    }
    assert!(sdk_fuzz::EXAMPLES.len() >= 40, "{} examples", sdk_fuzz::EXAMPLES.len());
    assert!(sdk_fuzz::TAGGED.iter().any(|(n, _)| *n == "ChatEvent"), "the discriminated unions are listed");
}
