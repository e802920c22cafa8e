//! A populated suite with one actor per role and one object in every interesting state, plus a
//! catalogue of one representative call for every message of every contract and who may make it,
//! built from the client's typed message table (`carechain_sdk::msg`).
//!
//! The authorisation matrix (every state-changing message × every actor), the pause matrix
//! (every state-changing message with each contract paused) and the benchmarks (weight and
//! deposit of every message) all run from this one catalogue; each call runs on a snapshot of the
//! fixture, so cases do not disturb each other.

use crate::chain::{Chain, GENESIS_TIME};
use crate::suite::Suite;
use carechain_common::*;
use carechain_sdk::msg::{self, AnyMsg, Kind, Msg, PauseRule};
use carechain_sdk::{credential, digest, key_for, CallReport, ChainRead, ChainWrite, Contract};
use ink::primitives::AccountId;
use scale::{Decode, Encode};
use scale_info::TypeInfo;
use std::collections::BTreeMap;

/// The actors of the fixture.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub enum Who {
    /// Admin of every contract.
    Admin,
    /// Governor of every contract.
    Governor,
    Provider,
    Manufacturer,
    Distributor,
    Pharmacy,
    Insurer,
    Researcher,
    Regulator,
    PublicHealth,
    /// An organisation holding every role, suspended.
    Suspended,
    /// An account with no role and no patient.
    Ordinary,
    /// The fixture patient's controller.
    Patient,
    /// The patient's delegate (a carer).
    Delegate,
    /// The patient's recovery guardian.
    Guardian,
    /// The account the patient proposed as next controller (and the admin as next admin).
    Heir,
}

impl Who {
    pub const ALL: [Who; 16] = [
        Who::Admin,
        Who::Governor,
        Who::Provider,
        Who::Manufacturer,
        Who::Distributor,
        Who::Pharmacy,
        Who::Insurer,
        Who::Researcher,
        Who::Regulator,
        Who::PublicHealth,
        Who::Suspended,
        Who::Ordinary,
        Who::Patient,
        Who::Delegate,
        Who::Guardian,
        Who::Heir,
    ];

    pub fn name(self) -> String {
        format!("{self:?}").to_lowercase()
    }
}

const ORGS: [Who; 9] = [
    Who::Provider,
    Who::Manufacturer,
    Who::Distributor,
    Who::Pharmacy,
    Who::Insurer,
    Who::Researcher,
    Who::Regulator,
    Who::PublicHealth,
    Who::Suspended,
];

type Args = Box<dyn Fn(&Fixture) -> Vec<u8>>;

/// One representative call of one message.
pub struct Case {
    pub msg: AnyMsg,
    /// Who may make it (for reads: who makes it in the benchmark).
    pub authorised: Vec<Who>,
    pub value: u128,
    /// For messages whose pause rule depends on the arguments: whether this call only takes
    /// something away (then a pause does not stop it).
    pub restricting: bool,
    /// Which use of the message this case is, where one message has several (`govern`).
    pub variant: &'static str,
    /// Runs on the snapshot before the call (to reach the state the call needs).
    pub prepare: Option<fn(&mut Fixture)>,
    pub args: Args,
}

impl Case {
    pub fn contract(&self) -> Contract {
        self.msg.contract
    }

    pub fn label(&self) -> &'static str {
        self.msg.label
    }

    /// `contract.message`, with the variant where there is one, for reports.
    pub fn title(&self) -> String {
        let mut title = format!("{}.{}", self.contract().name(), self.label());
        if !self.variant.is_empty() {
            title.push_str(&format!("({})", self.variant));
        }
        if self.restricting {
            title.push_str(" (restricting)");
        }
        title
    }

    pub fn kind(&self) -> Kind {
        self.msg.kind
    }

    /// Whether this call is a restriction: it works while any contract is paused and whatever
    /// the audit log answers.
    pub fn is_restriction(&self) -> bool {
        match self.msg.pause {
            PauseRule::Restriction => true,
            PauseRule::Restricting => self.restricting,
            PauseRule::Stops | PauseRule::Never | PauseRule::Read => false,
        }
    }

    /// Whether a pause of its own contract must leave this call working.
    pub fn works_while_paused(&self) -> bool {
        self.is_restriction() || self.msg.pause == PauseRule::Never
    }

    fn prepared(mut self, prepare: fn(&mut Fixture)) -> Case {
        self.prepare = Some(prepare);
        self
    }

    fn paying(mut self, value: u128) -> Case {
        self.value = value;
        self
    }

    fn restricting(mut self) -> Case {
        self.restricting = true;
        self
    }

    fn variant(mut self, variant: &'static str) -> Case {
        self.variant = variant;
        self
    }
}

