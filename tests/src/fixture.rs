//! A populated suite with one actor per role and one object in every interesting state, plus a
//! catalogue of one representative call for every message of every contract and who may make it.
//!
//! The authorisation matrix (every state-changing message × every actor) and the benchmarks
//! (weight and deposit of every message) both run from this one catalogue; each call runs on a
//! snapshot of the fixture, so cases do not disturb each other.

use crate::chain::{CallReport, Chain, Contract};
use crate::ledger::Ledger;
use crate::suite::{credential, digest, key_for, Suite};
use carechain_common::*;
use ink::primitives::AccountId;
use scale::Encode;
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
    /// The account the patient proposed as next controller.
    Heir,
    /// Stands in for a suite contract: an audit-log writer and a relying contract of consent.
    SuiteContract,
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
        Who::Suspended,
        Who::Ordinary,
        Who::Patient,
        Who::Delegate,
        Who::Guardian,
        Who::Heir,
        Who::SuiteContract,
    ];

    pub fn name(self) -> String {
        format!("{self:?}").to_lowercase()
    }
}

/// What a message is, for the matrix.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// Changes state; unauthorised callers get a typed error and nothing changes.
    Write,
    /// An access decision: everyone gets an answer (logged); only the authorised are granted.
    Decision,
    /// Reads state.
    Read,
}

type Args = Box<dyn Fn(&Fixture) -> Vec<u8>>;

/// One representative call of one message.
pub struct Case {
    pub contract: Contract,
    pub message: &'static str,
    pub kind: Kind,
    /// Who may make it (for reads: who makes it in the benchmark).
    pub authorised: Vec<Who>,
    pub value: u128,
    /// Runs on the snapshot before the call (to reach the state the call needs).
    pub prepare: Option<fn(&mut Fixture)>,
    pub args: Args,
}

fn enc(value: impl Encode) -> Vec<u8> {
    value.encode()
}

fn case(
    contract: Contract,
    message: &'static str,
    kind: Kind,
    authorised: &[Who],
    args: Args,
) -> Case {
    Case {
        contract,
        message,
        kind,
        authorised: authorised.to_vec(),
        value: 0,
        prepare: None,
        args,
    }
}

fn write(contract: Contract, message: &'static str, authorised: &[Who], args: Args) -> Case {
    case(contract, message, Kind::Write, authorised, args)
}

fn read(contract: Contract, message: &'static str, args: Args) -> Case {
    case(contract, message, Kind::Read, &[Who::Ordinary], args)
}

impl Case {
    fn prepared(mut self, prepare: fn(&mut Fixture)) -> Case {
        self.prepare = Some(prepare);
        self
    }

    fn paying(mut self, value: u128) -> Case {
        self.value = value;
        self
    }
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
    /// Set by a case's `prepare` for its arguments.
    pub scratch: u64,
}

pub const GTIN: Gtin = Gtin(10_614_141_000_415);
const LAB: DataCategory = DataCategory::Laboratory;

pub fn lot(text: &str) -> LotNumber {
    LotNumber(text.as_bytes().to_vec())
}

