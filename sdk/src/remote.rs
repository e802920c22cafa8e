//! Chain reads over HTTP: how a separate process reads a chain that lives inside another process.
//! The main job runs the suite on the in-process chain and the record gateway as its own process;
//! the demo serves its chain's reads with this protocol on loopback, and the gateway reads
//! through [`RemoteChain`] what it would read from a node. Only for that: a deployment's gateway
//! reads a node (`carechain-backend-node`).
//!
//! ```text
//! GET /v1/chain/suite                                  {"contracts": {"<name>": "<hex account>"}}
//! GET /v1/chain/storage/{hex account}/{hex key}?at=best|finalized     200 the value | 404
//! GET /v1/chain/now                                    {"now": <ms>}
//! GET /v1/chain/balance/{hex account}                  {"balance": "<u128>"}
//! ```

use crate::contracts::{Artifact, Bundles, Contract};
use crate::ledger::{short_name, ChainRead};
use ink::primitives::AccountId;
use std::collections::HashMap;

/// The path of a storage read.
pub fn storage_path(address: &AccountId, key: &[u8], finalized: bool) -> String {
    format!(
        "/v1/chain/storage/{}/{}?at={}",
        hex::encode(AsRef::<[u8; 32]>::as_ref(address)),
        hex::encode(key),
        if finalized { "finalized" } else { "best" }
    )
}

/// A chain read over HTTP from the process that holds it.
pub struct RemoteChain {
    base: String,
    http: reqwest::blocking::Client,
    bundles: Bundles,
    addresses: HashMap<Contract, AccountId>,
}

fn account(text: &str) -> Result<AccountId, String> {
    let bytes: [u8; 32] = hex::decode(text.trim_start_matches("0x"))
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| format!("{text}: not an account"))?;
    Ok(AccountId::from(bytes))
}

impl RemoteChain {
    /// Connect to `base` (`http://127.0.0.1:PORT`) and learn where the suite is.
    pub fn connect(base: &str) -> Result<RemoteChain, String> {
        let http = reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        let base = base.trim_end_matches('/').to_owned();
        let suite: serde_json::Value = http
            .get(format!("{base}/v1/chain/suite"))
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .map_err(|e| format!("no chain reads at {base}: {e}"))?;
        let mut addresses = HashMap::new();
        for contract in Contract::ALL {
            let text = suite["contracts"][contract.name()]
                .as_str()
                .ok_or_else(|| format!("{base}: the suite has no {}", contract.name()))?;
            addresses.insert(contract, account(text)?);
        }
        Ok(RemoteChain {
            base,
            http,
            bundles: Bundles::default(),
            addresses,
        })
    }

    /// A chain that does not answer is not a chain without data: a failed read panics (the
    /// gateway turns that into `503 unavailable`), it never reads as "absent".
    fn get_json(&self, path: &str) -> serde_json::Value {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .unwrap_or_else(|e| panic!("the chain at {} did not answer {path}: {e}", self.base))
    }

    fn read(&self, address: AccountId, key: &[u8], finalized: bool) -> Option<Vec<u8>> {
        let path = storage_path(&address, key, finalized);
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .unwrap_or_else(|e| panic!("the chain at {} did not answer {path}: {e}", self.base));
        match response.status().as_u16() {
            200 => Some(
                response
                    .bytes()
                    .unwrap_or_else(|e| panic!("{path}: truncated answer: {e}"))
                    .to_vec(),
            ),
            404 => None,
            status => panic!("the chain at {} answered {status} to {path}", self.base),
        }
    }
}

impl ChainRead for RemoteChain {
    fn name_of(&self, account: &AccountId) -> String {
        self.addresses
            .iter()
            .find(|(_, a)| *a == account)
            .map(|(c, _)| c.name().to_owned())
            .unwrap_or_else(|| short_name(account))
    }
    fn address(&self, contract: Contract) -> AccountId {
        self.addresses[&contract]
    }
    fn artifact(&mut self, name: &str) -> &Artifact {
        self.bundles.get(name)
    }
    fn storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        self.read(address, key, false)
    }
    fn finalized_storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        self.read(address, key, true)
    }
    fn now(&mut self) -> u64 {
        self.get_json("/v1/chain/now")["now"]
            .as_u64()
            .expect("the chain's time")
    }
    fn balance(&mut self, account: &AccountId) -> u128 {
        let path = format!(
            "/v1/chain/balance/{}",
            hex::encode(AsRef::<[u8; 32]>::as_ref(account))
        );
        self.get_json(&path)["balance"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .expect("a balance")
    }
}
