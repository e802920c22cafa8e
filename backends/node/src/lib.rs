//! The suite on a running node, over subxt with types generated from the node's own metadata
//! ([`runtime`], from `metadata/contracts-node.scale`; the e2e test `node_metadata_is_current`
//! compares it with the running node). Two sides, as the SDK has them:
//! - [`NodeReader`] implements [`ChainRead`] and holds no key: contract storage through
//!   `ContractsApi::get_storage` at the best or the finalized block, time, balances (the record
//!   gateway reads this way);
//! - [`NodeLedger`] adds [`ChainWrite`]: calls are dry-run through the `ContractsApi` runtime API
//!   (for the answer, weight and deposit) and, when they would change state, submitted as signed
//!   `Contracts::call` extrinsics; contract events come from the block.
//!
//! Deployment goes through the SDK's one path ([`carechain_sdk::deploy_suite`]); the
//! `carechain-deploy` binary records it in a [`Manifest`] under `deployments/`.

pub mod manifest;
pub mod organisations;

use carechain_common::PatientId;
use carechain_sdk::contracts::{Artifact, Bundles};
use carechain_sdk::{CallReport, ChainRead, ChainWrite, Contract, Failure, RawEvent};
use ink::primitives::AccountId;
use std::collections::HashMap;
use std::str::FromStr;
use subxt::tx::TxStatus;
use subxt::utils::{AccountId32, MultiAddress};
use subxt::{OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::Keypair;
use subxt_signer::SecretUri;

pub use manifest::{deployments_dir, Manifest};

/// Types and calls generated from substrate-contracts-node 0.42's metadata (V15).
#[subxt::subxt(runtime_metadata_path = "metadata/contracts-node.scale")]
pub mod runtime {}

use runtime::runtime_types::pallet_contracts::primitives::{
    Code, ContractResult, ExecReturnValue, StorageDeposit,
};
use runtime::runtime_types::sp_weights::weight_v2::Weight;

/// What each actor gets from the deployer when first used.
pub const ACTOR_FUNDS: u128 = 1_000_000_000_000_000;

/// The secret URI of the account that deploys and governs: `$CARECHAIN_SURI`, else the dev
/// chain's `//Alice`. Never written to a manifest or a log.
pub fn deployer_suri() -> String {
    std::env::var("CARECHAIN_SURI").unwrap_or_else(|_| "//Alice".into())
}

/// A key pair from a secret URI.
pub fn keypair(uri: &str) -> Result<Keypair, String> {
    let uri = SecretUri::from_str(uri).map_err(|_| "not a secret URI".to_owned())?;
    Keypair::from_uri(&uri).map_err(|_| "the secret URI does not give a key".to_owned())
}

/// SS58 text for an account (generic prefix 42).
pub fn ss58(account: &AccountId) -> String {
    to_subxt(account).to_string()
}

/// An account from SS58 text.
pub fn parse_ss58(text: &str) -> Result<AccountId, String> {
    let id = AccountId32::from_str(text).map_err(|e| format!("{text}: {e}"))?;
    Ok(AccountId::from(id.0))
}

fn to_subxt(account: &AccountId) -> AccountId32 {
    AccountId32(*AsRef::<[u8; 32]>::as_ref(account))
}

fn from_subxt(account: &AccountId32) -> AccountId {
    AccountId::from(account.0)
}

fn headroom(weight: &Weight) -> Weight {
    // State may move by a block between the dry run and the transaction.
    Weight {
        ref_time: weight.ref_time.saturating_mul(12) / 10,
        proof_size: weight.proof_size.saturating_mul(12) / 10,
    }
}

fn deposit(deposit: &StorageDeposit<u128>) -> i128 {
    match deposit {
        StorageDeposit::Charge(c) => i128::try_from(*c).unwrap_or(i128::MAX),
        StorageDeposit::Refund(r) => -i128::try_from(*r).unwrap_or(i128::MAX),
    }
}

type Events = subxt::blocks::ExtrinsicEvents<PolkadotConfig>;
type DispatchError = runtime::runtime_types::sp_runtime::DispatchError;
type EventRecord = runtime::runtime_types::frame_system::EventRecord<
    runtime::runtime_types::contracts_node_runtime::RuntimeEvent,
    subxt::utils::H256,
>;
/// The dry run of a call, as `ContractsApi::call` answers it.
type CallResult = ContractResult<Result<ExecReturnValue, DispatchError>, u128, EventRecord>;

/// The read side of a node: no key, nothing it can sign.
pub struct NodeReader {
    runtime: tokio::runtime::Runtime,
    api: OnlineClient<PolkadotConfig>,
    /// The node's legacy RPC methods (the best block's hash: subxt's `at_latest` is the
    /// finalized block).
    rpc: subxt::backend::legacy::LegacyRpcMethods<PolkadotConfig>,
    pub url: String,
    bundles: Bundles,
    addresses: HashMap<Contract, AccountId>,
    names: HashMap<AccountId, String>,
}

/// A node with keys: the read side plus signed calls.
pub struct NodeLedger {
    reader: NodeReader,
    keys: HashMap<AccountId, Keypair>,
    admin: AccountId,
    actor: AccountId,
    /// Actors of one run are derived under this label, so runs do not collide on one chain.
    run: String,
    last: Option<CallReport>,
    verbose: bool,
}

impl NodeReader {
    /// Connect to `url`; no suite known yet.
    pub fn connect(url: &str) -> Result<NodeReader, String> {
        let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
        let (api, rpc) = runtime
            .block_on(async {
                let client = subxt::backend::rpc::RpcClient::from_insecure_url(url).await?;
                let api = OnlineClient::<PolkadotConfig>::from_rpc_client(client.clone()).await?;
                Ok::<_, subxt::Error>((api, subxt::backend::legacy::LegacyRpcMethods::new(client)))
            })
            .map_err(|e| {
                format!("no node answers at {url}: {e} (start one with scripts/node.sh start)")
            })?;
        if !runtime::is_codegen_valid_for(&api.metadata()) {
            return Err(format!(
                "the node at {url} does not run the runtime backends/node/metadata/\
                 contracts-node.scale was generated from (substrate-contracts-node 0.42.0)"
            ));
        }
        Ok(NodeReader {
            runtime,
            api,
            rpc,
            url: url.to_owned(),
            bundles: Bundles::default(),
            addresses: HashMap::new(),
            names: HashMap::new(),
        })
    }

    /// Connect and read the suite recorded for this chain in `deployments` (the record gateway).
    pub fn connect_suite(url: &str, deployments: &std::path::Path) -> Result<NodeReader, String> {
        let mut reader = Self::connect(url)?;
        let manifest = Manifest::find(deployments, &reader.genesis())?;
        reader.use_manifest(&manifest)?;
        Ok(reader)
    }

    /// Use the suite a manifest records: its addresses and names.
    fn use_manifest(&mut self, manifest: &Manifest) -> Result<(), String> {
        for (contract, address) in manifest.addresses()? {
            self.addresses.insert(contract, address);
            self.names.insert(address, contract.name().to_owned());
        }
        Ok(())
    }
}

impl NodeLedger {
    /// Connect to `url` as the deployer (`admin_suri`); no suite known yet.
    pub fn connect(url: &str, admin_suri: &str) -> Result<NodeLedger, String> {
        let admin_key = keypair(admin_suri).map_err(|e| format!("deployer key: {e}"))?;
        Self::connect_with_key(url, admin_key)
    }

    /// Connect to `url` signing with `key` (a keystore's); no suite known yet.
    pub fn connect_with_key(url: &str, admin_key: Keypair) -> Result<NodeLedger, String> {
        let reader = NodeReader::connect(url)?;
        let admin = AccountId::from(admin_key.public_key().0);
        let run = format!(
            "{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0)
        );
        let mut node = NodeLedger {
            reader,
            keys: HashMap::from([(admin, admin_key)]),
            admin,
            actor: admin,
            run,
            last: None,
            verbose: false,
        };
        node.reader.names.insert(admin, "admin".to_owned());
        Ok(node)
    }

    /// Connect and use the suite recorded for this chain in `deployments`, as its deployer
    /// (`$CARECHAIN_SURI`, else `//Alice`).
    pub fn connect_deployed(
        url: &str,
        deployments: &std::path::Path,
    ) -> Result<NodeLedger, String> {
        let mut node = Self::connect(url, &deployer_suri())?;
        let manifest = Manifest::find(deployments, &node.genesis())?;
        if manifest.deployer != node.admin {
            return Err(format!(
                "{} was deployed by {}, not by the key given in CARECHAIN_SURI",
                manifest.path.display(),
                ss58(&manifest.deployer)
            ));
        }
        node.reader.use_manifest(&manifest)?;
        Ok(node)
    }

    /// Transfer `amount` from the current signer to `to` (fund a new identity's fees); waits
    /// for the block.
    pub fn transfer(&mut self, to: AccountId, amount: u128) -> Result<(), String> {
        let transfer = runtime::tx()
            .balances()
            .transfer_keep_alive(MultiAddress::Id(to_subxt(&to)), amount);
        let signer = self.keys[&self.actor].clone();
        self.reader.sign_and_wait(&transfer, &signer).map(|_| ())
    }

    /// A second, independent connection to the same node holding the same users: the same
    /// keys, actors' run label and suite addresses (several users submitting at once, each
    /// from its own thread).
    pub fn second_connection(&self) -> Result<NodeLedger, String> {
        let mut reader = NodeReader::connect(&self.reader.url)?;
        reader.addresses = self.reader.addresses.clone();
        reader.names = self.reader.names.clone();
        Ok(NodeLedger {
            reader,
            keys: self.keys.clone(),
            admin: self.admin,
            actor: self.actor,
            run: self.run.clone(),
            last: None,
            verbose: self.verbose,
        })
    }

    /// Connect as `suri` (any account: an organisation's or a patient's key) and use the suite
    /// recorded for this chain in `deployments` (the command line).
    pub fn connect_suite(
        url: &str,
        deployments: &std::path::Path,
        suri: &str,
    ) -> Result<NodeLedger, String> {
        let key = keypair(suri).map_err(|e| format!("signer key: {e}"))?;
        Self::connect_suite_with_key(url, deployments, key)
    }

    /// [`NodeLedger::connect_suite`], signing with `key` (the command line's keystore).
    pub fn connect_suite_with_key(
        url: &str,
        deployments: &std::path::Path,
        key: Keypair,
    ) -> Result<NodeLedger, String> {
        let mut node = Self::connect_with_key(url, key)?;
        let manifest = Manifest::find(deployments, &node.genesis())?;
        node.reader.use_manifest(&manifest)?;
        Ok(node)
    }

    /// Connect to read and dry-run against the suite recorded for this chain in `deployments`
    /// (the command line's commands that sign nothing): the signer is a fresh random key that
    /// is never funded and signs nothing.
    pub fn connect_read_only(
        url: &str,
        deployments: &std::path::Path,
    ) -> Result<NodeLedger, String> {
        let throwaway = format!("0x{}", hex::encode(rand::random::<[u8; 32]>()));
        Self::connect_suite(url, deployments, &throwaway)
    }

    /// The read side.
    pub fn reader(&self) -> &NodeReader {
        &self.reader
    }

    pub fn url(&self) -> &str {
        &self.reader.url
    }

    pub fn genesis(&self) -> String {
        self.reader.genesis()
    }

    pub fn chain_name(&self) -> Result<String, String> {
        self.reader.chain_name()
    }

    pub fn fetch_metadata(&self) -> Result<Vec<u8>, String> {
        self.reader.fetch_metadata()
    }

    pub fn is_contract(&self, address: &AccountId) -> bool {
        self.reader.is_contract(address)
    }
}

impl NodeReader {
    /// The chain's genesis hash, `0x…`.
    pub fn genesis(&self) -> String {
        format!("0x{}", hex::encode(self.api.genesis_hash().0))
    }

    /// The best block's hash: the newest state (a restriction counts there before it is final).
    async fn best(&self) -> Result<subxt::utils::H256, subxt::Error> {
        self.rpc
            .chain_get_block_hash(None)
            .await?
            .ok_or_else(|| subxt::Error::Other("the node has no best block".into()))
    }

    /// The chain's name (`system_chain`).
    pub fn chain_name(&self) -> Result<String, String> {
        self.runtime
            .block_on(self.rpc.system_chain())
            .map_err(|e| e.to_string())
    }

    /// The metadata the node serves now (V15, as `metadata/contracts-node.scale` stores it).
    pub fn fetch_metadata(&self) -> Result<Vec<u8>, String> {
        self.runtime.block_on(async {
            let bytes = self
                .api
                .runtime_api()
                .at_latest()
                .await
                .map_err(|e| e.to_string())?
                .call_raw::<Option<Vec<u8>>>(
                    "Metadata_metadata_at_version",
                    Some(&scale::Encode::encode(&15u32)),
                )
                .await
                .map_err(|e| e.to_string())?;
            bytes.ok_or_else(|| "the node has no V15 metadata".to_owned())
        })
    }

    /// Whether a contract lives at `address`.
    pub fn is_contract(&self, address: &AccountId) -> bool {
        let query = runtime::storage()
            .contracts()
            .contract_info_of(to_subxt(address));
        self.runtime.block_on(async {
            match self.api.storage().at_latest().await {
                Ok(storage) => matches!(storage.fetch(&query).await, Ok(Some(_))),
                Err(_) => false,
            }
        })
    }

    fn dispatch_error_name(&self, error: &DispatchError) -> String {
        match error {
            DispatchError::Module(module) => self
                .api
                .metadata()
                .pallet_by_index(module.index)
                .and_then(|p| {
                    p.error_variant_by_index(module.error[0])
                        .map(|v| v.name.clone())
                })
                .unwrap_or_else(|| format!("Module({}, {:?})", module.index, module.error)),
            other => format!("{other:?}"),
        }
    }

    fn dry_call(
        &self,
        origin: AccountId,
        address: AccountId,
        input: Vec<u8>,
        value: u128,
    ) -> Result<CallResult, String> {
        let call = runtime::apis().contracts_api().call(
            to_subxt(&origin),
            to_subxt(&address),
            value,
            None,
            None,
            input,
        );
        self.runtime.block_on(async {
            self.api
                .runtime_api()
                .at_latest()
                .await
                .map_err(|e| e.to_string())?
                .call(call)
                .await
                .map_err(|e| e.to_string())
        })
    }

    /// Sign and submit `call` as `signer`, wait until its block is finalized, and return its
    /// events. subxt reads nonces and state at the latest finalized block, so waiting for
    /// finality is what makes the next read see this call's effects and the next nonce right.
    /// A transaction signed with a nonce a not-yet-finalized block already used is "outdated":
    /// sign it again once finality has caught up.
    fn sign_and_wait<Call: subxt::tx::Payload>(
        &self,
        call: &Call,
        signer: &Keypair,
    ) -> Result<Events, String> {
        const ATTEMPTS: u32 = 20;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.sign_and_wait_once(call, signer) {
                Err(e)
                    if attempt < ATTEMPTS
                        && (e.contains("outdated") || e.contains("Priority is too low")) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
                other => return other,
            }
        }
    }

    fn sign_and_wait_once<Call: subxt::tx::Payload>(
        &self,
        call: &Call,
        signer: &Keypair,
    ) -> Result<Events, String> {
        self.runtime.block_on(async {
            let mut progress = self
                .api
                .tx()
                .sign_and_submit_then_watch_default(call, signer)
                .await
                .map_err(|e| e.to_string())?;
            while let Some(status) = progress.next().await {
                match status.map_err(|e| e.to_string())? {
                    TxStatus::InFinalizedBlock(block) => {
                        return block.wait_for_success().await.map_err(|e| e.to_string());
                    }
                    TxStatus::Error { message }
                    | TxStatus::Invalid { message }
                    | TxStatus::Dropped { message } => return Err(message),
                    _ => {}
                }
            }
            Err("the transaction stream ended before finalization".into())
        })
    }

    fn contract_events(events: &Events) -> Vec<RawEvent> {
        let mut found = Vec::new();
        for event in events.iter().flatten() {
            if let Ok(Some(emitted)) =
                event.as_event::<runtime::contracts::events::ContractEmitted>()
            {
                found.push(RawEvent {
                    contract: from_subxt(&emitted.contract),
                    topics: event.topics().iter().map(|t| t.0).collect(),
                    data: emitted.data,
                });
            }
        }
        found
    }

    fn code_is_stored(&self, hash: [u8; 32]) -> bool {
        let query = runtime::storage()
            .contracts()
            .code_info_of(subxt::utils::H256(hash));
        self.runtime.block_on(async {
            match self.api.storage().at_latest().await {
                Ok(storage) => matches!(storage.fetch(&query).await, Ok(Some(_))),
                Err(_) => false,
            }
        })
    }
}

