//! A typed harness over drink's in-process chain (the real pallet-contracts runtime, no node).
//!
//! Contracts are loaded from the release bundles `scripts/build.sh` writes to `target/ink/<name>/`
//! (drink's `#[drink::test]` macros do not work inside a cargo workspace). Calls are encoded from the
//! shared crate's Rust types (selector from the bundle's metadata + SCALE arguments) and decoded back
//! into them, so tests read like Rust, not like strings. Every call's weight, storage deposit,
//! events and outcome are kept in a [`CallReport`].

use crate::ledger::Ledger;
use carechain_common::{Error, PatientId};
use drink::frame_support::sp_runtime::{DispatchError, ModuleError};
use drink::frame_support::storage::child::{self, ChildInfo, StateVersion};
use drink::frame_support::{StorageHasher, Twox128, Twox64Concat};
use drink::minimal::{MinimalSandbox, MinimalSandboxRuntime, RuntimeEvent};
use drink::pallet_contracts::Determinism;
use drink::sandbox_api::prelude::*;
use drink::session::Session;
use drink::{AccountId32, Sandbox, Weight};
use ink::primitives::AccountId;
use scale::{Decode, Encode};
use std::collections::HashMap;
use std::fmt::Debug;
use std::path::PathBuf;

pub type Runtime = MinimalSandboxRuntime;

/// 2026-01-01T00:00:00Z in milliseconds: where every chain's clock starts.
pub const GENESIS_TIME: u64 = 1_767_225_600_000;
/// What every actor is funded with.
pub const ACTOR_FUNDS: u128 = 1_000_000_000_000_000;

/// The suite's contracts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Contract {
    Registry,
    AuditLog,
    Consent,
    Provenance,
    Claims,
}

impl Contract {
    pub const ALL: [Contract; 5] = [
        Contract::Registry,
        Contract::AuditLog,
        Contract::Consent,
        Contract::Provenance,
        Contract::Claims,
    ];

    /// Crate name = bundle name.
    pub fn name(self) -> &'static str {
        match self {
            Contract::Registry => "registry",
            Contract::AuditLog => "audit_log",
            Contract::Consent => "consent",
            Contract::Provenance => "provenance",
            Contract::Claims => "claims",
        }
    }
}

/// Where the release bundles are: `$CARECHAIN_BUNDLES`, else `<workspace>/target/ink`.
pub fn bundles_dir() -> PathBuf {
    std::env::var_os("CARECHAIN_BUNDLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/ink"))
}

/// A contract bundle: code plus the selectors of its metadata.
#[derive(Clone, Debug)]
pub struct Artifact {
    pub name: String,
    pub wasm: Vec<u8>,
    pub messages: HashMap<String, [u8; 4]>,
    pub constructors: HashMap<String, [u8; 4]>,
    /// The bundle's metadata (`.contract` JSON without the code).
    pub metadata: serde_json::Value,
}

impl Artifact {
    /// Load `<bundles>/<name>/<name>.contract`.
    pub fn load(name: &str) -> Artifact {
        let path = bundles_dir().join(name).join(format!("{name}.contract"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}. Build the contracts first: scripts/build.sh",
                path.display()
            )
        });
        Self::from_json(name, &text)
    }

    pub fn from_json(name: &str, text: &str) -> Artifact {
        let mut bundle: serde_json::Value = serde_json::from_str(text).expect("bundle is not JSON");
        let wasm_hex = bundle["source"]["wasm"]
            .as_str()
            .expect("bundle has no source.wasm")
            .trim_start_matches("0x")
            .to_owned();
        let wasm = hex::decode(wasm_hex).expect("wasm is not hex");
        bundle["source"]
            .as_object_mut()
            .map(|source| source.remove("wasm"));
        let selectors = |kind: &str| -> HashMap<String, [u8; 4]> {
            bundle["spec"][kind]
                .as_array()
                .unwrap_or_else(|| panic!("metadata has no spec.{kind}"))
                .iter()
                .map(|item| {
                    let label = item["label"].as_str().expect("label").to_owned();
                    let bytes = hex::decode(
                        item["selector"]
                            .as_str()
                            .expect("selector")
                            .trim_start_matches("0x"),
                    )
                    .expect("selector hex");
                    (label, bytes.try_into().expect("4-byte selector"))
                })
                .collect()
        };
        Artifact {
            name: name.to_owned(),
            messages: selectors("messages"),
            constructors: selectors("constructors"),
            wasm,
            metadata: bundle,
        }
    }

    pub fn selector(&self, message: &str) -> [u8; 4] {
        *self
            .messages
            .get(message)
            .unwrap_or_else(|| panic!("{} has no message `{message}`", self.name))
    }
}

