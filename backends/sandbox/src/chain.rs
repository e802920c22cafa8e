//! The in-process chain: pallet-contracts in process (ink_sandbox's runtime, the one drink wraps),
//! with the suite's release bundles, behind the SDK's [`ChainRead`] and [`ChainWrite`]. Every call's weight, storage
//! deposit, events and outcome are kept in a [`CallReport`]; snapshots let tests branch.

use carechain_common::{Error, PatientId};
use carechain_sdk::ledger::short_name;
use carechain_sdk::{
    Artifact, Bundles, CallReport, ChainRead, ChainWrite, Contract, Failure, RawEvent,
};
use ink::primitives::AccountId;
use ink_sandbox::api::prelude::*;
use ink_sandbox::frame_support::sp_runtime::{DispatchError, ModuleError};
use ink_sandbox::frame_support::storage::child::{self, ChildInfo, StateVersion};
use ink_sandbox::frame_support::{StorageHasher, Twox128, Twox64Concat};
use ink_sandbox::pallet_contracts::Determinism;
use ink_sandbox::{AccountId32, DefaultSandbox, Sandbox, Weight};
use scale::{Decode, Encode};
use std::collections::HashMap;
use std::fmt::Debug;

pub type Runtime = <DefaultSandbox as Sandbox>::Runtime;
type RuntimeEvent = <Runtime as ink_sandbox::frame_system::Config>::RuntimeEvent;

/// 2026-01-01T00:00:00Z in milliseconds: where every chain's clock starts.
pub const GENESIS_TIME: u64 = 1_767_225_600_000;
/// What every actor is funded with.
pub const ACTOR_FUNDS: u128 = 1_000_000_000_000_000;

/// The in-process chain with the suite's bundles.
pub struct Chain {
    sandbox: DefaultSandbox,
    bundles: Bundles,
    addresses: HashMap<Contract, AccountId>,
    names: HashMap<AccountId, String>,
    /// Actors' demo signing keys (`//<name>`), derived once (a derivation takes milliseconds).
    keys: HashMap<AccountId, subxt_signer::sr25519::Keypair>,
    actors: HashMap<String, AccountId>,
    actor: AccountId,
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

impl Chain {
    /// A fresh chain whose clock reads [`GENESIS_TIME`]; the default actor is `admin`.
    pub fn new() -> Self {
        let mut sandbox = DefaultSandbox::default();
        let admin = from_sandbox(&DefaultSandbox::default_actor());
        sandbox.build_block();
        sandbox.set_timestamp(GENESIS_TIME);
        let mut names = HashMap::new();
        names.insert(admin, "admin".to_owned());
        Chain {
            sandbox,
            bundles: Bundles::default(),
            addresses: HashMap::new(),
            names,
            keys: HashMap::new(),
            actors: HashMap::new(),
            actor: admin,
            patients: 0,
            last: None,
            verbose: false,
        }
    }

    pub fn sandbox(&mut self) -> &mut DefaultSandbox {
        &mut self.sandbox
    }

    /// The whole chain state, to go back to with [`Chain::restore`].
    pub fn snapshot(&mut self) -> ink_sandbox::Snapshot {
        self.sandbox.take_snapshot()
    }

    pub fn restore(&mut self, snapshot: ink_sandbox::Snapshot) {
        self.sandbox.restore_snapshot(snapshot);
    }

    /// Move the clock forward (in a new block).
    pub fn advance(&mut self, ms: u64) {
        let now = self.sandbox.get_timestamp();
        self.sandbox.build_block();
        self.sandbox
            .set_timestamp(now.checked_add(ms).expect("time overflow"));
    }
    /// The current actor calls `message` and must get `expected`; afterwards no contract of the
    /// suite has changed storage and no event was emitted.
    pub fn assert_refused<A: Encode, T: Decode + Debug>(
        &mut self,
        msg: carechain_sdk::msg::Msg<A, Result<T, Error>>,
        args: A,
        expected: Error,
    ) {
        let before = self.storage_roots();
        let answer = self.tx(msg, args);
        let actor = self.name_of(&self.actor);
        match answer {
            Err(e) => assert_eq!(e, expected, "{msg:?} by {actor}: wrong error"),
            Ok(v) => panic!("{msg:?} by {actor}: expected {expected:?}, got Ok({v:?})"),
        }
        let report = self.last.as_ref().expect("report");
        assert!(
            report.events.is_empty(),
            "{msg:?}: a refused call emitted events"
        );
        assert_eq!(
            self.storage_roots(),
            before,
            "{msg:?}: a refused call changed storage"
        );
    }

    /// pallet-contracts' record of a contract (its storage trie id and usage).
    pub fn contract_info(&mut self, address: &AccountId) -> ContractStorage {
        let encoded = to_sandbox(address).encode();
        let mut key = Twox128::hash(b"Contracts").to_vec();
        key.extend(Twox128::hash(b"ContractInfoOf"));
        key.extend(Twox64Concat::hash(&encoded));
        self.sandbox.execute_with(|| {
            ink_sandbox::frame_support::storage::unhashed::get::<ContractStorage>(&key)
                .expect("no contract at that address")
        })
    }

