//! Chat: create a session bound to one or more indexes and stream the answer to a question.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example chat -- <index_id>[,<index_id>...] <prompt>
//! ```
//!
//! The answer's text deltas are printed to stdout as they arrive; thinking, tool calls and the
//! final token usage go to stderr. To continue an existing session instead of creating one, set
//! `LLAMA_CLOUD_CHAT_SESSION=<session_id>`.

use std::io::Write;

use futures_util::TryStreamExt;
use llama_cloud::types::ChatEvent;
use llama_cloud::LlamaCloud;

fn usage() -> ! {
    eprintln!("usage: chat <index_id>[,<index_id>...] <prompt>");
    eprintln!("       (set LLAMA_CLOUD_CHAT_SESSION=<session_id> to continue a session)");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(index_ids), Some(_)) = (args.first(), args.get(1)) else { usage() };
    let index_ids: Vec<String> =
        index_ids.split(',').map(str::trim).filter(|id| !id.is_empty()).map(str::to_owned).collect();
    if index_ids.is_empty() {
        usage();
    }
    let prompt = args[1..].join(" ");

    let client = LlamaCloud::from_env()?;
    let chat = client.beta().chat();

    let session_id = match std::env::var("LLAMA_CLOUD_CHAT_SESSION") {
        Ok(id) if !id.trim().is_empty() => id.trim().to_owned(),
        _ => {
            let session = chat.create().index_ids(index_ids.clone()).await?;
            eprintln!("created session {}", session.session_id);
            session.session_id
        }
    };

    // Awaiting the request opens the stream; each item is one decoded server-sent event.
    let mut events = chat.stream(&session_id, index_ids, &prompt).await?;
    let mut stdout = std::io::stdout();
    let mut in_thinking = false;
    while let Some(event) = events.try_next().await? {
        match event {
            ChatEvent::TextDelta(delta) => {
                if in_thinking {
                    eprintln!();
                    in_thinking = false;
                }
                print!("{}", delta.content);
                stdout.flush()?;
            }
            ChatEvent::ThinkingDelta(delta) => {
                in_thinking = true;
                eprint!("{}", delta.content);
            }
            ChatEvent::ToolCall(call) => {
                eprintln!("\n[tool call {}: {}]", call.name, serde_json::Value::Object(call.arguments));
            }
            ChatEvent::ToolResult(result) => eprintln!("[tool result from {}]", result.name),
            ChatEvent::Stop(stop) => {
                println!();
                if stop.is_error {
                    eprintln!("the run failed: {}", stop.error.as_deref().unwrap_or("unknown error"));
                    std::process::exit(1);
                }
                let usage = stop.usage;
                eprintln!(
                    "[done: {} input / {} output tokens, {} turn(s)]",
                    usage.total_input_tokens.unwrap_or(0),
                    usage.total_output_tokens.unwrap_or(0),
                    usage.turns.unwrap_or(0)
                );
            }
            // Complete text/thinking blocks repeat what the deltas already printed.
            ChatEvent::Text(_) | ChatEvent::Thinking(_) | ChatEvent::UserInput(_) => {}
            // Event types this SDK version does not know are kept as raw JSON.
            ChatEvent::Unknown(raw) => eprintln!("[unknown event {raw}]"),
            // `ChatEvent` is `#[non_exhaustive]`: event types added to the API in later SDK versions.
            _ => {}
        }
    }

    eprintln!("session: {session_id} (set LLAMA_CLOUD_CHAT_SESSION to continue it)");
    Ok(())
}