impl ChainRead for NodeReader {
    fn name_of(&self, account: &AccountId) -> String {
        self.names
            .get(account)
            .cloned()
            .unwrap_or_else(|| carechain_sdk::ledger::short_name(account))
    }

    fn address(&self, contract: Contract) -> AccountId {
        *self
            .addresses
            .get(&contract)
            .unwrap_or_else(|| panic!("{} is not deployed on this node", contract.name()))
    }

    fn artifact(&mut self, name: &str) -> &Artifact {
        self.bundles.get(name)
    }

    /// At the best block: the newest state, restrictions included, before it is final.
    fn storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        let call = runtime::apis()
            .contracts_api()
            .get_storage(to_subxt(&address), key.to_vec());
        self.runtime
            .block_on(async {
                let best = self.best().await?;
                self.api.runtime_api().at(best).call(call).await
            })
            .unwrap_or_else(|e| panic!("{}: the storage read failed: {e}", self.url))
            .ok()
            .flatten()
    }

    fn finalized_storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        let call = runtime::apis()
            .contracts_api()
            .get_storage(to_subxt(&address), key.to_vec());
        self.runtime
            .block_on(async {
                let finalized = self.api.backend().latest_finalized_block_ref().await?;
                self.api.runtime_api().at(finalized.hash()).call(call).await
            })
            .unwrap_or_else(|e| panic!("{}: the storage read failed: {e}", self.url))
            .ok()
            .flatten()
    }

    /// The best block's timestamp (a stalled finality does not stop this clock).
    fn now(&mut self) -> u64 {
        let query = runtime::storage().timestamp().now();
        self.runtime
            .block_on(async {
                self.api
                    .storage()
                    .at(self.best().await?)
                    .fetch(&query)
                    .await
            })
            .ok()
            .flatten()
            .expect("the node's timestamp")
    }

    fn balance(&mut self, account: &AccountId) -> u128 {
        let query = runtime::storage().system().account(to_subxt(account));
        self.runtime
            .block_on(async { self.api.storage().at_latest().await?.fetch(&query).await })
            .unwrap_or_else(|e| panic!("{}: the balance read failed: {e}", self.url))
            .map(|info| info.data.free)
            .unwrap_or(0)
    }
}