fn case<A, R>(msg: Msg<A, R>, authorised: &[Who], args: impl Fn(&Fixture) -> A + 'static) -> Case
where
    A: Encode + TypeInfo + 'static,
    R: Decode + TypeInfo + 'static,
{
    Case {
        msg: msg.erase(),
        authorised: authorised.to_vec(),
        value: 0,
        restricting: false,
        variant: "",
        prepare: None,
        args: Box::new(move |f| args(f).encode()),
    }
}

/// A read, made by an ordinary account in the benchmark.
fn read<A, R>(msg: Msg<A, R>, args: impl Fn(&Fixture) -> A + 'static) -> Case
where
    A: Encode + TypeInfo + 'static,
    R: Decode + TypeInfo + 'static,
{
    case(msg, &[Who::Ordinary], args)
}

/// The populated suite.
pub struct Fixture {
    pub suite: Suite,
    who: BTreeMap<Who, AccountId>,
    pub patient: PatientId,
    pub grant: GrantId,
    pub record: RecordId,
    pub batch: BatchId,
    /// A pending shipment manufacturer -> distributor.
    pub pending: u64,
    pub policy: PolicyId,
    pub submitted: ClaimId,
    pub approved: ClaimId,
    pub denied: ClaimId,
    /// An immunisation credential the provider issued for a dose it administered.
    pub credential: CredentialId,
    /// Set by a case's `prepare` for its arguments.
    pub scratch: u64,
}

pub const GTIN: Gtin = Gtin(10_614_141_000_415);
pub const LAB: DataCategory = DataCategory::Laboratory;
/// The fixture record's id (ids are chosen by the author's client).
pub const FIXTURE_RECORD: RecordId = 7_000;
/// Serials the provider administered (dispensed): one backs the fixture credential, one is free.
pub const FIXTURE_DOSE: u64 = 90;
pub const FREE_DOSE: u64 = 91;

pub fn lot(text: &str) -> LotNumber {
    LotNumber(text.as_bytes().to_vec())
}

pub fn service_line(what: &str, billed: Balance) -> ClaimLine {
    ClaimLine {
        service_ref: digest(format!("hmac(code+date) {what}").as_bytes()),
        billed,
        drug: None,
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

fn roles_of(who: Who) -> Vec<Role> {
    match who {
        Who::Provider => vec![Role::Provider],
        Who::Manufacturer => vec![Role::Manufacturer],
        Who::Distributor => vec![Role::Distributor],
        Who::Pharmacy => vec![Role::Pharmacy],
        Who::Insurer => vec![Role::Insurer],
        Who::Researcher => vec![Role::Researcher],
        Who::Regulator => vec![Role::Regulator],
        Who::PublicHealth => vec![Role::PublicHealth],
        Who::Suspended => Role::ALL.to_vec(),
        _ => Vec::new(),
    }
}

fn ok<T: std::fmt::Debug>(what: &str, answer: Result<T>) -> T {
    answer.unwrap_or_else(|e| panic!("fixture: {what}: {e:?}"))
}

impl Fixture {
    pub fn new() -> Fixture {
        let mut s = Suite::deploy();
        let mut who = BTreeMap::new();
        who.insert(Who::Admin, s.admin());
        for w in ORGS {
            who.insert(w, s.organisation(&w.name(), &roles_of(w)));
        }
        for w in [
            Who::Governor,
            Who::Ordinary,
            Who::Delegate,
            Who::Guardian,
            Who::Heir,
        ] {
            who.insert(w, s.actor(&w.name()));
        }
        let (patient_account, patient) = s.patient("patient");
        who.insert(Who::Patient, patient_account);
        let at = |w: Who| who[&w];
        let admin = at(Who::Admin);

        // Governance: a governor everywhere.
        s.set_actor(admin);
        for c in Contract::ALL {
            ok(
                "add governor",
                s.tx(msg::govern(c), GovAction::AddGovernor(at(Who::Governor))),
            );
        }

        // The patient: a delegate, a guardian, a proposed next controller, and grants.
        s.set_actor(patient_account);
        ok(
            "delegate",
            s.tx(
                msg::registry::ADD_DELEGATE,
                (patient, at(Who::Delegate), DelegateKind::Carer, None::<u64>),
            ),
        );
        ok(
            "guardians",
            s.tx(
                msg::registry::SET_GUARDIANS,
                (patient, vec![at(Who::Guardian)], 1u8),
            ),
        );
        ok(
            "propose",
            s.tx(
                msg::registry::PROPOSE_CONTROLLER,
                (patient, Some(at(Who::Heir))),
            ),
        );
        let now = s.now();
        let year = |purposes: &[Purpose]| GrantScope {
            categories: CategorySet::of(&[LAB]),
            purposes: PurposeSet::of(purposes),
            valid_from: now,
            valid_until: now + 365 * DAY_MS,
        };
        let grant = ok(
            "grant",
            s.tx(
                msg::consent::CREATE_GRANT,
                (
                    patient,
                    Grantee::Account(at(Who::Provider)),
                    year(&[Purpose::Treatment]),
                    Effect::Permit,
                ),
            ),
        );
        ok(
            "payment grant",
            s.tx(
                msg::consent::CREATE_GRANT,
                (
                    patient,
                    Grantee::Account(at(Who::Insurer)),
                    year(&[Purpose::Payment]),
                    Effect::Permit,
                ),
            ),
        );
        s.set_actor(at(Who::Provider));
        let record = ok(
            "record",
            s.tx(
                msg::consent::ADD_RECORD,
                (
                    FIXTURE_RECORD,
                    patient,
                    LAB,
                    Purpose::Treatment,
                    digest(b"ciphertext of a report"),
                    EncryptedLocator(b"enc".to_vec()),
                ),
            ),
        )
        .record
        .expect("the fixture record is granted");

        // A batch: 100 packs; 78 with the manufacturer, 10 pending to the distributor, 10 with
        // the pharmacy (serials 1..=10, shipped by serial: the pharmacy is their custodian).
        s.set_actor(at(Who::Manufacturer));
        let batch = ok(
            "batch",
            s.tx(
                msg::provenance::REGISTER_BATCH,
                (
                    GTIN,
                    lot("FIXTURE-1"),
                    now + 365 * DAY_MS,
                    1u64,
                    100u64,
                    100u64,
                    digest(b"coa"),
                ),
            ),
        );
        let doc = digest(b"despatch advice");
        let t = ok(
            "ship",
            s.tx(
                msg::provenance::SHIP_SERIALS,
                (
                    batch,
                    at(Who::Pharmacy),
                    (1..=10u64).collect::<Vec<_>>(),
                    doc,
                ),
            ),
        );
        s.set_actor(at(Who::Pharmacy));
        ok("accept", s.tx(msg::provenance::ACCEPT, (batch, t)));
        s.set_actor(at(Who::Manufacturer));
        let pending = ok(
            "ship",
            s.tx(
                msg::provenance::SHIP,
                (batch, at(Who::Distributor), 10u64, doc),
            ),
        );

        // Vaccination: the provider receives two packs, administers both (it then holds no
        // stock, so the custody cases' authorised callers stay as they were) and issues a
        // credential for one.
        let t = ok(
            "ship",
            s.tx(msg::provenance::SHIP, (batch, at(Who::Provider), 2u64, doc)),
        );
        s.set_actor(at(Who::Provider));
        ok("accept", s.tx(msg::provenance::ACCEPT, (batch, t)));
        for serial in [FIXTURE_DOSE, FREE_DOSE] {
            ok(
                "administer",
                s.tx(msg::provenance::DISPENSE, (batch, serial)),
            );
        }
        let credential = ok(
            "credential",
            s.tx(
                msg::credentials::ISSUE,
                (
                    digest(b"fixture credential root"),
                    3u8,
                    DrugRef {
                        batch,
                        serial: FIXTURE_DOSE,
                    },
                ),
            ),
        );

        // Insurance: escrow, a policy, claims submitted, approved and denied.
        s.set_actor(at(Who::Insurer));
        ok(
            "deposit",
            s.tx_with_value(msg::claims::DEPOSIT, (), 1_000_000),
        );
        let policy = ok(
            "policy",
            s.tx(
                msg::claims::CREATE_POLICY,
                (
                    patient,
                    PolicyTerms {
                        coverage: CoverageSet::of(&[ServiceCategory::Laboratory]),
                        period_start: now,
                        period_end: now + 365 * DAY_MS,
                        annual_limit: 100_000,
                        deductible: 100,
                        coinsurance_bps: 2_000,
                    },
                ),
            ),
        );
        let mut claims = Vec::new();
        for what in ["submitted", "approved", "denied"] {
            s.set_actor(at(Who::Provider));
            let outcome = ok(
                "claim",
                s.tx(
                    msg::claims::SUBMIT_CLAIM,
                    (policy, patient, record, vec![service_line(what, 1_000)]),
                ),
            );
            let SubmitOutcome::Submitted(id) = outcome else {
                panic!("fixture claim refused: {outcome:?}")
            };
            claims.push(id);
        }
        s.set_actor(at(Who::Insurer));
        ok(
            "approve",
            s.tx(
                msg::claims::ADJUDICATE,
                (claims[1], vec![LineDecision::Approve { allowed: 1_000 }]),
            ),
        );
        ok(
            "deny",
            s.tx(
                msg::claims::ADJUDICATE,
                (
                    claims[2],
                    vec![LineDecision::Deny(DenialReason::NonCovered)],
                ),
            ),
        );

        // Last: suspend the all-roles organisation.
        s.set_actor(admin);
        ok(
            "suspend",
            s.tx(msg::registry::SUSPEND_ORGANISATION, at(Who::Suspended)),
        );
        s.verbose = false;
        Fixture {
            suite: s,
            who,
            patient,
            grant,
            record,
            batch,
            pending,
            policy,
            submitted: claims[0],
            approved: claims[1],
            denied: claims[2],
            credential,
            scratch: 0,
        }
    }

    pub fn at(&self, who: Who) -> AccountId {
        self.who[&who]
    }

    pub fn chain(&mut self) -> &mut Chain {
        &mut self.suite.chain
    }

    /// Run `case` as `who` on a snapshot; the fixture is unchanged afterwards.
    pub fn run(&mut self, case: &Case, who: Who) -> CallReport {
        self.run_observed(case, who, |_| {}).0
    }

    /// Like [`Fixture::run`], with `before` applied to the snapshot first (after the case's own
    /// preparation), also returning the storage roots of every contract just before and just
    /// after the call.
    pub fn run_observed(
        &mut self,
        case: &Case,
        who: Who,
        before: impl FnOnce(&mut Fixture),
    ) -> (CallReport, RootsBeforeAfter) {
        let snapshot = self.suite.snapshot();
        let scratch = self.scratch;
        if let Some(prepare) = case.prepare {
            prepare(self);
        }
        before(self);
        let args = (case.args)(self);
        let caller = self.at(who);
        let address = self.suite.address(case.contract());
        let roots_before = self.suite.storage_roots();
        let balance_before = self.suite.balance(&caller);
        self.suite.set_actor(caller);
        let selector = self
            .suite
            .artifact(case.contract().name())
            .selector(case.label())
            .expect("selector");
        let mut data = selector.to_vec();
        data.extend(args);
        let report = self
            .suite
            .submit_to(address, case.label(), data, case.value);
        let roots_after = self.suite.storage_roots();
        let balance_after = self.suite.balance(&caller);
        self.suite.restore(snapshot);
        self.scratch = scratch;
        (
            report,
            RootsBeforeAfter {
                before: roots_before,
                after: roots_after,
                caller_balance: (balance_before, balance_after),
            },
        )
    }

    /// As the admin, pause or unpause a contract.
    pub fn pause(&mut self, contract: Contract, paused: bool) {
        let admin = self.at(Who::Admin);
        self.suite.set_actor(admin);
        ok(
            "pause",
            self.suite
                .tx(msg::govern(contract), GovAction::SetPaused(paused)),
        );
    }
}

/// Storage roots of every contract (and the caller's balance) around one call.
#[derive(Clone, Debug)]
pub struct RootsBeforeAfter {
    pub before: Vec<(Contract, [u8; 32])>,
    pub after: Vec<(Contract, [u8; 32])>,
    pub caller_balance: (u128, u128),
}

/// The answer of a decision-kind message: whether each decision in it was granted.
pub fn granted_flags(case: &Case, bytes: &[u8]) -> Vec<bool> {
    let mut input = bytes;
    match case.label() {
        "check_access_batch" => Vec::<Decision>::decode(&mut input)
            .expect("decisions")
            .iter()
            .map(Decision::is_granted)
            .collect(),
        "access_record" => vec![RecordAccess::decode(&mut input)
            .expect("record access")
            .decision
            .is_granted()],
        "add_record" | "amend_record" => vec![RecordWrite::decode(&mut input)
            .expect("record write")
            .decision
            .is_granted()],
        "break_glass" => vec![matches!(
            BreakGlass::decode(&mut input).expect("break glass"),
            BreakGlass::Opened(_)
        )],
        _ => vec![Decision::decode(&mut input)
            .expect("a decision")
            .is_granted()],
    }
}

fn governed(contract: Contract) -> Vec<Case> {
    let govern = msg::govern(contract);
    vec![
        case(govern, &[Who::Admin], |f| {
            GovAction::ProposeAdmin(f.at(Who::Heir))
        })
        .variant("ProposeAdmin"),
        case(govern, &[Who::Heir], |_| GovAction::AcceptAdmin)
            .variant("AcceptAdmin")
            .prepared(|f| {
                let (admin, heir) = (f.at(Who::Admin), f.at(Who::Heir));
                f.suite.set_actor(admin);
                for c in Contract::ALL {
                    ok(
                        "propose admin",
                        f.suite.tx(msg::govern(c), GovAction::ProposeAdmin(heir)),
                    );
                }
            }),
        case(govern, &[Who::Admin], |f| {
            GovAction::AddGovernor(f.at(Who::Ordinary))
        })
        .variant("AddGovernor"),
        case(govern, &[Who::Admin], |f| {
            GovAction::RemoveGovernor(f.at(Who::Governor))
        })
        .variant("RemoveGovernor"),
        case(govern, GOVERNANCE, |_| GovAction::SetPaused(true)).variant("SetPaused"),
    ]
}

const GOVERNANCE: &[Who] = &[Who::Admin, Who::Governor];

fn registry() -> Vec<Case> {
    use msg::registry::*;
    let free = &[
        Who::Admin,
        Who::Governor,
        Who::Ordinary,
        Who::Delegate,
        Who::Guardian,
        Who::Heir,
    ];
    let organisations: Vec<Who> = ORGS.to_vec();
    vec![
        case(REGISTER_ORGANISATION, GOVERNANCE, |f| {
            (
                f.at(Who::Ordinary),
                RoleSet::of(&[Role::Provider]),
                credential("new"),
                key_for("new"),
            )
        }),
        case(UPDATE_ORGANISATION, GOVERNANCE, |f| {
            (
                f.at(Who::Provider),
                RoleSet::of(&[Role::Provider, Role::Researcher]),
                credential("renewed"),
            )
        }),
        case(UPDATE_ORGANISATION, GOVERNANCE, |f| {
            (
                f.at(Who::Suspended),
                RoleSet::of(&[Role::Provider]),
                credential("narrowed"),
            )
        })
        .restricting(),
        case(SUSPEND_ORGANISATION, GOVERNANCE, |f| f.at(Who::Provider)),
        case(REINSTATE_ORGANISATION, GOVERNANCE, |f| f.at(Who::Suspended)),
        case(REVOKE_ORGANISATION, GOVERNANCE, |f| f.at(Who::Provider)),
        case(ROTATE_ORGANISATION_KEY, &organisations, |_| {
            key_for("rotated organisation key")
        }),
        case(REGISTER_PATIENT, free, |_| {
            (
                carechain_sdk::deploy::pseudo_random_id(9_999),
                key_for("newcomer"),
            )
        }),
        case(ROTATE_KEY, &[Who::Patient], |f| {
            (f.patient, key_for("rotated"))
        }),
        case(PROPOSE_CONTROLLER, &[Who::Patient], |f| {
            (f.patient, Some(f.at(Who::Ordinary)))
        }),
        case(ACCEPT_CONTROL, &[Who::Heir], |f| f.patient),
        case(ADD_DELEGATE, &[Who::Patient], |f| {
            (
                f.patient,
                f.at(Who::Ordinary),
                DelegateKind::Carer,
                None::<u64>,
            )
        }),
        case(REMOVE_DELEGATE, &[Who::Patient, Who::Delegate], |f| {
            (f.patient, f.at(Who::Delegate))
        }),
        // A custodian is never a provider (tests/tests/consent.rs): the researcher holds keys.
        case(SET_CUSTODIAN, &[Who::Patient], |f| {
            (f.patient, Some(f.at(Who::Researcher)))
        }),
        case(SET_CUSTODIAN, &[Who::Patient], |f| {
            (f.patient, None::<AccountId>)
        })
        .restricting()
        .prepared(|f| {
            let (patient_account, patient, custodian) =
                (f.at(Who::Patient), f.patient, f.at(Who::Researcher));
            f.suite.set_actor(patient_account);
            ok(
                "custodian",
                f.suite.tx(SET_CUSTODIAN, (patient, Some(custodian))),
            );
        }),
        case(SET_BREAK_GLASS_REFUSAL, &[Who::Patient], |f| {
            (f.patient, false)
        }),
        case(SET_BREAK_GLASS_REFUSAL, &[Who::Patient], |f| {
            (f.patient, true)
        })
        .restricting(),
        case(SET_GUARDIANS, &[Who::Patient], |f| {
            (
                f.patient,
                vec![f.at(Who::Guardian), f.at(Who::Ordinary)],
                1u8,
            )
        }),
        case(APPROVE_RECOVERY, &[Who::Guardian], |f| {
            (f.patient, f.at(Who::Ordinary))
        }),
        case(COMPLETE_RECOVERY, &[Who::Ordinary], |f| {
            (f.patient, key_for("recovered"))
        })
        .prepared(|f| {
            let (guardian, ordinary, patient) =
                (f.at(Who::Guardian), f.at(Who::Ordinary), f.patient);
            f.suite.set_actor(guardian);
            ok("approve", f.suite.tx(APPROVE_RECOVERY, (patient, ordinary)));
            let delay = carechain_sdk::view::registry_root(&mut f.suite.chain).recovery_delay;
            f.suite.advance(delay);
        }),
        case(CANCEL_RECOVERY, &[Who::Patient], |f| f.patient).prepared(|f| {
            let (guardian, ordinary, patient) =
                (f.at(Who::Guardian), f.at(Who::Ordinary), f.patient);
            f.suite.set_actor(guardian);
            ok("approve", f.suite.tx(APPROVE_RECOVERY, (patient, ordinary)));
        }),
        case(DEREGISTER_PATIENT, &[Who::Patient], |f| f.patient),
        case(SET_RECOVERY_DELAY, GOVERNANCE, |_| DAY_MS),
    ]
}

fn sample_record(f: &Fixture) -> AuditRecord {
    AuditRecord {
        action: AuditAction::AccessCheck,
        actor: f.at(Who::Provider),
        patient: Some(f.patient),
        subject: AuditSubject::Category(LAB),
        purpose: Some(Purpose::Treatment),
        outcome: AuditOutcome::Granted(AccessBasis::Consent(0)),
        initiator: None,
    }
}

fn audit_log() -> Vec<Case> {
    use msg::audit_log::*;
    vec![
        // A writer must be a contract: the test double stands in for a new suite contract.
        case(ADD_WRITER, GOVERNANCE, |f| {
            f.suite.address(Contract::Registry)
        }),
        case(REMOVE_WRITER, GOVERNANCE, |f| {
            f.suite.address(Contract::Claims)
        }),
        // Only writer contracts append: no account may.
        case(APPEND, &[], |f| vec![sample_record(f); MAX_AUDIT_BATCH]),
    ]
}

fn lab_year(_: &Fixture) -> GrantScope {
    GrantScope {
        categories: CategorySet::of(&[LAB, DataCategory::Imaging]),
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        valid_from: GENESIS_TIME,
        valid_until: GENESIS_TIME + 300 * DAY_MS,
    }
}

fn access() -> Vec<Case> {
    use msg::access::*;
    let readers = &[Who::Provider, Who::Patient, Who::Delegate];
    vec![
        case(CHECK_ACCESS, readers, |f| {
            (f.patient, LAB, Purpose::Treatment)
        }),
        case(CHECK_ACCESS_BATCH, readers, |f| {
            let request = AccessRequest {
                category: LAB,
                purpose: Purpose::Treatment,
            };
            (f.patient, vec![request; MAX_ACCESS_BATCH])
        }),
        case(ACCESS_RECORD, readers, |f| (f.record, Purpose::Treatment)),
        // Wired once at deployment: nobody wires the writers again.
        case(WIRE, &[], |f| Wiring::Writers {
            registry: f.suite.address(Contract::Registry),
            consent: f.suite.address(Contract::Consent),
        })
        .variant("Writers"),
        case(WIRE, GOVERNANCE, |f| {
            Wiring::AddRelying(f.suite.address(Contract::Provenance))
        })
        .variant("AddRelying"),
        case(WIRE, GOVERNANCE, |f| {
            Wiring::RemoveRelying(f.suite.address(Contract::Claims))
        })
        .variant("RemoveRelying")
        .restricting(),
        // Only the registry and consent write the projection; only relying contracts ask for
        // disclosures: no account may.
        case(UPDATE, &[], |f| {
            (
                Update::Organisation(f.at(Who::Ordinary), RoleSet::of(&Role::ALL)),
                false,
            )
        }),
        case(UPDATE, &[], |f| {
            (
                Update::Organisation(f.at(Who::Provider), RoleSet::EMPTY),
                true,
            )
        })
        .restricting(),
        case(AUTHORIZE_DISCLOSURE, &[], |f| {
            (
                f.patient,
                f.record,
                f.at(Who::Provider),
                f.at(Who::Insurer),
                Purpose::Payment,
            )
        }),
        read(LOOKUP, |f| {
            (
                Some(f.patient),
                f.at(Who::Provider),
                Some(f.at(Who::Insurer)),
            )
        }),
    ]
}

fn consent() -> Vec<Case> {
    use msg::consent::*;
    let managers = &[Who::Patient, Who::Delegate];
    vec![
        case(CREATE_GRANT, managers, |f| {
            (
                f.patient,
                Grantee::Account(f.at(Who::Provider)),
                lab_year(f),
                Effect::Permit,
            )
        }),
        case(CHANGE_GRANT, managers, |f| (f.grant, lab_year(f))),
        case(REVOKE_GRANT, managers, |f| f.grant),
        case(ADD_RECORD, &[Who::Provider], |f| {
            (
                FIXTURE_RECORD + 1,
                f.patient,
                LAB,
                Purpose::Treatment,
                digest(b"new"),
                EncryptedLocator(b"enc-new".to_vec()),
            )
        }),
        case(AMEND_RECORD, &[Who::Provider], |f| {
            (
                f.record,
                FIXTURE_RECORD + 2,
                Purpose::Treatment,
                digest(b"v2"),
                EncryptedLocator(b"enc-v2".to_vec()),
            )
        }),
        case(BREAK_GLASS, &[Who::Provider], |f| {
            (f.patient, EmergencyReason::ThreatToLife)
        }),
        case(
            CLOSE_EMERGENCY,
            &[Who::Provider, Who::Patient, Who::Delegate],
            |f| f.scratch,
        )
        .prepared(|f| {
            let (provider, patient) = (f.at(Who::Provider), f.patient);
            f.suite.set_actor(provider);
            match ok(
                "break glass",
                f.suite
                    .tx(BREAK_GLASS, (patient, EmergencyReason::PatientUnconscious)),
            ) {
                BreakGlass::Opened(id) => f.scratch = id,
                refused => panic!("{refused:?}"),
            }
        }),
        case(
            REVIEW_EMERGENCY,
            &[Who::Admin, Who::Governor, Who::Regulator],
            |f| (f.scratch, digest(b"review findings")),
        )
        .prepared(|f| {
            let (provider, patient) = (f.at(Who::Provider), f.patient);
            f.suite.set_actor(provider);
            match ok(
                "break glass",
                f.suite
                    .tx(BREAK_GLASS, (patient, EmergencyReason::PatientUnconscious)),
            ) {
                BreakGlass::Opened(id) => f.scratch = id,
                refused => panic!("{refused:?}"),
            }
        }),
        case(SET_EMERGENCY_WINDOW, GOVERNANCE, |_| 7_200_000u64),
        case(FLUSH_AUDIT, &Who::ALL, |_| ()).prepared(|f| {
            // A revocation while the log is paused: its entry waits in consent's queue.
            f.pause(Contract::AuditLog, true);
            let (patient, grant) = (f.at(Who::Patient), f.grant);
            f.suite.set_actor(patient);
            ok("revoke", f.suite.tx(REVOKE_GRANT, grant));
            f.pause(Contract::AuditLog, false);
        }),
    ]
}

fn provenance() -> Vec<Case> {
    use msg::provenance::*;
    let doc = || digest(b"despatch advice 2");
    vec![
        case(ASSIGN_GTIN, GOVERNANCE, |f| {
            (Gtin(9_506_000_134_352), f.at(Who::Manufacturer))
        }),
        case(REGISTER_BATCH, &[Who::Manufacturer], |_| {
            (
                GTIN,
                lot("FIXTURE-2"),
                GENESIS_TIME + 300 * DAY_MS,
                1u64,
                50u64,
                50u64,
                digest(b"coa-2"),
            )
        }),
        case(SHIP, &[Who::Manufacturer, Who::Pharmacy], move |f| {
            (f.batch, f.at(Who::Distributor), 1u64, doc())
        }),
        // Serial 50 is the manufacturer's (never shipped by serial).
        case(SHIP_SERIALS, &[Who::Manufacturer], move |f| {
            (f.batch, f.at(Who::Distributor), vec![50u64], doc())
        }),
        case(RETURN_PACKS, &[Who::Pharmacy], move |f| {
            (f.batch, f.at(Who::Distributor), vec![5u64], doc())
        }),
        case(ACCEPT, &[Who::Distributor], |f| (f.batch, f.pending)),
        case(REJECT, &[Who::Distributor], |f| (f.batch, f.pending)),
        case(CANCEL, &[Who::Manufacturer], |f| (f.batch, f.pending)),
        case(DISPENSE, &[Who::Pharmacy], |f| (f.batch, 7u64)),
        case(DESTROY, &[Who::Manufacturer, Who::Pharmacy], |f| {
            (f.batch, vec![8u64])
        }),
        case(
            QUARANTINE,
            &[Who::Manufacturer, Who::Pharmacy, Who::Regulator],
            |f| (f.batch, QuarantineReason::QualityInvestigation),
        ),
        case(
            CLEAR_QUARANTINE,
            &[Who::Manufacturer, Who::Regulator],
            |f| f.batch,
        )
        .prepared(|f| {
            // The manufacturer's own hold: either it or a regulator lifts it (a regulator's
            // hold only a regulator lifts: tests/tests/provenance.rs).
            let (maker, batch) = (f.at(Who::Manufacturer), f.batch);
            f.suite.set_actor(maker);
            ok(
                "quarantine",
                f.suite
                    .tx(QUARANTINE, (batch, QuarantineReason::QualityInvestigation)),
            );
        }),
        case(CLEAR_SUSPECT, &[Who::Manufacturer, Who::Regulator], |f| {
            (f.batch, FREE_DOSE)
        })
        .prepared(|f| {
            // A second pack carrying the free dose's serial turns up at the pharmacy.
            let (pharmacy, batch) = (f.at(Who::Pharmacy), f.batch);
            f.suite.set_actor(pharmacy);
            ok("flag suspect", f.suite.tx(DISPENSE, (batch, FREE_DOSE)));
        }),
        case(RECALL, &[Who::Manufacturer, Who::Regulator], |f| {
            (f.batch, RecallReason::QualityDefect)
        }),
        case(FLUSH_AUDIT, &Who::ALL, |_| ()).prepared(|f| {
            f.pause(Contract::AuditLog, true);
            let (regulator, batch) = (f.at(Who::Regulator), f.batch);
            f.suite.set_actor(regulator);
            ok(
                "quarantine",
                f.suite
                    .tx(QUARANTINE, (batch, QuarantineReason::RegulatoryHold)),
            );
            f.pause(Contract::AuditLog, false);
        }),
        read(VERIFY, |_| (GTIN, lot("FIXTURE-1"), 42u64)),
        read(VERIFY_SERIAL, |f| (f.batch, 42u64)),
    ]
}

fn claims() -> Vec<Case> {
    use msg::claims::*;
    vec![
        case(CREATE_POLICY, &[Who::Insurer], |f| {
            (
                f.patient,
                PolicyTerms {
                    coverage: CoverageSet::of(&[ServiceCategory::Consultation]),
                    period_start: GENESIS_TIME,
                    period_end: GENESIS_TIME + 300 * DAY_MS,
                    annual_limit: 5_000,
                    deductible: 0,
                    coinsurance_bps: 1_000,
                },
            )
        }),
        case(CLOSE_POLICY, &[Who::Insurer], |f| f.policy),
        case(DEPOSIT, &[Who::Insurer], |_| ()).paying(1_000),
        case(WITHDRAW, &[Who::Insurer], |_| 100u128),
        case(SUBMIT_CLAIM, &[Who::Provider], |f| {
            (
                f.policy,
                f.patient,
                f.record,
                vec![service_line("new", 500)],
            )
        }),
        case(REPLACE_CLAIM, &[Who::Provider], |f| {
            (f.submitted, f.record, vec![service_line("corrected", 900)])
        }),
        case(VOID_CLAIM, &[Who::Provider], |f| f.submitted),
        case(ADJUDICATE, &[Who::Insurer], |f| {
            (f.submitted, vec![LineDecision::Approve { allowed: 800 }])
        }),
        case(PEND, &[Who::Insurer], |f| {
            (f.submitted, DenialReason::MissingInformation)
        }),
        case(APPEAL, &[Who::Provider], |f| f.denied),
        case(SETTLE, &[Who::Insurer, Who::Provider], |f| f.approved),
    ]
}

/// One representative call for every message of every contract (two or three for messages
/// whose pause rule depends on the arguments).
pub fn catalogue() -> Vec<Case> {
    let mut all = Vec::new();
    for (contract, specific) in [
        (Contract::AuditLog, audit_log()),
        (Contract::Access, access()),
        (Contract::Registry, registry()),
        (Contract::Consent, consent()),
        (Contract::Provenance, provenance()),
        (Contract::Claims, claims()),
        (Contract::Credentials, credentials()),
    ] {
        all.extend(specific);
        all.extend(governed(contract));
    }
    all
}

fn credentials() -> Vec<Case> {
    use msg::credentials::*;
    vec![
        case(ISSUE, &[Who::Provider], |f| {
            (
                digest(b"another credential root"),
                3u8,
                DrugRef {
                    batch: f.batch,
                    serial: FREE_DOSE,
                },
            )
        }),
        // The issuer, or an authority (governance, a regulator): tests/tests/credentials.rs.
        case(
            SUSPEND,
            &[Who::Provider, Who::Admin, Who::Governor, Who::Regulator],
            |f| f.credential,
        ),
        case(REVOKE, &[Who::Provider], |f| f.credential),
        case(REINSTATE, &[Who::Provider], |f| f.credential).prepared(|f| {
            let (provider, id) = (f.at(Who::Provider), f.credential);
            f.suite.set_actor(provider);
            ok("suspend", f.suite.tx(SUSPEND, id));
        }),
        // Anyone verifies; a bogus presentation is a verdict (logged), not an error.
        case(VERIFY_PRESENTATION, &Who::ALL, |f| {
            (
                f.credential,
                digest(b"venue challenge"),
                Vec::<ProvenLeaf>::new(),
                HolderOpening {
                    index: 0,
                    salt: Salt([0u8; 16]),
                    key: HolderPublicKey([2u8; 33]),
                    path: Vec::new(),
                },
                HolderSignature([0u8; 65]),
            )
        }),
        case(FLUSH_AUDIT, &Who::ALL, |_| ()).prepared(|f| {
            f.pause(Contract::AuditLog, true);
            let (provider, id) = (f.at(Who::Provider), f.credential);
            f.suite.set_actor(provider);
            ok("suspend", f.suite.tx(SUSPEND, id));
            f.pause(Contract::AuditLog, false);
        }),
    ]
}
