//! [`VaultPlane`]: the scenario's data plane — each actor's client encrypting, wrapping,
//! uploading, fetching and decrypting with the demo keys, through a real gateway.

use crate::scenario::DataPlane;
use carechain_common::{Digest, EncryptedLocator, PatientId, RecordId};
use carechain_sdk::gateway::protocol::blob_path;
use carechain_sdk::gateway::records::{self, Sealed};
use carechain_sdk::gateway::release::{check_release, ChainFactsOf};
use carechain_sdk::gateway::{rewrap, GatewayClient};
use carechain_sdk::keys::demo_secret;
use carechain_sdk::ChainWrite;
use carechain_vault::SecretKey;
use ink::primitives::AccountId;
use object_store::{ObjectStore, ObjectStoreExt};
use std::collections::HashMap;
use std::sync::Arc;

/// The scenario's data plane: every actor's client, with demo keys derived from actor names
/// (`carechain_sdk::keys`). `store`, when given, is the gateway's store, so the demo can
/// show a compromised store being detected.
pub struct VaultPlane {
    pub gateway: GatewayClient,
    store: Option<Arc<dyn ObjectStore>>,
    sealed: HashMap<RecordId, Sealed>,
    /// How old a granted entry may be for the custodian's own check (the gateway's window).
    pub window_ms: u64,
}

/// The gateway's store (a directory or `s3://bucket/prefix`), opened by the demo's client to
/// show that an altered blob is detected (a deployment's clients never have this).
pub use carechain_gateway::open_store;

fn text<E: core::fmt::Display>(e: E) -> String {
    e.to_string()
}

impl VaultPlane {
    pub fn new(gateway: GatewayClient, store: Option<Arc<dyn ObjectStore>>) -> VaultPlane {
        VaultPlane {
            gateway,
            store,
            sealed: HashMap::new(),
            window_ms: carechain_sdk::gateway::protocol::DEFAULT_WINDOW_MS,
        }
    }

    fn secret<L: ChainWrite>(l: &L, account: &AccountId) -> SecretKey {
        demo_secret(&l.name_of(account))
    }
}

impl<L: ChainWrite> DataPlane<L> for VaultPlane {
    fn seal(
        &mut self,
        l: &mut L,
        _author: AccountId,
        patient: PatientId,
        record: RecordId,
        version: u32,
        plaintext: &[u8],
    ) -> Result<(Digest, EncryptedLocator), String> {
        let sealed = records::seal(l, &self.gateway.id, patient, record, version, plaintext)?;
        let anchor = (sealed.content_hash, sealed.locator.clone());
        self.sealed.insert(record, sealed);
        Ok(anchor)
    }

    fn upload(&mut self, l: &mut L, author: AccountId, record: RecordId) -> Result<(), String> {
        let sealed = self
            .sealed
            .remove(&record)
            .ok_or("nothing sealed for this record")?;
        records::upload(&self.gateway, l, author, record, &sealed)
    }

    fn fetch(
        &mut self,
        l: &mut L,
        reader: AccountId,
        record: RecordId,
        entry: u64,
    ) -> Result<Vec<u8>, String> {
        let secret = Self::secret(l, &reader);
        records::fetch(&self.gateway, l, reader, &secret, record, entry)
    }

    fn emergency_rewrap(
        &mut self,
        l: &mut L,
        custodian: AccountId,
        provider: AccountId,
        record: RecordId,
        entry: u64,
    ) -> Result<(), String> {
        // The custodian's own check first: the provider's granted emergency read, on chain.
        let release = check_release(
            &mut ChainFactsOf::new(&mut *l),
            None,
            provider,
            record,
            entry,
            self.window_ms,
        )
        .map_err(text)?;
        if !matches!(release.basis, carechain_common::AccessBasis::Emergency(_)) {
            return Err("not a break-glass read".into());
        }
        let to = records::organisation_key(l, provider)?;
        let secret = Self::secret(l, &custodian);
        rewrap(
            &self.gateway,
            l,
            custodian,
            &secret,
            record,
            entry,
            None,
            &to,
        )
    }

    fn corrupt(&mut self, record: RecordId) -> Result<(), String> {
        let store = self.store.clone().ok_or("no access to the store")?;
        let path = object_store::path::Path::from(blob_path(record));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(text)?;
        runtime.block_on(async move {
            let mut bytes = store
                .get(&path)
                .await
                .map_err(text)?
                .bytes()
                .await
                .map_err(text)?
                .to_vec();
            let last = bytes.len().saturating_sub(1);
            bytes[last] ^= 0x01;
            store
                .put(&path, bytes.into())
                .await
                .map(|_| ())
                .map_err(text)
        })
    }
}
