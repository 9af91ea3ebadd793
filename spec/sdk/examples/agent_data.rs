//! Agent data: store JSON records for an agent deployment, then read, update, search,
//! aggregate and delete them.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example agent_data -- <deployment_name> [collection]
//! ```
//!
//! Creates two small "invoice" records in `[collection]` (default `sdk-example`), searches
//! them with a filter, counts them by status and deletes them again.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use llama_cloud::types::{AgentDataFilter, AgentDataFilterValue};
use llama_cloud::LlamaCloud;
use serde_json::{json, Map, Value};

fn usage() -> ! {
    eprintln!("usage: agent_data <deployment_name> [collection]");
    std::process::exit(2)
}

/// A JSON object from `(key, value)` pairs: agent data records are JSON objects.
fn object<const N: usize>(fields: [(&str, Value); N]) -> Map<String, Value> {
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(deployment) = args.first() else { usage() };
    let collection = args.get(1).map_or("sdk-example", String::as_str);

    let client = LlamaCloud::from_env()?;
    let agent_data = client.beta().agent_data();

    // Create two records.
    let first = agent_data
        .create(deployment, object([("vendor", json!("ACME")), ("total", json!(120.5)), ("status", json!("open"))]))
        .collection(collection)
        .await?;
    let second = agent_data
        .create(deployment, object([("vendor", json!("Globex")), ("total", json!(80)), ("status", json!("paid"))]))
        .collection(collection)
        .await?;
    let (Some(first_id), Some(second_id)) = (first.id.clone(), second.id.clone()) else {
        return Err("the API did not return the IDs of the new records".into());
    };
    println!("created {first_id} and {second_id}");

    // Read one back, then replace its data (PUT replaces the whole `data` object).
    let record = agent_data.get(&first_id).await?;
    let mut data = record.data;
    data.insert("status".to_owned(), json!("paid"));
    let updated = agent_data.update(&first_id, data).await?;
    println!("updated {first_id}: {}", Value::Object(updated.data));

    // Search with a filter; `.items()` walks every page (the cursor is sent in the body).
    let mut filter = BTreeMap::new();
    filter.insert(
        "status".to_owned(),
        AgentDataFilter::default().with_eq(AgentDataFilterValue::String("paid".to_owned())),
    );
    filter.insert(
        "total".to_owned(),
        AgentDataFilter::default().with_gte(AgentDataFilterValue::Number(50.0)),
    );
    let mut results = agent_data
        .search(deployment)
        .collection(collection)
        .filter(filter)
        .order_by("data.total desc")
        .page_size(50)
        .items();
    println!("paid records with total >= 50:");
    while let Some(item) = results.try_next().await? {
        println!("  {}  {}", item.id.as_deref().unwrap_or("-"), Value::Object(item.data));
    }

    // Count records per status: one page is plenty here.
    let groups = agent_data.aggregate(deployment).collection(collection).group_by(["status"]).count(true).await?;
    println!("records per status:");
    for group in groups.items() {
        println!("  {}: {}", Value::Object(group.group_key.clone()), group.count.unwrap_or(0));
    }

    // Clean up: one by ID, the rest of the collection by query.
    agent_data.delete(&first_id).await?;
    let deleted = agent_data.delete_by_query(deployment).collection(collection).await?;
    println!("deleted {first_id} and {} more record(s)", deleted.deleted_count);
    Ok(())
}
