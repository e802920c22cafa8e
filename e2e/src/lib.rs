//! The suite on a running node. [`NodeLedger`] implements the harness's [`Ledger`] over subxt:
//! calls are dry-run through the `ContractsApi_call` runtime API (for the answer, weight and
//! deposit) and, when they would change state, submitted as signed `Contracts::call` extrinsics;
//! the contract events come from the block. Contract addresses come from the manifest
//! `scripts/deploy.sh` wrote in `deployments/`.

use carechain_common::PatientId;
use carechain_tests::{Artifact, CallReport, Contract, Failure, Ledger, RawEvent};
use ink::primitives::AccountId;
use scale::{Decode, Encode};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use subxt::dynamic::{At, Value};
use subxt::tx::TxStatus;
use subxt::{OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::Keypair;
use subxt_signer::SecretUri;

/// What each actor gets from the deployer when first used.
pub const ACTOR_FUNDS: u128 = 1_000_000_000_000_000;

/// `sp_weights::Weight` as SCALE encodes it.
#[derive(Clone, Copy, Debug, Encode, Decode)]
struct Weight {
    #[codec(compact)]
    ref_time: u64,
    #[codec(compact)]
    proof_size: u64,
}

#[derive(Clone, Copy, Debug, Decode)]
enum StorageDeposit {
    Refund(u128),
    Charge(u128),
}

/// `sp_runtime::DispatchError`, as far as we need to name it. The inner codes are only shown
/// (through `Debug`) in failure messages.
#[derive(Clone, Debug, Decode)]
#[allow(dead_code)]
enum DispatchError {
    Other,
    CannotLookup,
    BadOrigin,
    Module { index: u8, error: [u8; 4] },
    ConsumerRemaining,
    NoProviders,
    TooManyConsumers,
    Token(u8),
    Arithmetic(u8),
    Transactional(u8),
    Exhausted,
    Corruption,
    Unavailable,
    RootNotAllowed,
}

#[derive(Clone, Debug, Decode)]
struct ExecReturnValue {
    flags: u32,
    data: Vec<u8>,
}

/// The leading fields of pallet-contracts' `ContractResult` (the events field is not read).
#[derive(Clone, Debug, Decode)]
struct ContractResult {
    gas_consumed: Weight,
    gas_required: Weight,
    storage_deposit: StorageDeposit,
    _debug_message: Vec<u8>,
    result: Result<ExecReturnValue, DispatchError>,
}

/// A deployment manifest written by `scripts/deploy.sh`.
#[derive(Clone, Debug)]
pub struct Manifest {
    pub path: PathBuf,
    pub genesis: String,
    pub deployer_suri: String,
    pub addresses: HashMap<Contract, AccountId>,
}

fn parse_ss58(address: &str) -> Result<AccountId, String> {
    let id = subxt::utils::AccountId32::from_str(address).map_err(|e| format!("{address}: {e}"))?;
    Ok(AccountId::from(id.0))
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if json["status"] != "complete" {
            return Err(format!(
                "{} records a deployment that is not complete",
                path.display()
            ));
        }
        let mut addresses = HashMap::new();
        for contract in Contract::ALL {
            let address = json["contracts"][contract.name()]["address"]
                .as_str()
                .ok_or_else(|| {
                    format!("{} has no address for {}", path.display(), contract.name())
                })?;
            addresses.insert(contract, parse_ss58(address)?);
        }
        Ok(Manifest {
            path: path.to_owned(),
            genesis: json["genesis"].as_str().unwrap_or_default().to_owned(),
            deployer_suri: json["deployer_suri"]
                .as_str()
                .unwrap_or("//Alice")
                .to_owned(),
            addresses,
        })
    }

    /// The manifest in `dir` recorded for the chain with this genesis hash.
    pub fn find(dir: &Path, genesis: &str) -> Result<Manifest, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                if let Ok(manifest) = Manifest::load(&path) {
                    if manifest.genesis.eq_ignore_ascii_case(genesis) {
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
}

fn to_subxt(account: &AccountId) -> subxt::utils::AccountId32 {
    subxt::utils::AccountId32(*AsRef::<[u8; 32]>::as_ref(account))
}

fn keypair(uri: &str) -> Keypair {
    Keypair::from_uri(&SecretUri::from_str(uri).expect("a secret URI")).expect("a dev key")
}

pub struct NodeLedger {
    runtime: tokio::runtime::Runtime,
    api: OnlineClient<PolkadotConfig>,
    pub manifest: Manifest,
    artifacts: HashMap<String, Artifact>,
    keys: HashMap<AccountId, Keypair>,
    names: HashMap<AccountId, String>,
    admin: AccountId,
    actor: AccountId,
    /// Actors of one run are derived under this label, so runs do not collide on one chain.
    run: String,
    last: Option<CallReport>,
    verbose: bool,
}

impl NodeLedger {
    /// Connect to `url` and load the deployment recorded for that chain in `deployments`.
    pub fn connect(url: &str, deployments: &Path) -> Result<NodeLedger, String> {
        let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
        let api = runtime
            .block_on(OnlineClient::<PolkadotConfig>::from_insecure_url(url))
            .map_err(|e| {
                format!("no node answers at {url}: {e} (start one with scripts/node.sh start)")
            })?;
        let genesis = format!("0x{}", hex::encode(api.genesis_hash().0));
        let manifest = Manifest::find(deployments, &genesis)?;
        let admin_key = keypair(&manifest.deployer_suri);
        let admin = AccountId::from(admin_key.public_key().0);
        let mut names: HashMap<AccountId, String> = manifest
            .addresses
            .iter()
            .map(|(c, a)| (*a, c.name().to_owned()))
            .collect();
        names.insert(admin, "admin".into());
        let run = format!(
            "{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0)
        );
        Ok(NodeLedger {
            runtime,
            api,
            manifest,
            artifacts: HashMap::new(),
            keys: HashMap::from([(admin, admin_key)]),
            names,
            admin,
            actor: admin,
            run,
            last: None,
            verbose: false,
        })
    }

    fn dry_run(
        &self,
        address: AccountId,
        input: Vec<u8>,
        value: u128,
    ) -> Result<ContractResult, String> {
        let args = (
            to_subxt(&self.actor),
            to_subxt(&address),
            value,
            None::<Weight>,
            None::<u128>,
            input,
        )
            .encode();
        self.runtime.block_on(async {
            let api = self
                .api
                .runtime_api()
                .at_latest()
                .await
                .map_err(|e| e.to_string())?;
            api.call_raw::<ContractResult>("ContractsApi_call", Some(&args))
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn dispatch_error_name(&self, error: &DispatchError) -> String {
        match error {
            DispatchError::Module { index, error } => self
                .api
                .metadata()
                .pallet_by_index(*index)
                .and_then(|p| p.error_variant_by_index(error[0]).map(|v| v.name.clone()))
                .unwrap_or_else(|| format!("Module({index}, {error:?})")),
            other => format!("{other:?}"),
        }
    }

    /// Sign and submit `call` as `signer`, wait until its block is finalized, and return its
    /// events. subxt reads nonces and state at the latest finalized block, so waiting for
    /// finality is what makes the next read see this call's effects and the next nonce right.
    /// A transaction signed with a nonce that a not-yet-finalized block already used (someone
    /// else's transaction just before, e.g. scripts/deploy.sh) is "outdated": sign it again once
    /// finality has caught up.
    fn sign_and_wait(
        &self,
        call: &subxt::tx::DynamicPayload,
        signer: &Keypair,
    ) -> Result<subxt::blocks::ExtrinsicEvents<PolkadotConfig>, String> {
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

    fn sign_and_wait_once(
        &self,
        call: &subxt::tx::DynamicPayload,
        signer: &Keypair,
    ) -> Result<subxt::blocks::ExtrinsicEvents<PolkadotConfig>, String> {
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

    /// Call the contract at `address` (any contract, not only the suite's): dry-run it for the
    /// answer, weight and deposit, and submit it when it would change state and not revert.
    pub fn submit_to(
        &mut self,
        address: AccountId,
        message: &str,
        input: Vec<u8>,
        value: u128,
    ) -> CallReport {
        let label = format!("{}.{message}", self.name_of(&address));
        let mut report = CallReport {
            contract: address,
            message: message.to_owned(),
            actor: self.actor,
            value,
            ref_time: 0,
            proof_size: 0,
            deposit: 0,
            reverted: false,
            output: Err(Failure::Trapped("not run".into())),
            events: Vec::new(),
        };
        let dry = match self.dry_run(address, input.clone(), value) {
            Ok(dry) => dry,
            Err(e) => panic!("{label}: dry run failed: {e}"),
        };
        report.ref_time = dry.gas_consumed.ref_time;
        report.proof_size = dry.gas_consumed.proof_size;
        report.deposit = match dry.storage_deposit {
            StorageDeposit::Charge(c) => i128::try_from(c).unwrap_or(i128::MAX),
            StorageDeposit::Refund(r) => -i128::try_from(r).unwrap_or(i128::MAX),
        };
        match dry.result {
            Err(e) => report.output = Err(Failure::Trapped(self.dispatch_error_name(&e))),
            // A call that reverts changes nothing: its answer is known from the dry run.
            Ok(ret) if ret.flags & 1 == 1 => {
                report.reverted = true;
                report.output = Ok(ret.data);
            }
            Ok(ret) => {
                // Leave headroom over the dry run's estimate: state may move by a block.
                let gas = Value::named_composite([
                    (
                        "ref_time",
                        Value::u128(u128::from(dry.gas_required.ref_time) * 12 / 10),
                    ),
                    (
                        "proof_size",
                        Value::u128(u128::from(dry.gas_required.proof_size) * 12 / 10),
                    ),
                ]);
                let call = subxt::dynamic::tx(
                    "Contracts",
                    "call",
                    vec![
                        Value::unnamed_variant("Id", [Value::from_bytes(to_subxt(&address).0)]),
                        Value::u128(value),
                        gas,
                        Value::unnamed_variant("None", []),
                        Value::from_bytes(input),
                    ],
                );
                let signer = self.keys[&self.actor].clone();
                let events = self
                    .sign_and_wait(&call, &signer)
                    .unwrap_or_else(|e| panic!("{label} as {}: {e}", self.name_of(&self.actor)));
                for event in events.iter().flatten() {
                    if event.pallet_name() == "Contracts"
                        && event.variant_name() == "ContractEmitted"
                    {
                        if let Ok((emitter, data)) =
                            <([u8; 32], Vec<u8>)>::decode(&mut event.field_bytes())
                        {
                            report.events.push(RawEvent {
                                contract: AccountId::from(emitter),
                                topics: event.topics().iter().map(|t| t.0).collect(),
                                data,
                            });
                        }
                    }
                }
                report.output = Ok(ret.data);
            }
        }
        self.last = Some(report.clone());
        report
    }

    fn storage_value(&self, pallet: &str, entry: &str, keys: Vec<Value>) -> Option<Value<u32>> {
        self.runtime.block_on(async {
            let storage = self.api.storage().at_latest().await.ok()?;
            let thunk = storage
                .fetch(&subxt::dynamic::storage(pallet, entry, keys))
                .await
                .ok()??;
            thunk.to_value().ok()
        })
    }
}

fn as_u128(value: &Value<u32>) -> Option<u128> {
    value.as_u128()
}

impl Ledger for NodeLedger {
    fn admin(&self) -> AccountId {
        self.admin
    }

    fn actor(&mut self, name: &str) -> AccountId {
        let key = keypair(&format!("//CareChain//{}//{name}", self.run));
        let account = AccountId::from(key.public_key().0);
        if !self.keys.contains_key(&account) {
            let transfer = subxt::dynamic::tx(
                "Balances",
                "transfer_keep_alive",
                vec![
                    Value::unnamed_variant("Id", [Value::from_bytes(key.public_key().0)]),
                    Value::u128(ACTOR_FUNDS),
                ],
            );
            let admin = self.keys[&self.admin].clone();
            self.sign_and_wait(&transfer, &admin)
                .unwrap_or_else(|e| panic!("funding {name} from the deployer failed: {e}"));
            self.keys.insert(account, key);
            self.names.insert(account, name.to_owned());
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

    fn address(&self, contract: Contract) -> AccountId {
        self.manifest.addresses[&contract]
    }

    fn name_of(&self, account: &AccountId) -> String {
        self.names
            .get(account)
            .cloned()
            .unwrap_or_else(|| carechain_tests::chain::short_name(account))
    }

    fn selector(&mut self, contract: Contract, message: &str) -> [u8; 4] {
        self.artifacts
            .entry(contract.name().to_owned())
            .or_insert_with(|| Artifact::load(contract.name()))
            .selector(message)
    }

    fn submit(
        &mut self,
        contract: Contract,
        message: &str,
        input: Vec<u8>,
        value: u128,
    ) -> CallReport {
        let address = self.address(contract);
        self.submit_to(address, message, input, value)
    }

    fn read(
        &mut self,
        contract: Contract,
        message: &str,
        input: Vec<u8>,
    ) -> Result<Vec<u8>, Failure> {
        let dry = self
            .dry_run(self.address(contract), input, 0)
            .unwrap_or_else(|e| panic!("{}.{message}: dry run failed: {e}", contract.name()));
        match dry.result {
            Ok(ret) => Ok(ret.data),
            Err(e) => Err(Failure::Trapped(self.dispatch_error_name(&e))),
        }
    }

    fn now(&mut self) -> u64 {
        self.storage_value("Timestamp", "Now", vec![])
            .and_then(|v| as_u128(&v))
            .and_then(|v| u64::try_from(v).ok())
            .expect("the node's timestamp")
    }

    fn balance(&mut self, account: &AccountId) -> u128 {
        self.storage_value(
            "System",
            "Account",
            vec![Value::from_bytes(to_subxt(account).0)],
        )
        .and_then(|info| info.at("data").and_then(|d| d.at("free")).and_then(as_u128))
        .unwrap_or(0)
    }

    fn fresh_patient_id(&mut self) -> PatientId {
        // What a real client does: 32 bytes from a CSPRNG.
        PatientId(rand::random())
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

/// Where deployment manifests live: `$CARECHAIN_DEPLOYMENTS`, else `<workspace>/deployments`.
pub fn deployments_dir() -> PathBuf {
    std::env::var_os("CARECHAIN_DEPLOYMENTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deployments"))
}
