//! Deployment manifests: `deployments/<chain>-<genesis>.json`, written after every step of a
//! deployment (so a failed one is recorded as partial) and read by everything that uses a
//! deployed suite. A manifest names the deployer's account, never its key.

use crate::{parse_ss58, ss58};
use carechain_sdk::Contract;
use ink::primitives::AccountId;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Where deployment manifests live, by configuration: `$CARECHAIN_DEPLOYMENTS`, else the nearest
/// `deployments/` in the working directory or a parent of it, else `./deployments`.
pub fn deployments_dir() -> PathBuf {
    std::env::var_os("CARECHAIN_DEPLOYMENTS")
        .map(PathBuf::from)
        .or_else(|| carechain_sdk::contracts::nearest("deployments"))
        .unwrap_or_else(|| PathBuf::from("deployments"))
}

#[derive(Clone, Debug)]
pub struct Manifest {
    pub path: PathBuf,
    pub genesis: String,
    pub deployer: AccountId,
    json: Value,
}

fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Manifest {
    /// The manifest path for a chain: `<dir>/<chain slug>-<first 8 hex digits of genesis>.json`.
    pub fn path_for(dir: &Path, chain: &str, genesis: &str) -> PathBuf {
        let slug: String = chain
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let short = genesis
            .trim_start_matches("0x")
            .get(..8)
            .unwrap_or("unknown");
        dir.join(format!("{slug}-{short}.json"))
    }

    /// A new, partial manifest (not yet written).
    pub fn start(path: PathBuf, chain: &str, genesis: &str, deployer: AccountId) -> Manifest {
        let json = json!({
            "chain": chain,
            "genesis": genesis,
            "deployer": ss58(&deployer),
            "status": "partial",
            "started_at": now_s(),
            "contracts": {},
            "steps": [],
        });
        Manifest {
            path,
            genesis: genesis.to_owned(),
            deployer,
            json,
        }
    }

    pub fn load(path: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let deployer = parse_ss58(json["deployer"].as_str().unwrap_or_default())
            .map_err(|e| format!("{}: deployer: {e}", path.display()))?;
        Ok(Manifest {
            path: path.to_owned(),
            genesis: json["genesis"].as_str().unwrap_or_default().to_owned(),
            deployer,
            json,
        })
    }

    /// The complete deployment recorded in `dir` for the chain with this genesis hash.
    pub fn find(dir: &Path, genesis: &str) -> Result<Manifest, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            format!(
                "{}: {e}: no deployment recorded; run scripts/deploy.sh",
                dir.display()
            )
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                if let Ok(manifest) = Manifest::load(&path) {
                    if manifest.genesis.eq_ignore_ascii_case(genesis) && manifest.is_complete() {
                        return Ok(manifest);
                    }
                }
            }
        }
        Err(format!(
            "no complete deployment for the chain with genesis {genesis} in {}: run scripts/deploy.sh",
            dir.display()
        ))
    }

    pub fn is_complete(&self) -> bool {
        self.json["status"] == "complete"
    }

    pub fn status(&self) -> String {
        self.json["status"].as_str().unwrap_or("unknown").to_owned()
    }

    /// Every contract recorded, complete or not.
    pub fn recorded(&self) -> Vec<(Contract, AccountId)> {
        Contract::ALL
            .into_iter()
            .filter_map(|c| {
                let text = self.json["contracts"][c.name()]["address"].as_str()?;
                Some((c, parse_ss58(text).ok()?))
            })
            .collect()
    }

    /// The suite's addresses; an error unless every contract is recorded.
    pub fn addresses(&self) -> Result<Vec<(Contract, AccountId)>, String> {
        let recorded = self.recorded();
        if recorded.len() != Contract::ALL.len() {
            return Err(format!(
                "{} records {} of {} contracts",
                self.path.display(),
                recorded.len(),
                Contract::ALL.len()
            ));
        }
        Ok(recorded)
    }

    pub fn record_contract(&mut self, contract: Contract, address: AccountId, code_hash: [u8; 32]) {
        self.json["contracts"][contract.name()] = json!({
            "address": ss58(&address),
            "code_hash": format!("0x{}", hex::encode(code_hash)),
        });
    }

    pub fn record_step(&mut self, step: &str) {
        if let Some(steps) = self.json["steps"].as_array_mut() {
            steps.push(json!(step));
        }
    }

    pub fn complete(&mut self) {
        self.json["status"] = json!("complete");
        self.json["completed_at"] = json!(now_s());
    }

    /// Write the manifest atomically (a temporary file renamed over it).
    pub fn save(&self) -> Result<(), String> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let tmp = self.path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(&self.json).map_err(|e| e.to_string())?;
        std::fs::write(&tmp, text + "\n").map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_round_trips_and_names_no_key() {
        let dir =
            std::env::temp_dir().join(format!("carechain-manifest-{}", rand::random::<u64>()));
        let deployer = AccountId::from([7; 32]);
        let path = Manifest::path_for(&dir, "Development Chain", "0xabcdef0123456789");
        assert!(path.ends_with("development-chain-abcdef01.json"));
        let mut m = Manifest::start(path.clone(), "Development", "0xabcdef0123456789", deployer);
        m.record_contract(Contract::AuditLog, AccountId::from([1; 32]), [2; 32]);
        m.record_step("instantiate audit_log");
        m.save().unwrap();
        assert!(
            Manifest::find(&dir, "0xabcdef0123456789").is_err(),
            "partial is not found"
        );
        let loaded = Manifest::load(&path).unwrap();
        assert_eq!(
            loaded.recorded(),
            vec![(Contract::AuditLog, AccountId::from([1; 32]))]
        );
        assert!(loaded.addresses().is_err());
        let mut m = loaded;
        for c in Contract::ALL {
            m.record_contract(c, AccountId::from([c as u8; 32]), [0; 32]);
        }
        m.complete();
        m.save().unwrap();
        let found = Manifest::find(&dir, "0xABCDEF0123456789").unwrap();
        assert_eq!(found.deployer, deployer);
        assert_eq!(found.addresses().unwrap().len(), Contract::ALL.len());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("suri") && !text.contains("//"), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