#[rustfmt::skip]
impl ChainRead for NodeLedger {
    fn name_of(&self, account: &AccountId) -> String { self.reader.name_of(account) }
    fn address(&self, contract: Contract) -> AccountId { self.reader.address(contract) }
    fn artifact(&mut self, name: &str) -> &Artifact { self.reader.artifact(name) }
    fn storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        self.reader.storage(address, key)
    }
    fn finalized_storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        self.reader.finalized_storage(address, key)
    }
    fn now(&mut self) -> u64 { self.reader.now() }
    fn balance(&mut self, account: &AccountId) -> u128 { self.reader.balance(account) }
}

impl ChainWrite for NodeLedger {
    fn admin(&self) -> AccountId {
        self.admin
    }

    /// Without the `dev-actors` feature (shipped binaries: the command line signs with the key it
    /// is given) no key is derived from a name.
    #[cfg(not(feature = "dev-actors"))]
    fn actor(&mut self, name: &str) -> AccountId {
        let _ = &self.run;
        panic!("no account for {name}: this build derives no keys from names (feature dev-actors)")
    }

    /// A key derived from the run and the name, funded by the deployer on first use (feature
    /// `dev-actors`: the scenario and the tests).
    #[cfg(feature = "dev-actors")]
    fn actor(&mut self, name: &str) -> AccountId {
        let key = keypair(&format!("//CareChain//{}//{name}", self.run)).expect("a derived key");
        let account = AccountId::from(key.public_key().0);
        if !self.keys.contains_key(&account) {
            let transfer = runtime::tx()
                .balances()
                .transfer_keep_alive(MultiAddress::Id(to_subxt(&account)), ACTOR_FUNDS);
            let admin = self.keys[&self.admin].clone();
            self.reader
                .sign_and_wait(&transfer, &admin)
                .unwrap_or_else(|e| panic!("funding {name} from the deployer failed: {e}"));
            self.keys.insert(account, key);
            self.reader.names.insert(account, name.to_owned());
        }
        account
    }

