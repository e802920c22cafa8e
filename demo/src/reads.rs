//! The in-process chain's reads served on loopback (the protocol of `carechain_sdk::remote`), so
//! the record gateway runs as its own process against the demo's chain, as it would against a
//! node. Read-only: nothing here writes to the chain.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use carechain_sdk::{ChainRead, Contract};
use ink::primitives::AccountId;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

type Reader = Arc<Mutex<Box<dyn ChainRead + Send>>>;

fn account(text: &str) -> Option<AccountId> {
    let bytes: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
    Some(AccountId::from(bytes))
}

#[derive(Deserialize)]
struct At {
    at: Option<String>,
}

async fn suite(State(chain): State<Reader>) -> Response {
    let chain = chain.lock().unwrap_or_else(|p| p.into_inner());
    let contracts: serde_json::Map<String, serde_json::Value> = Contract::ALL
        .iter()
        .map(|c| {
            let address = chain.address(*c);
            (
                c.name().to_owned(),
                hex::encode(AsRef::<[u8; 32]>::as_ref(&address)).into(),
            )
        })
        .collect();
    Json(serde_json::json!({ "contracts": contracts })).into_response()
}

async fn storage(
    State(chain): State<Reader>,
    Path((address, key)): Path<(String, String)>,
    Query(at): Query<At>,
) -> Response {
    let (Some(address), Ok(key)) = (account(&address), hex::decode(&key)) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut chain = chain.lock().unwrap_or_else(|p| p.into_inner());
    let value = match at.at.as_deref() {
        Some("finalized") => chain.finalized_storage(address, &key),
        _ => chain.storage(address, &key),
    };
    match value {
        Some(bytes) => bytes.into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn now(State(chain): State<Reader>) -> Response {
    let now = chain.lock().unwrap_or_else(|p| p.into_inner()).now();
    Json(serde_json::json!({ "now": now })).into_response()
}

async fn balance(State(chain): State<Reader>, Path(address): Path<String>) -> Response {
    let Some(address) = account(&address) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let balance = chain
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .balance(&address);
    Json(serde_json::json!({ "balance": balance.to_string() })).into_response()
}

/// Serve `chain`'s reads on `address` (a loopback address; port 0 picks one) from a thread of
/// its own; the address it listens on.
pub fn serve(chain: Box<dyn ChainRead + Send>, address: SocketAddr) -> Result<SocketAddr, String> {
    let state: Reader = Arc::new(Mutex::new(chain));
    let app = Router::new()
        .route("/v1/chain/suite", get(suite))
        .route("/v1/chain/storage/{address}/{key}", get(storage))
        .route("/v1/chain/now", get(now))
        .route("/v1/chain/balance/{address}", get(balance))
        .with_state(state);
    carechain_gateway::serve_in_background("chain-reads", app, address, Default::default())
}