pub fn service_line(what: &str, billed: Balance) -> ClaimLine {
    ClaimLine {
        service: ServiceCategory::Laboratory,
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

impl Fixture {
    pub fn new() -> Fixture {
        let mut s = Suite::deploy();
        let mut who = BTreeMap::new();
        who.insert(Who::Admin, s.admin());
        for (w, roles) in [
            (Who::Provider, vec![Role::Provider]),
            (Who::Manufacturer, vec![Role::Manufacturer]),
            (Who::Distributor, vec![Role::Distributor]),
            (Who::Pharmacy, vec![Role::Pharmacy]),
            (Who::Insurer, vec![Role::Insurer]),
            (Who::Researcher, vec![Role::Researcher]),
            (Who::Regulator, vec![Role::Regulator]),
            (Who::Suspended, Role::ALL.to_vec()),
        ] {
            who.insert(w, s.organisation(&w.name(), &roles));
        }
        for w in [
            Who::Governor,
            Who::Ordinary,
            Who::Delegate,
            Who::Guardian,
            Who::Heir,
            Who::SuiteContract,
        ] {
            who.insert(w, s.actor(&w.name()));
        }
        let (patient_account, patient) = s.patient("patient");
        who.insert(Who::Patient, patient_account);
        let at = |w: Who| who[&w];
        let admin = at(Who::Admin);

        // Governance: a governor everywhere; the stand-in suite contract is a writer and relying.
        s.set_actor(admin);
        for c in Contract::ALL {
            s.tx::<()>(c, "Governed::add_governor", at(Who::Governor))
                .unwrap();
        }
        s.tx::<()>(Contract::AuditLog, "add_writer", at(Who::SuiteContract))
            .unwrap();
        s.tx::<()>(
            Contract::Consent,
            "add_relying_contract",
            at(Who::SuiteContract),
        )
        .unwrap();

        // The patient: a delegate, a guardian, a proposed next controller, and grants.
        s.set_actor(patient_account);
        s.tx::<()>(
            Contract::Registry,
            "add_delegate",
            (patient, at(Who::Delegate), DelegateKind::Carer, None::<u64>),
        )
        .unwrap();
        s.tx::<()>(
            Contract::Registry,
            "set_guardians",
            (patient, vec![at(Who::Guardian)], 1u8),
        )
        .unwrap();
        s.tx::<()>(
            Contract::Registry,
            "propose_controller",
            (patient, Some(at(Who::Heir))),
        )
        .unwrap();
        let now = s.now();
        let year = |purposes: &[Purpose]| GrantScope {
            categories: CategorySet::of(&[LAB]),
            purposes: PurposeSet::of(purposes),
            valid_from: now,
            valid_until: now + 365 * DAY_MS,
        };
        let grant = s
            .tx::<GrantId>(
                Contract::Consent,
                "create_grant",
                (
                    patient,
                    Grantee::Account(at(Who::Provider)),
                    year(&[Purpose::Treatment]),
                    Effect::Permit,
                ),
            )
            .unwrap();
        s.tx::<GrantId>(
            Contract::Consent,
            "create_grant",
            (
                patient,
                Grantee::Account(at(Who::Insurer)),
                year(&[Purpose::Payment]),
                Effect::Permit,
            ),
        )
        .unwrap();
        s.set_actor(at(Who::Provider));
        let record = s
            .tx::<RecordWrite>(
                Contract::Consent,
                "add_record",
                (
                    patient,
                    LAB,
                    Purpose::Treatment,
                    digest(b"report"),
                    EncryptedLocator(b"enc".to_vec()),
                ),
            )
            .unwrap()
            .record
            .unwrap();

        // A batch: 100 packs; 80 with the manufacturer, 10 pending to the distributor, 10 with
        // the pharmacy.
        s.set_actor(at(Who::Manufacturer));
        let batch = s
            .tx::<BatchId>(
                Contract::Provenance,
                "register_batch",
                (
                    GTIN,
                    lot("FIXTURE-1"),
                    now + 365 * DAY_MS,
                    1u64,
                    100u64,
                    100u64,
                    digest(b"coa"),
                ),
            )
            .unwrap();
        let doc = digest(b"despatch advice");
        let t = s
            .tx::<u64>(
                Contract::Provenance,
                "ship",
                (batch, at(Who::Pharmacy), 10u64, doc),
            )
            .unwrap();
        s.set_actor(at(Who::Pharmacy));
        s.tx::<()>(Contract::Provenance, "accept", (batch, t))
            .unwrap();
        s.set_actor(at(Who::Manufacturer));
        let pending = s
            .tx::<u64>(
                Contract::Provenance,
                "ship",
                (batch, at(Who::Distributor), 10u64, doc),
            )
            .unwrap();

        // Insurance: escrow, a policy, claims submitted, approved and denied.
        s.set_actor(at(Who::Insurer));
        s.tx_with_value::<()>(Contract::Claims, "deposit", (), 1_000_000)
            .unwrap();
        let policy = s
            .tx::<PolicyId>(
                Contract::Claims,
                "create_policy",
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
            )
            .unwrap();
        let mut claims = Vec::new();
        for what in ["submitted", "approved", "denied"] {
            s.set_actor(at(Who::Provider));
            let outcome = s
                .tx::<SubmitOutcome>(
                    Contract::Claims,
                    "submit_claim",
                    (policy, patient, record, vec![service_line(what, 1_000)]),
                )
                .unwrap();
            let SubmitOutcome::Submitted(id) = outcome else {
                panic!("fixture claim refused: {outcome:?}")
            };
            claims.push(id);
        }
        s.set_actor(at(Who::Insurer));
        s.tx::<ClaimStatus>(
            Contract::Claims,
            "adjudicate",
            (claims[1], vec![LineDecision::Approve { allowed: 1_000 }]),
        )
        .unwrap();
        s.tx::<ClaimStatus>(
            Contract::Claims,
            "adjudicate",
            (
                claims[2],
                vec![LineDecision::Deny(DenialReason::NonCovered)],
            ),
        )
        .unwrap();

        // Last: suspend the all-roles organisation.
        s.set_actor(admin);
        s.tx::<()>(
            Contract::Registry,
            "suspend_organisation",
            at(Who::Suspended),
        )
        .unwrap();
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
        self.run_observed(case, who).0
    }

    /// Like [`Fixture::run`], also returning the storage roots of every contract just before and
    /// just after the call.
    pub fn run_observed(&mut self, case: &Case, who: Who) -> (CallReport, RootsBeforeAfter) {
        let snapshot = self.suite.snapshot();
        let scratch = self.scratch;
        if let Some(prepare) = case.prepare {
            prepare(self);
        }
        let args = (case.args)(self);
        let caller = self.at(who);
        let address = self.suite.address(case.contract);
        let before = self.suite.storage_roots();
        let balance_before = self.suite.balance(&caller);
        self.suite.set_actor(caller);
        let selector = self
            .suite
            .artifact(case.contract.name())
            .selector(case.message);
        let mut data = selector.to_vec();
        data.extend(args);
        let report = self.suite.call_raw(address, case.message, data, case.value);
        let after = self.suite.storage_roots();
        let balance_after = self.suite.balance(&caller);
        self.suite.restore(snapshot);
        self.scratch = scratch;
        (
            report,
            RootsBeforeAfter {
                before,
                after,
                caller_balance: (balance_before, balance_after),
            },
        )
    }
}

/// Storage roots of every contract (and the caller's balance) around one call.
#[derive(Clone, Debug)]
pub struct RootsBeforeAfter {
    pub before: Vec<(Contract, [u8; 32])>,
    pub after: Vec<(Contract, [u8; 32])>,
    pub caller_balance: (u128, u128),
}

fn governed(contract: Contract) -> Vec<Case> {
    vec![
        write(
            contract,
            "Governed::propose_admin",
            &[Who::Admin],
            Box::new(|f| enc(f.at(Who::Heir))),
        ),
        write(
            contract,
            "Governed::accept_admin",
            &[Who::Heir],
            Box::new(|_| enc(())),
        )
        .prepared(|f| {
            let (admin, heir) = (f.at(Who::Admin), f.at(Who::Heir));
            for c in Contract::ALL {
                f.suite.set_actor(admin);
                f.suite
                    .tx::<()>(c, "Governed::propose_admin", heir)
                    .unwrap();
            }
        }),
        write(
            contract,
            "Governed::add_governor",
            &[Who::Admin],
            Box::new(|f| enc(f.at(Who::Ordinary))),
        ),
        write(
            contract,
            "Governed::remove_governor",
            &[Who::Admin],
            Box::new(|f| enc(f.at(Who::Governor))),
        ),
        write(
            contract,
            "Governed::set_paused",
            &[Who::Admin, Who::Governor],
            Box::new(|_| enc(true)),
        ),
        read(contract, "Governed::governance", Box::new(|_| enc(()))),
        read(
            contract,
            "Governed::is_governor",
            Box::new(|f| enc(f.at(Who::Governor))),
        ),
    ]
}

const GOVERNANCE: &[Who] = &[Who::Admin, Who::Governor];

fn registry() -> Vec<Case> {
    use Contract::Registry as R;
    let free = &[
        Who::Admin,
        Who::Governor,
        Who::Ordinary,
        Who::Delegate,
        Who::Guardian,
        Who::Heir,
        Who::SuiteContract,
    ];
    vec![
        write(
            R,
            "register_organisation",
            GOVERNANCE,
            Box::new(|f| {
                enc((
                    f.at(Who::Ordinary),
                    RoleSet::of(&[Role::Provider]),
                    credential("new"),
                ))
            }),
        ),
        write(
            R,
            "update_organisation",
            GOVERNANCE,
            Box::new(|f| {
                enc((
                    f.at(Who::Provider),
                    RoleSet::of(&[Role::Provider, Role::Researcher]),
                    credential("renewed"),
                ))
            }),
        ),
        write(
            R,
            "suspend_organisation",
            GOVERNANCE,
            Box::new(|f| enc(f.at(Who::Provider))),
        ),
        write(
            R,
            "reinstate_organisation",
            GOVERNANCE,
            Box::new(|f| enc(f.at(Who::Suspended))),
        ),
        write(
            R,
            "revoke_organisation",
            GOVERNANCE,
            Box::new(|f| enc(f.at(Who::Provider))),
        ),
        write(
            R,
            "register_patient",
            free,
            Box::new(|_| enc((crate::suite::pseudo_random_id(9_999), key_for("newcomer")))),
        ),
        write(
            R,
            "rotate_key",
            &[Who::Patient],
            Box::new(|f| enc((f.patient, key_for("rotated")))),
        ),
        write(
            R,
            "propose_controller",
            &[Who::Patient],
            Box::new(|f| enc((f.patient, Some(f.at(Who::Ordinary))))),
        ),
        write(
            R,
            "accept_control",
            &[Who::Heir],
            Box::new(|f| enc(f.patient)),
        ),
        write(
            R,
            "add_delegate",
            &[Who::Patient],
            Box::new(|f| {
                enc((
                    f.patient,
                    f.at(Who::Ordinary),
                    DelegateKind::Carer,
                    None::<u64>,
                ))
            }),
        ),
        write(
            R,
            "remove_delegate",
            &[Who::Patient, Who::Delegate],
            Box::new(|f| enc((f.patient, f.at(Who::Delegate)))),
        ),
        write(
            R,
            "set_guardians",
            &[Who::Patient],
            Box::new(|f| {
                enc((
                    f.patient,
                    vec![f.at(Who::Guardian), f.at(Who::Ordinary)],
                    1u8,
                ))
            }),
        ),
        write(
            R,
            "approve_recovery",
            &[Who::Guardian],
            Box::new(|f| enc((f.patient, f.at(Who::Ordinary)))),
        ),
        write(
            R,
            "complete_recovery",
            &[Who::Ordinary],
            Box::new(|f| enc(f.patient)),
        )
        .prepared(|f| {
            let (guardian, ordinary, patient) =
                (f.at(Who::Guardian), f.at(Who::Ordinary), f.patient);
            f.suite.set_actor(guardian);
            f.suite
                .tx::<u8>(R, "approve_recovery", (patient, ordinary))
                .unwrap();
            let delay = f.suite.query::<u64>(R, "recovery_delay", ());
            f.suite.advance(delay);
        }),
        write(
            R,
            "cancel_recovery",
            &[Who::Patient],
            Box::new(|f| enc(f.patient)),
        )
        .prepared(|f| {
            let (guardian, ordinary, patient) =
                (f.at(Who::Guardian), f.at(Who::Ordinary), f.patient);
            f.suite.set_actor(guardian);
            f.suite
                .tx::<u8>(R, "approve_recovery", (patient, ordinary))
                .unwrap();
        }),
        write(
            R,
            "deregister_patient",
            &[Who::Patient],
            Box::new(|f| enc(f.patient)),
        ),
        write(
            R,
            "set_recovery_delay",
            GOVERNANCE,
            Box::new(|_| enc(DAY_MS)),
        ),
        read(R, "organisation", Box::new(|f| enc(f.at(Who::Provider)))),
        read(R, "patient", Box::new(|f| enc(f.patient))),
        read(R, "patient_of", Box::new(|f| enc(f.at(Who::Patient)))),
        read(R, "recovery", Box::new(|f| enc(f.patient))),
        read(R, "registrations", Box::new(|_| enc(()))),
        read(R, "recovery_delay", Box::new(|_| enc(()))),
        read(
            R,
            "IdentityView::roles_of",
            Box::new(|f| enc(f.at(Who::Provider))),
        ),
        read(
            R,
            "IdentityView::has_role",
            Box::new(|f| enc((f.at(Who::Provider), Role::Provider))),
        ),
        read(
            R,
            "IdentityView::patient_registration",
            Box::new(|f| enc(f.patient)),
        ),
        read(
            R,
            "IdentityView::is_patient_manager",
            Box::new(|f| enc((f.patient, f.at(Who::Delegate)))),
        ),
        read(
            R,
            "IdentityView::access_context",
            Box::new(|f| enc((f.patient, f.at(Who::Provider)))),
        ),
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
    }
}

fn audit_log() -> Vec<Case> {
    use Contract::AuditLog as A;
    vec![
        write(
            A,
            "add_writer",
            GOVERNANCE,
            Box::new(|f| enc(f.at(Who::Ordinary))),
        ),
        write(
            A,
            "remove_writer",
            GOVERNANCE,
            Box::new(|f| enc(f.at(Who::SuiteContract))),
        ),
        write(
            A,
            "AuditSink::append",
            &[Who::SuiteContract],
            Box::new(|f| enc(sample_record(f))),
        ),
        write(
            A,
            "AuditSink::append_batch",
            &[Who::SuiteContract],
            Box::new(|f| enc(vec![sample_record(f); MAX_AUDIT_BATCH])),
        ),
        read(A, "is_writer", Box::new(|f| enc(f.at(Who::SuiteContract)))),
        read(A, "count", Box::new(|_| enc(()))),
        read(A, "head", Box::new(|_| enc(()))),
        read(A, "entry", Box::new(|_| enc(0u64))),
        read(A, "entries", Box::new(|_| enc((0u64, MAX_PAGE)))),
        read(
            A,
            "patient_entries",
            Box::new(|f| enc((f.patient, 0u64, MAX_PAGE))),
        ),
    ]
}

fn lab_year(_: &Fixture) -> GrantScope {
    let now = crate::chain::GENESIS_TIME;
    GrantScope {
        categories: CategorySet::of(&[LAB, DataCategory::Imaging]),
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        valid_from: now,
        valid_until: now + 300 * DAY_MS,
    }
}

fn consent() -> Vec<Case> {
    use Contract::Consent as C;
    let managers = &[Who::Patient, Who::Delegate];
    vec![
        write(
            C,
            "create_grant",
            managers,
            Box::new(|f| {
                enc((
                    f.patient,
                    Grantee::Account(f.at(Who::Provider)),
                    lab_year(f),
                    Effect::Permit,
                ))
            }),
        ),
        write(
            C,
            "change_grant",
            managers,
            Box::new(|f| enc((f.grant, lab_year(f)))),
        ),
        write(C, "revoke_grant", managers, Box::new(|f| enc(f.grant))),
        case(
            C,
            "check_access",
            Kind::Decision,
            &[Who::Provider, Who::Patient, Who::Delegate],
            Box::new(|f| enc((f.patient, LAB, Purpose::Treatment))),
        ),
        case(
            C,
            "check_access_batch",
            Kind::Decision,
            &[Who::Provider, Who::Patient, Who::Delegate],
            Box::new(|f| {
                let request = AccessRequest {
                    category: LAB,
                    purpose: Purpose::Treatment,
                };
                enc((f.patient, vec![request; MAX_ACCESS_BATCH]))
            }),
        ),
        case(
            C,
            "access_record",
            Kind::Decision,
            &[Who::Provider, Who::Patient, Who::Delegate],
            Box::new(|f| enc((f.record, Purpose::Treatment))),
        ),
        case(
            C,
            "add_record",
            Kind::Decision,
            &[Who::Provider],
            Box::new(|f| {
                enc((
                    f.patient,
                    LAB,
                    Purpose::Treatment,
                    digest(b"new"),
                    EncryptedLocator(b"enc-new".to_vec()),
                ))
            }),
        ),
        case(
            C,
            "amend_record",
            Kind::Decision,
            &[Who::Provider],
            Box::new(|f| {
                enc((
                    f.record,
                    Purpose::Treatment,
                    digest(b"v2"),
                    EncryptedLocator(b"enc-v2".to_vec()),
                ))
            }),
        ),
        write(
            C,
            "break_glass",
            &[Who::Provider],
            Box::new(|f| enc((f.patient, EmergencyReason::ThreatToLife))),
        ),
        write(
            C,
            "close_emergency",
            &[Who::Provider, Who::Patient, Who::Delegate],
            Box::new(|f| enc(f.scratch)),
        )
        .prepared(|f| {
            let (provider, patient) = (f.at(Who::Provider), f.patient);
            f.suite.set_actor(provider);
            f.scratch = f
                .suite
                .tx::<EmergencyId>(
                    C,
                    "break_glass",
                    (patient, EmergencyReason::PatientUnconscious),
                )
                .unwrap();
        }),
        write(
            C,
            "set_emergency_window",
            GOVERNANCE,
            Box::new(|_| enc(7_200_000u64)),
        ),
        write(
            C,
            "add_relying_contract",
            GOVERNANCE,
            Box::new(|f| enc(f.at(Who::Ordinary))),
        ),
        write(
            C,
            "remove_relying_contract",
            GOVERNANCE,
            Box::new(|f| enc(f.at(Who::SuiteContract))),
        ),
        write(
            C,
            "ConsentGate::authorize_disclosure",
            &[Who::SuiteContract],
            Box::new(|f| enc((f.patient, f.record, f.at(Who::Insurer), Purpose::Payment))),
        ),
        read(C, "grant", Box::new(|f| enc(f.grant))),
        read(
            C,
            "patient_grants",
            Box::new(|f| enc((f.patient, 0u64, MAX_PAGE))),
        ),
        read(C, "record_meta", Box::new(|f| enc(f.record))),
        read(
            C,
            "patient_records",
            Box::new(|f| enc((f.patient, 0u64, MAX_PAGE))),
        ),
        read(C, "emergency", Box::new(|_| enc(0u64))),
        read(C, "emergencies", Box::new(|_| enc((0u64, MAX_PAGE)))),
        read(
            C,
            "patient_emergencies",
            Box::new(|f| enc((f.patient, 0u64, MAX_PAGE))),
        ),
        read(C, "emergency_window", Box::new(|_| enc(()))),
        read(
            C,
            "is_relying_contract",
            Box::new(|f| enc(f.at(Who::SuiteContract))),
        ),
        read(C, "dependencies", Box::new(|_| enc(()))),
    ]
}

fn provenance() -> Vec<Case> {
    use Contract::Provenance as P;
    let doc = || digest(b"despatch advice 2");
    vec![
        write(
            P,
            "register_batch",
            &[Who::Manufacturer],
            Box::new(|_| {
                enc((
                    GTIN,
                    lot("FIXTURE-2"),
                    crate::chain::GENESIS_TIME + 300 * DAY_MS,
                    1u64,
                    50u64,
                    50u64,
                    digest(b"coa-2"),
                ))
            }),
        ),
        write(
            P,
            "ship",
            &[Who::Manufacturer, Who::Pharmacy],
            Box::new(move |f| enc((f.batch, f.at(Who::Distributor), 1u64, doc()))),
        ),
        write(
            P,
            "return_packs",
            &[Who::Pharmacy],
            Box::new(move |f| enc((f.batch, f.at(Who::Distributor), vec![5u64], doc()))),
        ),
        write(
            P,
            "accept",
            &[Who::Distributor],
            Box::new(|f| enc((f.batch, f.pending))),
        ),
        write(
            P,
            "reject",
            &[Who::Distributor],
            Box::new(|f| enc((f.batch, f.pending))),
        ),
        write(
            P,
            "cancel",
            &[Who::Manufacturer],
            Box::new(|f| enc((f.batch, f.pending))),
        ),
        write(
            P,
            "dispense",
            &[Who::Pharmacy],
            Box::new(|f| enc((f.batch, 7u64))),
        ),
        write(
            P,
            "destroy",
            &[Who::Manufacturer, Who::Pharmacy],
            Box::new(|f| enc((f.batch, vec![8u64]))),
        ),
        write(
            P,
            "quarantine",
            &[Who::Manufacturer, Who::Pharmacy, Who::Regulator],
            Box::new(|f| enc((f.batch, QuarantineReason::QualityInvestigation))),
        ),
        write(
            P,
            "clear_quarantine",
            &[Who::Manufacturer, Who::Regulator],
            Box::new(|f| enc(f.batch)),
        )
        .prepared(|f| {
            // The manufacturer's own hold: either it or a regulator lifts it (a regulator's
            // hold only a regulator lifts: tests/tests/provenance.rs).
            let (maker, batch) = (f.at(Who::Manufacturer), f.batch);
            f.suite.set_actor(maker);
            f.suite
                .tx::<()>(
                    P,
                    "quarantine",
                    (batch, QuarantineReason::QualityInvestigation),
                )
                .unwrap();
        }),
        write(
            P,
            "recall",
            &[Who::Manufacturer, Who::Regulator],
            Box::new(|f| enc((f.batch, RecallReason::QualityDefect))),
        ),
        read(
            P,
            "verify",
            Box::new(|_| enc((GTIN, lot("FIXTURE-1"), 42u64))),
        ),
        read(
            P,
            "ProvenanceView::verify_serial",
            Box::new(|f| enc((f.batch, 42u64))),
        ),
        read(P, "batch", Box::new(|f| enc(f.batch))),
        read(P, "batch_id", Box::new(|_| enc((GTIN, lot("FIXTURE-1"))))),
        read(P, "batch_count", Box::new(|_| enc(()))),
        read(
            P,
            "holding",
            Box::new(|f| enc((f.batch, f.at(Who::Manufacturer)))),
        ),
        read(P, "transfer", Box::new(|f| enc((f.batch, f.pending)))),
        read(P, "transfers", Box::new(|f| enc((f.batch, 0u64, MAX_PAGE)))),
        read(P, "serial", Box::new(|f| enc((f.batch, 7u64)))),
        read(P, "dependencies", Box::new(|_| enc(()))),
    ]
}

fn claims() -> Vec<Case> {
    use Contract::Claims as CL;
    vec![
        write(
            CL,
            "create_policy",
            &[Who::Insurer],
            Box::new(|f| {
                enc((
                    f.patient,
                    PolicyTerms {
                        coverage: CoverageSet::of(&[ServiceCategory::Consultation]),
                        period_start: crate::chain::GENESIS_TIME,
                        period_end: crate::chain::GENESIS_TIME + 300 * DAY_MS,
                        annual_limit: 5_000,
                        deductible: 0,
                        coinsurance_bps: 1_000,
                    },
                ))
            }),
        ),
        write(
            CL,
            "close_policy",
            &[Who::Insurer],
            Box::new(|f| enc(f.policy)),
        ),
        write(CL, "deposit", &[Who::Insurer], Box::new(|_| enc(()))).paying(1_000),
        write(CL, "withdraw", &[Who::Insurer], Box::new(|_| enc(100u128))),
        write(
            CL,
            "submit_claim",
            &[Who::Provider],
            Box::new(|f| {
                enc((
                    f.policy,
                    f.patient,
                    f.record,
                    vec![service_line("new", 500)],
                ))
            }),
        ),
        write(
            CL,
            "replace_claim",
            &[Who::Provider],
            Box::new(|f| enc((f.submitted, f.record, vec![service_line("corrected", 900)]))),
        ),
        write(
            CL,
            "void_claim",
            &[Who::Provider],
            Box::new(|f| enc(f.submitted)),
        ),
        write(
            CL,
            "adjudicate",
            &[Who::Insurer],
            Box::new(|f| enc((f.submitted, vec![LineDecision::Approve { allowed: 800 }]))),
        ),
        write(
            CL,
            "pend",
            &[Who::Insurer],
            Box::new(|f| enc((f.submitted, DenialReason::MissingInformation))),
        ),
        write(CL, "appeal", &[Who::Provider], Box::new(|f| enc(f.denied))),
        write(
            CL,
            "settle",
            &[Who::Insurer, Who::Provider],
            Box::new(|f| enc(f.approved)),
        ),
        read(CL, "policy", Box::new(|f| enc(f.policy))),
        read(CL, "escrow", Box::new(|f| enc(f.at(Who::Insurer)))),
        read(CL, "claim", Box::new(|f| enc(f.approved))),
        read(CL, "claim_count", Box::new(|_| enc(()))),
        read(
            CL,
            "patient_claims",
            Box::new(|f| enc((f.patient, 0u64, MAX_PAGE))),
        ),
        read(CL, "dependencies", Box::new(|_| enc(()))),
    ]
}

/// One representative call for every message of every contract.
pub fn catalogue() -> Vec<Case> {
    let mut all = Vec::new();
    for (contract, specific) in [
        (Contract::Registry, registry()),
        (Contract::AuditLog, audit_log()),
        (Contract::Consent, consent()),
        (Contract::Provenance, provenance()),
        (Contract::Claims, claims()),
    ] {
        all.extend(specific);
        all.extend(governed(contract));
    }
    all
}