    fn set_actor(&mut self, actor: AccountId) -> AccountId {
        assert!(
            self.keys.contains_key(&actor),
            "no key for {}",
            self.name_of(&actor)
        );
        std::mem::replace(&mut self.actor, actor)
    }

    fn current_actor(&self) -> AccountId {
        self.actor
    }

    fn set_name(&mut self, account: AccountId, name: &str) {
        self.reader.names.insert(account, name.to_owned());
    }

    fn set_address(&mut self, contract: Contract, address: AccountId) {
        self.reader.addresses.insert(contract, address);
    }

    fn instantiate(
        &mut self,
        bundle: &str,
        input: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<AccountId, String> {
        let artifact = self.reader.bundles.get(bundle).clone();
        let stored = self.reader.code_is_stored(artifact.code_hash);
        let code = if stored {
            Code::Existing(subxt::utils::H256(artifact.code_hash))
        } else {
            Code::Upload(artifact.wasm.clone())
        };
        let dry = runtime::apis().contracts_api().instantiate(
            to_subxt(&self.actor),
            0,
            None,
            None,
            code,
            input.clone(),
            salt.clone(),
        );
        let dry = self
            .reader
            .runtime
            .block_on(async {
                self.reader
                    .api
                    .runtime_api()
                    .at_latest()
                    .await
                    .map_err(|e| e.to_string())?
                    .call(dry)
                    .await
                    .map_err(|e| e.to_string())
            })
            .map_err(|e| format!("{bundle}: dry run: {e}"))?;
        match &dry.result {
            Err(e) => return Err(format!("{bundle}: {}", self.reader.dispatch_error_name(e))),
            Ok(ok) if ok.result.flags.bits & 1 == 1 => {
                return Err(format!(
                    "{bundle}: constructor reverted: 0x{}",
                    hex::encode(&ok.result.data)
                ))
            }
            Ok(_) => {}
        }
        let gas = headroom(&dry.gas_required);
        let signer = self.keys[&self.actor].clone();
        let events = if stored {
            let call = runtime::tx().contracts().instantiate(
                0,
                gas,
                None,
                subxt::utils::H256(artifact.code_hash),
                input,
                salt,
            );
            self.reader.sign_and_wait(&call, &signer)
        } else {
            let call = runtime::tx().contracts().instantiate_with_code(
                0,
                gas,
                None,
                artifact.wasm,
                input,
                salt,
            );
            self.reader.sign_and_wait(&call, &signer)
        }
        .map_err(|e| format!("{bundle}: {e}"))?;
        let instantiated = events
            .find_first::<runtime::contracts::events::Instantiated>()
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{bundle}: no Instantiated event"))?;
        Ok(from_subxt(&instantiated.contract))
    }

    fn submit_to(
        &mut self,
        address: AccountId,
        label: &str,
        input: Vec<u8>,
        value: u128,
    ) -> CallReport {
        let what = format!("{}.{label}", self.name_of(&address));
        let mut report = CallReport {
            contract: address,
            message: label.to_owned(),
            actor: self.actor,
            value,
            ref_time: 0,
            proof_size: 0,
            deposit: 0,
            reverted: false,
            output: Err(Failure::Trapped("not run".into())),
            predicted: false,
            events: Vec::new(),
        };
        let dry = self
            .reader
            .dry_call(self.actor, address, input.clone(), value)
            .unwrap_or_else(|e| panic!("{what}: dry run failed: {e}"));
        report.ref_time = dry.gas_consumed.ref_time;
        report.proof_size = dry.gas_consumed.proof_size;
        report.deposit = deposit(&dry.storage_deposit);
        match dry.result {
            Err(e) => report.output = Err(Failure::Trapped(self.reader.dispatch_error_name(&e))),
            // A call that reverts changes nothing: its answer is known from the dry run.
            Ok(ret) if ret.flags.bits & 1 == 1 => {
                report.reverted = true;
                report.output = Ok(ret.data);
            }
            Ok(ret) => {
                let call = runtime::tx().contracts().call(
                    MultiAddress::Id(to_subxt(&address)),
                    value,
                    headroom(&dry.gas_required),
                    None,
                    input.clone(),
                );
                let signer = self.keys[&self.actor].clone();
                match self.reader.sign_and_wait(&call, &signer) {
                    Ok(events) => {
                        // The dry run's answer is a prediction; the SDK rebuilds it from these
                        // events (`carechain_sdk::answers`).
                        report.events = NodeReader::contract_events(&events);
                        report.output = Ok(ret.data);
                        report.predicted = true;
                    }
                    // The state moved between the dry run and the block, and the contract
                    // refused the call there: nothing changed. The reason is what a dry run
                    // now answers (the chain does not return it).
                    Err(e) if e.contains("ContractReverted") => {
                        report.reverted = true;
                        report.output =
                            match self.reader.dry_call(self.actor, address, input, value) {
                                Ok(now) => match now.result {
                                    Ok(ret) if ret.flags.bits & 1 == 1 => Ok(ret.data),
                                    _ => Err(Failure::Trapped(format!(
                                        "{what} reverted in its block; a dry run now succeeds"
                                    ))),
                                },
                                Err(e) => Err(Failure::Trapped(e)),
                            };
                    }
                    Err(e) => panic!("{what} as {}: {e}", self.name_of(&self.actor)),
                }
            }
        }
        self.last = Some(report.clone());
        report
    }

    fn read_at(&mut self, address: AccountId, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        let dry = self
            .reader
            .dry_call(self.actor, address, input, 0)
            .map_err(Failure::Trapped)?;
        match dry.result {
            Ok(ret) => Ok(ret.data),
            Err(e) => Err(Failure::Trapped(self.reader.dispatch_error_name(&e))),
        }
    }

    fn fresh_patient_id(&mut self) -> PatientId {
        // What a real client does: 32 bytes from a CSPRNG.
        PatientId(rand::random())
    }

    fn sign(&self, account: &AccountId, message: &[u8]) -> Option<[u8; 64]> {
        self.keys.get(account).map(|key| key.sign(message).0)
    }

    fn last(&self) -> Option<&CallReport> {
        self.last.as_ref()
    }

    fn verbose(&self) -> bool {
        self.verbose
    }

    fn set_verbose(&mut self, verbose: bool) {
        self.verbose = verbose;
    }
}