/// The leading fields of pallet-contracts' `ContractInfo` (its type is private to the pallet;
/// SCALE decoding reads only this prefix).
#[derive(Clone, Debug, Decode)]
pub struct ContractStorage {
    pub trie_id: Vec<u8>,
    pub code_hash: [u8; 32],
    pub storage_bytes: u32,
    pub storage_items: u32,
    pub storage_byte_deposit: u128,
    pub storage_item_deposit: u128,
}

/// An event a contract emitted.
#[derive(Clone, Debug)]
pub struct RawEvent {
    pub contract: AccountId,
    pub topics: Vec<[u8; 32]>,
    pub data: Vec<u8>,
}

/// How a call ended when it did not return normally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The contract trapped or the pallet refused the call (module error name).
    Trapped(String),
    /// The contract answered `LangError` (unknown selector, undecodable input).
    LangError,
    /// The returned bytes did not decode as the expected type.
    Undecodable(String),
}

/// Everything observed about one call.
#[derive(Clone, Debug)]
pub struct CallReport {
    pub contract: AccountId,
    pub message: String,
    pub actor: AccountId,
    pub value: u128,
    pub ref_time: u64,
    pub proof_size: u64,
    /// Storage deposit charged (positive) or refunded (negative).
    pub deposit: i128,
    /// Set when the contract reverted (a message returning `Err`).
    pub reverted: bool,
    /// Raw output: `Result<T, LangError>` encoded, when the call returned.
    pub output: Result<Vec<u8>, Failure>,
    pub events: Vec<RawEvent>,
}

/// The in-process chain with the suite's bundles.
pub struct Chain {
    session: Session<MinimalSandbox>,
    artifacts: HashMap<String, Artifact>,
    addresses: HashMap<Contract, AccountId>,
    names: HashMap<AccountId, String>,
    actor: AccountId,
    salt: u32,
    /// Patient ids handed out so far (see `fresh_patient_id`).
    patients: u32,
    /// The last call's report.
    pub last: Option<CallReport>,
    /// Print a transcript line per call.
    pub verbose: bool,
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

pub fn to_sandbox(account: &AccountId) -> AccountId32 {
    AccountId32::new(*AsRef::<[u8; 32]>::as_ref(account))
}

pub fn from_sandbox(account: &AccountId32) -> AccountId {
    AccountId::from(*AsRef::<[u8; 32]>::as_ref(account))
}

/// An account shown by its first bytes, for accounts without a name.
pub fn short_name(account: &AccountId) -> String {
    let bytes: &[u8; 32] = account.as_ref();
    format!("0x{}..", hex::encode(&bytes[..4]))
}

/// A deterministic account for a name (SHA-256 of the name).
pub fn account(name: &str) -> AccountId {
    use sha2::Digest as _;
    AccountId::from(<[u8; 32]>::from(sha2::Sha256::digest(name.as_bytes())))
}

impl Chain {
    /// A fresh chain whose clock reads [`GENESIS_TIME`]; the default actor is `admin`.
    pub fn new() -> Self {
        let mut session = Session::<MinimalSandbox>::default();
        let admin = from_sandbox(&MinimalSandbox::default_actor());
        session.sandbox().build_block();
        session.sandbox().set_timestamp(GENESIS_TIME);
        let mut names = HashMap::new();
        names.insert(admin, "admin".to_owned());
        Chain {
            session,
            artifacts: HashMap::new(),
            addresses: HashMap::new(),
            names,
            actor: admin,
            salt: 0,
            patients: 0,
            last: None,
            verbose: false,
        }
    }

