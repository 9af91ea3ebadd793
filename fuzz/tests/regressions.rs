//! Inputs the fuzz targets once failed on, kept as tests. This crate builds the SDK with exactly
//! the SDK's own dependency features (`make test` tests it on its own, outside the workspace's
//! feature unification), so these also guard the SDK's manifest.

use llama_cloud::runtime::request::decode_json;
use llama_cloud::types::{AgentData, BatchJobConfig};

/// Target `decode`: without serde_json's `float_roundtrip`, 1.8720856840502082e84 decoded one unit
/// in the last place off, so a value changed in a round trip.
#[test]
fn floats_decode_exactly_and_survive_a_round_trip() {
    let body = br#"{"data": {"score": 1.8720856840502082e84, "tiny": -1.5912558269390904e-218, "p": 0.1}, "deployment_name": "d"}"#;
    let item: AgentData = decode_json(body).expect("decodes");
    assert_eq!(item.data["score"].as_f64(), Some(1.8720856840502082e84));
    assert_eq!(item.data["tiny"].as_f64(), Some(-1.5912558269390904e-218));
    let encoded = serde_json::to_vec(&item).expect("encodes");
    let again: AgentData = decode_json(&encoded).expect("re-decodes");
    assert_eq!(again, item);

    let config: BatchJobConfig = decode_json(b"-1.5912558269390904e218").expect("an unknown config keeps its JSON");
    let again: BatchJobConfig = decode_json(&serde_json::to_vec(&config).expect("encodes")).expect("re-decodes");
    assert_eq!(again, config);
}