    /// Root of the contract's storage trie: equal before and after means no storage changed.
    pub fn storage_root(&mut self, contract: Contract) -> [u8; 32] {
        let address = self.address(contract);
        let info = self.contract_info(&address);
        self.sandbox.execute_with(|| {
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

    /// The block number.
    pub fn block(&mut self) -> u32 {
        self.sandbox.block_number()
    }
}

impl ChainRead for Chain {
    fn name_of(&self, account: &AccountId) -> String {
        self.names
            .get(account)
            .cloned()
            .unwrap_or_else(|| short_name(account))
    }

    fn address(&self, contract: Contract) -> AccountId {
        *self
            .addresses
            .get(&contract)
            .unwrap_or_else(|| panic!("{contract:?} is not deployed"))
    }

    fn artifact(&mut self, name: &str) -> &Artifact {
        self.bundles.get(name)
    }

    fn storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        let address = to_sandbox(&address);
        let key = key.to_vec();
        self.sandbox.execute_with(|| {
            ink_sandbox::pallet_contracts::Pallet::<Runtime>::get_storage(address, key)
                .ok()
                .flatten()
        })
    }

    fn now(&mut self) -> u64 {
        self.sandbox.get_timestamp()
    }

    fn balance(&mut self, account: &AccountId) -> u128 {
        self.sandbox.free_balance(&to_sandbox(account))
    }
}

impl ChainWrite for Chain {
    /// The account that instantiated the suite (funded at genesis).
    fn admin(&self) -> AccountId {
        from_sandbox(&DefaultSandbox::default_actor())
    }

    /// A funded account with a name for transcripts.
    fn actor(&mut self, name: &str) -> AccountId {
        if let Some(id) = self.actors.get(name) {
            return *id;
        }
        let key = carechain_sdk::keys::demo_signer(name);
        let id = carechain_sdk::keys::account_of(&key);
        self.keys.insert(id, key);
        self.actors.insert(name.to_owned(), id);
        if !self.names.contains_key(&id) {
            self.sandbox
                .mint_into(&to_sandbox(&id), ACTOR_FUNDS)
                .expect("mint");
            self.names.insert(id, name.to_owned());
        }
        id
    }

    fn set_actor(&mut self, actor: AccountId) -> AccountId {
        std::mem::replace(&mut self.actor, actor)
    }

    fn current_actor(&self) -> AccountId {
        self.actor
    }

    fn set_name(&mut self, account: AccountId, name: &str) {
        self.names.insert(account, name.to_owned());
    }

    fn set_address(&mut self, contract: Contract, address: AccountId) {
        self.addresses.insert(contract, address);
    }

    fn instantiate(
        &mut self,
        bundle: &str,
        input: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<AccountId, String> {
        let wasm = self.artifact(bundle).wasm.clone();
        let origin = to_sandbox(&self.actor);
        let result = self.sandbox.deploy_contract(
            wasm,
            0,
            input,
            salt,
            origin,
            DefaultSandbox::default_gas_limit(),
            None,
        );
        match result.result {
            Ok(ok) if !ok.result.did_revert() => Ok(from_sandbox(&ok.account_id)),
            Ok(ok) => Err(format!(
                "{bundle}: constructor reverted: 0x{}",
                hex::encode(ok.result.data)
            )),
            Err(e) => Err(format!("{bundle}: {}", dispatch_error_name(&e))),
        }
    }

    fn submit_to(
        &mut self,
        address: AccountId,
        label: &str,
        input: Vec<u8>,
        value: u128,
    ) -> CallReport {
        let actor = self.actor;
        self.sandbox.reset_events();
        let result = self.sandbox.call_contract(
            to_sandbox(&address),
            value,
            input,
            to_sandbox(&actor),
            DefaultSandbox::default_gas_limit(),
            None,
            Determinism::Enforced,
        );
        let events = self
            .sandbox
            .events()
            .into_iter()
            .filter_map(|record| match record.event {
                RuntimeEvent::Contracts(
                    ink_sandbox::pallet_contracts::Event::ContractEmitted { contract, data },
                ) => Some(RawEvent {
                    contract: from_sandbox(&contract),
                    topics: record.topics.iter().map(|t| t.0).collect(),
                    data,
                }),
                _ => None,
            })
            .collect();
        let deposit = match result.storage_deposit {
            ink_sandbox::pallet_contracts::StorageDeposit::Charge(c) => {
                i128::try_from(c).expect("deposit")
            }
            ink_sandbox::pallet_contracts::StorageDeposit::Refund(r) => {
                -i128::try_from(r).expect("deposit")
            }
        };
        let (reverted, output) = match result.result {
            Ok(ret) => (ret.did_revert(), Ok(ret.data)),
            Err(e) => (false, Err(Failure::Trapped(dispatch_error_name(&e)))),
        };
        let report = CallReport {
            contract: address,
            message: label.to_owned(),
            actor,
            value,
            ref_time: result.gas_consumed.ref_time(),
            proof_size: result.gas_consumed.proof_size(),
            deposit,
            reverted,
            output,
            predicted: false,
            events,
        };
        self.last = Some(report.clone());
        report
    }

    fn read_at(&mut self, address: AccountId, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        let actor = to_sandbox(&self.actor);
        let result = self.sandbox.dry_run(|sandbox| {
            sandbox.call_contract(
                to_sandbox(&address),
                0,
                input,
                actor,
                DefaultSandbox::default_gas_limit(),
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
        carechain_sdk::deploy::pseudo_random_id(self.patients)
    }

    /// Actors' keys are their demo keys (`//<name>`); the genesis admin has none.
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
    DefaultSandbox::default_gas_limit()
}