    pub fn session(&mut self) -> &mut Session<MinimalSandbox> {
        &mut self.session
    }

    /// Give an account (a contract, say) a transcript name.
    pub fn name(&mut self, account: AccountId, name: &str) {
        self.names.insert(account, name.to_owned());
    }

    pub fn set_address(&mut self, contract: Contract, address: AccountId) {
        self.addresses.insert(contract, address);
        self.names.insert(address, contract.name().to_owned());
    }

    pub fn artifact(&mut self, name: &str) -> &Artifact {
        self.artifacts
            .entry(name.to_owned())
            .or_insert_with(|| Artifact::load(name))
    }

    /// The whole chain state, to go back to with [`Chain::restore`].
    pub fn snapshot(&mut self) -> ink_sandbox::Snapshot {
        self.session.sandbox().take_snapshot()
    }

    pub fn restore(&mut self, snapshot: ink_sandbox::Snapshot) {
        self.session.sandbox().restore_snapshot(snapshot);
    }

    /// Move the clock forward (in a new block).
    pub fn advance(&mut self, ms: u64) {
        let now = self.now();
        self.session.sandbox().build_block();
        self.session
            .sandbox()
            .set_timestamp(now.checked_add(ms).expect("time overflow"));
    }

    /// Instantiate `bundle` with `constructor(args)` as the current actor.
    pub fn instantiate(
        &mut self,
        bundle: &str,
        constructor: &str,
        args: impl Encode,
    ) -> Result<AccountId, String> {
        let artifact = self.artifact(bundle).clone();
        let selector = *artifact
            .constructors
            .get(constructor)
            .unwrap_or_else(|| panic!("{bundle} has no constructor `{constructor}`"));
        let mut data = selector.to_vec();
        args.encode_to(&mut data);
        self.salt = self.salt.checked_add(1).expect("salt");
        let origin = to_sandbox(&self.actor);
        let salt = self.salt.to_le_bytes().to_vec();
        let result = self.session.sandbox().deploy_contract(
            artifact.wasm.clone(),
            0,
            data,
            salt,
            origin,
            MinimalSandbox::default_gas_limit(),
            None,
        );
        match result.result {
            Ok(ok) if !ok.result.did_revert() => Ok(from_sandbox(&ok.account_id)),
            Ok(ok) => Err(format!(
                "constructor reverted: 0x{}",
                hex::encode(ok.result.data)
            )),
            Err(e) => Err(format!("{e:?}")),
        }
    }

    /// Deploy one of the suite's contracts and remember its address.
    pub fn deploy(
        &mut self,
        contract: Contract,
        constructor: &str,
        args: impl Encode,
    ) -> AccountId {
        let address = self
            .instantiate(contract.name(), constructor, args)
            .unwrap_or_else(|e| panic!("deploying {}: {e}", contract.name()));
        self.set_address(contract, address);
        address
    }

    /// Call `message` of the contract at `address` with SCALE-encoded `args`, sending `value`.
    /// The bundle is the one deployed as `contract` (for its selectors).
    pub fn call_at(
        &mut self,
        address: AccountId,
        bundle: &str,
        message: &str,
        args: impl Encode,
        value: u128,
    ) -> CallReport {
        let selector = self.artifact(bundle).selector(message);
        let mut data = selector.to_vec();
        args.encode_to(&mut data);
        self.call_raw(address, message, data, value)
    }

    /// Call with already encoded input (selector included).
    pub fn call_raw(
        &mut self,
        address: AccountId,
        message: &str,
        data: Vec<u8>,
        value: u128,
    ) -> CallReport {
        let actor = self.actor;
        let sandbox = self.session.sandbox();
        sandbox.reset_events();
        let result = sandbox.call_contract(
            to_sandbox(&address),
            value,
            data,
            to_sandbox(&actor),
            MinimalSandbox::default_gas_limit(),
            None,
            Determinism::Enforced,
        );
        let events = sandbox
            .events()
            .into_iter()
            .filter_map(|record| match record.event {
                RuntimeEvent::Contracts(drink::pallet_contracts::Event::ContractEmitted {
                    contract,
                    data,
                }) => Some(RawEvent {
                    contract: from_sandbox(&contract),
                    topics: record.topics.iter().map(|t| t.0).collect(),
                    data,
                }),
                _ => None,
            })
            .collect();
        let deposit = match result.storage_deposit {
            drink::pallet_contracts::StorageDeposit::Charge(c) => {
                i128::try_from(c).expect("deposit")
            }
            drink::pallet_contracts::StorageDeposit::Refund(r) => {
                -i128::try_from(r).expect("deposit")
            }
        };
        let (reverted, output) = match result.result {
            Ok(ret) => (ret.did_revert(), Ok(ret.data)),
            Err(e) => (false, Err(Failure::Trapped(dispatch_error_name(&e)))),
        };
        let report = CallReport {
            contract: address,
            message: message.to_owned(),
            actor,
            value,
            ref_time: result.gas_consumed.ref_time(),
            proof_size: result.gas_consumed.proof_size(),
            deposit,
            reverted,
            output,
            events,
        };
        self.last = Some(report.clone());
        report
    }

    /// The current actor calls `message` and must get `expected`; afterwards no contract of the
    /// suite has changed storage and no event was emitted.
    pub fn assert_refused<T: Decode + Debug>(
        &mut self,
        contract: Contract,
        message: &str,
        args: impl Encode,
        expected: Error,
    ) {
        let before = self.storage_roots();
        let answer = self.tx::<T>(contract, message, args);
        let actor = self.name_of(&self.actor);
        match answer {
            Err(e) => assert_eq!(
                e,
                expected,
                "{}.{message} by {actor}: wrong error",
                contract.name()
            ),
            Ok(v) => panic!(
                "{}.{message} by {actor}: expected {expected:?}, got Ok({v:?})",
                contract.name()
            ),
        }
        let report = self.last.as_ref().expect("report");
        assert!(
            report.events.is_empty(),
            "{}.{message}: a refused call emitted events",
            contract.name()
        );
        assert_eq!(
            self.storage_roots(),
            before,
            "{}.{message}: a refused call changed storage",
            contract.name()
        );
    }

    /// pallet-contracts' record of a contract (its storage trie id and usage).
    pub fn contract_info(&mut self, address: &AccountId) -> ContractStorage {
        let encoded = to_sandbox(address).encode();
        let mut key = Twox128::hash(b"Contracts").to_vec();
        key.extend(Twox128::hash(b"ContractInfoOf"));
        key.extend(Twox64Concat::hash(&encoded));
        self.session.sandbox().execute_with(|| {
            drink::frame_support::storage::unhashed::get::<ContractStorage>(&key)
                .expect("no contract at that address")
        })
    }

    /// Root of the contract's storage trie: equal before and after means no storage changed.
    pub fn storage_root(&mut self, contract: Contract) -> [u8; 32] {
        let address = self.address(contract);
        let info = self.contract_info(&address);
        self.session.sandbox().execute_with(|| {
            child::root(&ChildInfo::new_default(&info.trie_id), StateVersion::V1)
                .try_into()
                .expect("32-byte root")
        })
    }

    /// Storage roots of every deployed contract of the suite.
    pub fn storage_roots(&mut self) -> Vec<(Contract, [u8; 32])> {
        let mut deployed: Vec<Contract> = self.addresses.keys().copied().collect();
        deployed.sort();
        deployed
            .into_iter()
            .map(|c| (c, self.storage_root(c)))
            .collect()
    }

    /// Bytes and items of storage the contract holds.
    pub fn storage_usage(&mut self, contract: Contract) -> (u32, u32) {
        let address = self.address(contract);
        let info = self.contract_info(&address);
        (info.storage_bytes, info.storage_items)
    }
}

impl Ledger for Chain {
    /// The account that instantiated the suite (funded at genesis).
    fn admin(&self) -> AccountId {
        from_sandbox(&MinimalSandbox::default_actor())
    }

    /// A funded account with a name for transcripts.
    fn actor(&mut self, name: &str) -> AccountId {
        let id = account(name);
        if !self.names.contains_key(&id) {
            self.session
                .sandbox()
                .mint_into(&to_sandbox(&id), ACTOR_FUNDS)
                .expect("mint");
            self.names.insert(id, name.to_owned());
        }
        id
    }

    fn name_of(&self, account: &AccountId) -> String {
        self.names
            .get(account)
            .cloned()
            .unwrap_or_else(|| short_name(account))
    }

    fn set_actor(&mut self, actor: AccountId) -> AccountId {
        std::mem::replace(&mut self.actor, actor)
    }

    fn current_actor(&self) -> AccountId {
        self.actor
    }

    fn address(&self, contract: Contract) -> AccountId {
        *self
            .addresses
            .get(&contract)
            .unwrap_or_else(|| panic!("{contract:?} is not deployed"))
    }

    fn now(&mut self) -> u64 {
        self.session.sandbox().get_timestamp()
    }

    fn balance(&mut self, account: &AccountId) -> u128 {
        self.session.sandbox().free_balance(&to_sandbox(account))
    }

    fn selector(&mut self, contract: Contract, message: &str) -> [u8; 4] {
        self.artifact(contract.name()).selector(message)
    }

    fn submit(
        &mut self,
        contract: Contract,
        message: &str,
        input: Vec<u8>,
        value: u128,
    ) -> CallReport {
        let address = self.address(contract);
        self.call_raw(address, message, input, value)
    }

    fn read(
        &mut self,
        contract: Contract,
        _message: &str,
        input: Vec<u8>,
    ) -> Result<Vec<u8>, Failure> {
        let address = self.address(contract);
        let actor = to_sandbox(&self.actor);
        let result = self.session.sandbox().dry_run(|sandbox| {
            sandbox.call_contract(
                to_sandbox(&address),
                0,
                input,
                actor,
                MinimalSandbox::default_gas_limit(),
                None,
                Determinism::Enforced,
            )
        });
        result
            .result
            .map(|ret| ret.data)
            .map_err(|e| Failure::Trapped(dispatch_error_name(&e)))
    }

    fn fresh_patient_id(&mut self) -> PatientId {
        self.patients = self.patients.checked_add(1).expect("patients");
        crate::suite::pseudo_random_id(self.patients)
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

impl CallReport {
    pub fn events_of<E: ink::env::Event + Decode>(&self) -> Vec<E> {
        let Some(signature) = E::SIGNATURE_TOPIC else {
            return Vec::new();
        };
        self.events
            .iter()
            .filter(|e| e.topics.first() == Some(&signature))
            .map(|e| E::decode(&mut &e.data[..]).expect("event decodes"))
            .collect()
    }
}

impl CallReport {
    /// The answer decoded as the message's declared return type.
    pub fn decode<R: Decode>(&self) -> Result<R, Failure> {
        decode_output(self)
    }
}

fn decode_output<R: Decode>(report: &CallReport) -> Result<R, Failure> {
    let bytes = report.output.as_ref().map_err(Clone::clone)?;
    match <Result<R, ink::LangError>>::decode(&mut &bytes[..]) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(Failure::LangError),
        Err(e) => Err(Failure::Undecodable(format!(
            "{e}: 0x{}",
            hex::encode(bytes)
        ))),
    }
}

fn dispatch_error_name(error: &DispatchError) -> String {
    match error {
        DispatchError::Module(ModuleError {
            message: Some(name),
            ..
        }) => (*name).to_owned(),
        other => format!("{other:?}"),
    }
}

/// The weight a call may use at most (the sandbox's default).
pub fn gas_limit() -> Weight {
    MinimalSandbox::default_gas_limit()
}
