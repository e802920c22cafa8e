//! Claims on the in-process chain: policies tied to a registration, escrow, submission checked
//! against consent and authorship, pharmacy lines as keyed pack commitments the insurer checks
//! against provenance, duplicates, adjudication with exact cost
//! sharing, appeal (and its deadline), settlement with exact balances only while both parties
//! hold their roles, void and replacement.

use carechain_sdk::claims::{check_pack, pack_commitment, PackCheck};
use carechain_sdk::msg::{self, access, claims, consent, provenance, registry};
use carechain_sdk::Contract;
use carechain_tests::common::events::claims::*;
use carechain_tests::common::*;
use carechain_tests::{digest, key_for, view, ChainRead, ChainWrite, Suite};
use ink::primitives::AccountId;

const LAB: DataCategory = DataCategory::Laboratory;

struct World {
    s: Suite,
    insurer: AccountId,
    other_insurer: AccountId,
    clinic: AccountId,
    other_clinic: AccountId,
    pharmacy: AccountId,
    alice: AccountId,
    patient: PatientId,
    bob_patient: PatientId,
    record: RecordId,
    bob_record: RecordId,
    policy: PolicyId,
}

fn terms(s: &mut Suite) -> PolicyTerms {
    let now = s.now();
    PolicyTerms {
        coverage: CoverageSet::of(&[
            ServiceCategory::Consultation,
            ServiceCategory::Laboratory,
            ServiceCategory::Pharmacy,
        ]),
        period_start: now,
        period_end: now + 365 * DAY_MS,
        annual_limit: 10_000,
        deductible: 500,
        coinsurance_bps: 2_000,
    }
}

fn line(what: &str, billed: Balance) -> ClaimLine {
    ClaimLine {
        service_ref: digest(format!("hmac(code+date): {what}").as_bytes()),
        billed,
        drug: None,
    }
}

fn missing(role: Role) -> Error {
    Error::MissingRole(RoleSet::of(&[role]))
}

fn refused_by_access(inner: Error) -> Error {
    Error::Downstream(Callee::Access, CallFailure::Refused(Box::new(inner)))
}

fn grant(s: &mut Suite, by: AccountId, patient: PatientId, to: AccountId, purpose: Purpose) {
    let now = s.now();
    let scope = GrantScope {
        categories: CategorySet::of(&[LAB]),
        purposes: PurposeSet::of(&[purpose]),
        valid_from: now,
        valid_until: now + 365 * DAY_MS,
    };
    s.set_actor(by);
    s.tx(
        consent::CREATE_GRANT,
        (patient, Grantee::Account(to), scope, Effect::Permit),
    )
    .unwrap();
}

fn anchor(s: &mut Suite, clinic: AccountId, patient: PatientId, content: &[u8]) -> RecordId {
    s.set_actor(clinic);
    s.tx(
        consent::ADD_RECORD,
        (
            carechain_sdk::digest(content).0[0] as u64 * 1_000 + content.len() as u64,
            patient,
            LAB,
            Purpose::Treatment,
            digest(content),
            EncryptedLocator(content.to_vec()),
        ),
    )
    .unwrap()
    .record
    .expect("record written")
}

/// Alice consents to treatment by both clinics and payment disclosure to the insurer; Bob only
/// to treatment. The insurer has a policy for Alice and 100 000 in escrow.
fn world() -> World {
    let mut s = Suite::deploy();
    let insurer = s.organisation("insurer", &[Role::Insurer]);
    let other_insurer = s.organisation("other-insurer", &[Role::Insurer]);
    let clinic = s.organisation("clinic", &[Role::Provider]);
    let other_clinic = s.organisation("other-clinic", &[Role::Provider]);
    let pharmacy = s.organisation("pharmacy", &[Role::Pharmacy]);
    let (alice, patient) = s.patient("alice");
    let (bob, bob_patient) = s.patient("bob");
    for (who, p) in [(alice, patient), (bob, bob_patient)] {
        grant(&mut s, who, p, clinic, Purpose::Treatment);
        grant(&mut s, who, p, other_clinic, Purpose::Treatment);
    }
    grant(&mut s, alice, patient, insurer, Purpose::Payment);
    let record = anchor(&mut s, clinic, patient, b"alice lab report");
    let bob_record = anchor(&mut s, clinic, bob_patient, b"bob lab report");
    let t = terms(&mut s);
    s.set_actor(insurer);
    let policy = s.tx(claims::CREATE_POLICY, (patient, t)).unwrap();
    s.tx_with_value(claims::DEPOSIT, (), 100_000).unwrap();
    World {
        s,
        insurer,
        other_insurer,
        clinic,
        other_clinic,
        pharmacy,
        alice,
        patient,
        bob_patient,
        record,
        bob_record,
        policy,
    }
}

impl World {
    fn submit(&mut self, lines: Vec<ClaimLine>) -> Result<SubmitOutcome> {
        self.s.set_actor(self.clinic);
        self.s.tx(
            claims::SUBMIT_CLAIM,
            (self.policy, self.patient, self.record, lines),
        )
    }

    fn submitted(&mut self, lines: Vec<ClaimLine>) -> ClaimId {
        match self.submit(lines) {
            Ok(SubmitOutcome::Submitted(id)) => id,
            other => panic!("expected a submitted claim, got {other:?}"),
        }
    }

    fn adjudicate(&mut self, claim: ClaimId, decisions: Vec<LineDecision>) -> Result<ClaimStatus> {
        self.s.set_actor(self.insurer);
        self.s.tx(claims::ADJUDICATE, (claim, decisions))
    }

    fn claim(&mut self, id: ClaimId) -> Claim {
        view::claim(&mut self.s.chain, id).unwrap()
    }

    fn escrow(&mut self, insurer: AccountId) -> Escrow {
        view::escrow(&mut self.s.chain, insurer)
    }

    fn suspend(&mut self, account: AccountId) {
        let admin = self.s.admin();
        self.s.set_actor(admin);
        self.s.tx(registry::SUSPEND_ORGANISATION, account).unwrap();
    }

    fn reinstate(&mut self, account: AccountId) {
        let admin = self.s.admin();
        self.s.set_actor(admin);
        self.s
            .tx(registry::REINSTATE_ORGANISATION, account)
            .unwrap();
    }
}

fn approve(allowed: Balance) -> LineDecision {
    LineDecision::Approve { allowed }
}

#[test]
fn insurers_create_policies_for_registered_patients() {
    let mut w = world();
    let good = terms(&mut w.s);
    let unknown = w.s.fresh_patient_id();
    let patient = w.patient;
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        claims::CREATE_POLICY,
        (patient, good),
        missing(Role::Insurer),
    );
    w.s.set_actor(w.insurer);
    let now = w.s.now();
    for (t, error) in [
        (
            PolicyTerms {
                coverage: CoverageSet(0),
                ..good
            },
            Error::InvalidSet,
        ),
        (
            PolicyTerms {
                coverage: CoverageSet(0x8000),
                ..good
            },
            Error::InvalidSet,
        ),
        (
            PolicyTerms {
                period_end: good.period_start,
                ..good
            },
            Error::InvalidWindow,
        ),
        (
            PolicyTerms {
                period_start: now + 1,
                period_end: now,
                ..good
            },
            Error::InvalidWindow,
        ),
        (
            PolicyTerms {
                period_end: now + 367 * DAY_MS,
                ..good
            },
            Error::InvalidWindow,
        ),
        (
            PolicyTerms {
                period_start: now - 10 * DAY_MS,
                period_end: now,
                ..good
            },
            Error::InvalidWindow,
        ),
        (
            PolicyTerms {
                annual_limit: 0,
                deductible: 0,
                ..good
            },
            Error::InvalidPolicy,
        ),
        (
            PolicyTerms {
                deductible: 10_001,
                ..good
            },
            Error::InvalidPolicy,
        ),
        (
            PolicyTerms {
                coinsurance_bps: 10_001,
                ..good
            },
            Error::InvalidPolicy,
        ),
    ] {
        w.s.assert_refused(claims::CREATE_POLICY, (patient, t), error);
    }
    w.s.assert_refused(
        claims::CREATE_POLICY,
        (unknown, good),
        Error::PatientNotFound,
    );
    let id = w.s.tx(claims::CREATE_POLICY, (patient, good)).unwrap();
    let created = &w.s.events::<PolicyCreated>()[0];
    assert_eq!(
        (created.policy, created.insurer, created.patient),
        (id, w.insurer, patient)
    );
    let p = view::policy(&mut w.s.chain, id).unwrap();
    assert_eq!(
        (p.terms, p.plan_used, p.closed, p.registration),
        (good, 0, false, 1)
    );

    // Closing: only its insurer, once; then no claims on it.
    w.s.set_actor(w.other_insurer);
    w.s.assert_refused(claims::CLOSE_POLICY, id, Error::NotParty);
    w.s.set_actor(w.insurer);
    w.s.assert_refused(claims::CLOSE_POLICY, 99u64, Error::PolicyNotFound);
    w.s.tx(claims::CLOSE_POLICY, id).unwrap();
    assert_eq!(w.s.events::<PolicyClosed>()[0].policy, id);
    w.s.assert_refused(claims::CLOSE_POLICY, id, Error::PolicyNotActive);
    let lines = vec![line("visit", 100)];
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        claims::SUBMIT_CLAIM,
        (id, patient, w.record, lines),
        Error::PolicyNotActive,
    );
}

/// Finding: "policies are not tied to the patient's registration: whoever re-registers a
/// deregistered id inherits them".
#[test]
fn a_policy_covers_one_registration_of_the_patient_id() {
    let mut w = world();
    w.s.set_actor(w.alice);
    w.s.tx(registry::DEREGISTER_PATIENT, w.patient).unwrap();
    let newcomer = w.s.actor("newcomer");
    w.s.set_actor(newcomer);
    w.s.tx(registry::REGISTER_PATIENT, (w.patient, key_for("newcomer")))
        .unwrap();
    grant(&mut w.s, newcomer, w.patient, w.clinic, Purpose::Treatment);
    grant(&mut w.s, newcomer, w.patient, w.insurer, Purpose::Payment);
    let record = anchor(&mut w.s, w.clinic, w.patient, b"newcomer report");
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        claims::SUBMIT_CLAIM,
        (w.policy, w.patient, record, vec![line("x", 10)]),
        Error::PolicyNotActive,
    );
}

#[test]
fn escrow_deposits_and_withdrawals_are_exact() {
    let mut w = world();
    let contract = w.s.address(Contract::Claims);
    assert_eq!(
        w.escrow(w.insurer),
        Escrow {
            balance: 100_000,
            committed: 0
        }
    );
    let before = (w.s.balance(&w.insurer), w.s.balance(&contract));
    w.s.set_actor(w.insurer);
    w.s.tx_with_value(claims::DEPOSIT, (), 5_000).unwrap();
    assert_eq!(w.s.events::<EscrowChanged>()[0].delta, 5_000);
    let deposit_fee = w.s.last.as_ref().unwrap().deposit.max(0) as u128;
    assert_eq!(w.s.balance(&contract), before.1 + 5_000);
    assert_eq!(w.s.balance(&w.insurer), before.0 - 5_000 - deposit_fee);
    w.s.assert_refused(claims::DEPOSIT, (), Error::ZeroAmount);

    // Not an insurer: refused, and the value stays with the sender.
    w.s.set_actor(w.clinic);
    let clinic_before = w.s.balance(&w.clinic);
    assert_eq!(
        w.s.tx_with_value(claims::DEPOSIT, (), 1_000),
        Err(missing(Role::Insurer))
    );
    assert_eq!(w.s.balance(&w.clinic), clinic_before);

    w.s.set_actor(w.insurer);
    w.s.assert_refused(claims::WITHDRAW, 105_001u128, Error::InsufficientEscrow);
    w.s.assert_refused(claims::WITHDRAW, 0u128, Error::ZeroAmount);
    let insurer_before = w.s.balance(&w.insurer);
    w.s.tx(claims::WITHDRAW, 5_000u128).unwrap();
    assert_eq!(w.s.events::<EscrowChanged>()[0].delta, -5_000);
    assert_eq!(w.s.balance(&w.insurer), insurer_before + 5_000);
    assert_eq!(w.escrow(w.insurer).balance, 100_000);
    // Nobody draws on another insurer's escrow.
    w.s.set_actor(w.other_insurer);
    w.s.assert_refused(claims::WITHDRAW, 1u128, Error::InsufficientEscrow);
}

#[test]
fn submission_needs_payment_consent_and_logs_the_disclosure() {
    let mut w = world();
    let lines = vec![line("cbc", 300)];
    let id = w.submitted(lines.clone());
    let submitted = &w.s.events::<ClaimSubmitted>()[0];
    assert_eq!(
        (submitted.claim, submitted.provider, submitted.billed),
        (id, w.clinic, 300)
    );
    let c = w.claim(id);
    assert_eq!(
        (c.status, c.insurer, c.record, c.billed),
        (ClaimStatus::Submitted, w.insurer, w.record, 300)
    );
    let disclosure = view::audit_entry(&mut w.s.chain, c.disclosure_seq).unwrap();
    assert_eq!(
        (
            disclosure.record.action,
            disclosure.record.actor,
            disclosure.record.initiator,
            disclosure.record.purpose
        ),
        (
            AuditAction::Disclosure,
            w.insurer,
            Some(w.clinic),
            Some(Purpose::Payment)
        )
    );
    assert!(disclosure.record.outcome.is_granted());

    // Bob gave no payment consent: no claim, and the refused disclosure is in the log.
    let t = terms(&mut w.s);
    w.s.set_actor(w.insurer);
    let bob_policy = w.s.tx(claims::CREATE_POLICY, (w.bob_patient, t)).unwrap();
    w.s.set_actor(w.clinic);
    let count = view::claims_root(&mut w.s.chain).claim_count;
    let outcome =
        w.s.tx(
            claims::SUBMIT_CLAIM,
            (bob_policy, w.bob_patient, w.bob_record, lines.clone()),
        )
        .unwrap();
    let SubmitOutcome::ConsentDenied { audit_seq } = outcome else {
        panic!("expected a consent refusal, got {outcome:?}")
    };
    assert_eq!(view::claims_root(&mut w.s.chain).claim_count, count);
    let entry = view::audit_entry(&mut w.s.chain, audit_seq).unwrap();
    assert_eq!(
        entry.record.outcome,
        AuditOutcome::Denied(DenyReason::NoConsent)
    );
    assert_eq!(entry.record.patient, Some(w.bob_patient));

    // A record of another patient is refused by the access contract.
    let (policy, patient) = (w.policy, w.patient);
    w.s.assert_refused(
        claims::SUBMIT_CLAIM,
        (policy, patient, w.bob_record, vec![line("x", 1)]),
        refused_by_access(Error::RecordPatientMismatch),
    );
    let page = view::patient_claims(&mut w.s.chain, patient, 0, 0);
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].id, id);
}

/// Finding: "any provider can cite another provider's record anchor and bill a pack another
/// pharmacy dispensed". A claim cites a record its claimant authored and bills packs its
/// claimant dispensed.
#[test]
fn a_claim_bills_the_claimants_own_record_and_packs() {
    let mut w = world();
    let (policy, patient, record) = (w.policy, w.patient, w.record);
    w.s.set_actor(w.other_clinic);
    w.s.assert_refused(
        claims::SUBMIT_CLAIM,
        (policy, patient, record, vec![line("not mine", 100)]),
        refused_by_access(Error::NotAuthor),
    );
    // The other clinic's own record is fine.
    let own = anchor(&mut w.s, w.other_clinic, patient, b"other clinic report");
    w.s.set_actor(w.other_clinic);
    assert!(matches!(
        w.s.tx(
            claims::SUBMIT_CLAIM,
            (policy, patient, own, vec![line("mine", 100)]),
        ),
        Ok(SubmitOutcome::Submitted(_))
    ));
}

#[test]
fn submission_refuses_bad_claims() {
    let mut w = world();
    let (policy, patient, record) = (w.policy, w.patient, w.record);
    let ok = line("visit", 100);
    let mut zero_ref = ok;
    zero_ref.service_ref = Digest::ZERO;
    w.s.set_actor(w.clinic);
    for (p, pat, lines, error) in [
        (99u64, patient, vec![ok], Error::PolicyNotFound),
        (policy, w.bob_patient, vec![ok], Error::InvalidPolicy),
        (policy, patient, vec![], Error::Empty),
        (
            policy,
            patient,
            (0..9).map(|i| line(&i.to_string(), 10)).collect(),
            Error::TooMany,
        ),
        (policy, patient, vec![line("v", 0)], Error::ZeroAmount),
        (policy, patient, vec![zero_ref], Error::InvalidDigest),
        (
            policy,
            patient,
            vec![ClaimLine {
                drug: Some(Digest::ZERO),
                ..line("zero pack", 100)
            }],
            Error::InvalidDigest,
        ),
        (policy, patient, vec![ok, ok], Error::DuplicateClaim),
        (
            policy,
            patient,
            vec![line("a", u128::MAX), line("b", 1)],
            Error::Overflow,
        ),
    ] {
        w.s.assert_refused(claims::SUBMIT_CLAIM, (p, pat, record, lines), error);
    }

    // Exact duplicates (same patient, provider, service and amount) are refused; the same
    // service by another provider, or for another amount, is not a duplicate.
    w.submitted(vec![ok]);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        claims::SUBMIT_CLAIM,
        (policy, patient, record, vec![ok]),
        Error::DuplicateClaim,
    );
    let mut other_amount = ok;
    other_amount.billed = 101;
    w.submitted(vec![other_amount]);
    let own = anchor(&mut w.s, w.other_clinic, patient, b"second opinion");
    w.s.set_actor(w.other_clinic);
    let outcome =
        w.s.tx(claims::SUBMIT_CLAIM, (policy, patient, own, vec![ok]));
    assert!(matches!(outcome, Ok(SubmitOutcome::Submitted(_))));

    // Timely filing: up to 90 days after the period.
    w.s.advance(365 * DAY_MS + 90 * DAY_MS);
    w.s.set_actor(w.clinic);
    let late = line("late", 100);
    w.s.assert_refused(
        claims::SUBMIT_CLAIM,
        (policy, patient, record, vec![late]),
        Error::PolicyNotActive,
    );
}

#[test]
fn drug_lines_go_on_chain_as_keyed_commitments_the_insurer_checks() {
    let mut w = world();
    let maker = w.s.organisation("maker", &[Role::Manufacturer]);
    let regulator = w.s.organisation("regulator", &[Role::Regulator]);
    let expiry = w.s.now() + 365 * DAY_MS;
    let coa = digest(b"coa");
    let mut batches = Vec::new();
    for lot_text in ["GOOD", "RECALLED", "QUARANTINED"] {
        let lot = LotNumber(lot_text.as_bytes().to_vec());
        w.s.set_actor(maker);
        let b =
            w.s.tx(
                provenance::REGISTER_BATCH,
                (
                    Gtin(10_614_141_000_415),
                    lot,
                    expiry,
                    1u64,
                    10u64,
                    10u64,
                    coa,
                ),
            )
            .unwrap();
        // The clinic dispenses serials 1 and 2; the pharmacy holds some too.
        for (to, quantity) in [(w.clinic, 5u64), (w.pharmacy, 5)] {
            w.s.set_actor(maker);
            let t =
                w.s.tx(provenance::SHIP, (b, to, quantity, digest(b"doc")))
                    .unwrap();
            w.s.set_actor(to);
            w.s.tx(provenance::ACCEPT, (b, t)).unwrap();
        }
        w.s.set_actor(w.clinic);
        for serial in [1u64, 2] {
            w.s.tx(provenance::DISPENSE, (b, serial)).unwrap();
        }
        w.s.set_actor(w.pharmacy);
        w.s.tx(provenance::DISPENSE, (b, 5u64)).unwrap();
        batches.push(b);
    }
    let (good, recalled, quarantined) = (batches[0], batches[1], batches[2]);
    w.s.set_actor(regulator);
    w.s.tx(provenance::RECALL, (recalled, RecallReason::Contamination))
        .unwrap();
    w.s.tx(
        provenance::QUARANTINE,
        (quarantined, QuarantineReason::SuspectProduct),
    )
    .unwrap();
    // A second pack with serial 2 of the good batch turns up at the pharmacy: now suspect.
    w.s.set_actor(w.pharmacy);
    w.s.tx(provenance::DISPENSE, (good, 2u64)).unwrap();

    // The pack goes on chain only as its commitment under the clinic-insurer key; the insurer,
    // told the pack off chain, checks it against provenance before paying.
    let key = b"clinic-insurer claims key";
    let drug_line = |batch: BatchId, serial: u64, what: &str| ClaimLine {
        drug: Some(pack_commitment(key, batch, serial)),
        ..line(what, 40)
    };
    let (policy, patient, record) = (w.policy, w.patient, w.record);
    w.s.set_actor(w.clinic);
    let clinic = w.clinic;
    for (batch, serial, why, found) in [
        (recalled, 1, "recalled batch", PackCheck::BatchRecalled),
        (
            quarantined,
            1,
            "quarantined batch",
            PackCheck::BatchQuarantined,
        ),
        (good, 2, "serial flagged suspect", PackCheck::Suspect),
        (
            good,
            99,
            "counterfeit serial (outside the range)",
            PackCheck::NotDispensed,
        ),
        (good, 3, "serial never dispensed", PackCheck::NotDispensed),
        (77, 1, "unknown batch", PackCheck::UnknownBatch),
        (
            good,
            5,
            "a pack the pharmacy dispensed",
            PackCheck::DispensedByAnother,
        ),
    ] {
        let l = drug_line(batch, serial, why);
        let id = w.submitted(vec![l]);
        let stored = w.claim(id).lines[0];
        assert_eq!(stored.pack, l.drug, "{why}");
        assert_eq!(
            check_pack(
                &mut w.s.chain,
                key,
                clinic,
                stored.pack.unwrap(),
                batch,
                serial
            ),
            found,
            "{why}"
        );
        assert_eq!(found.denial(), Some(DenialReason::PackNotVerified));
    }
    let id = w.submitted(vec![drug_line(good, 1, "ok")]);
    let stored = w.claim(id).lines[0];
    assert_eq!(stored.billed, 40);
    let commitment = stored.pack.unwrap();
    assert_eq!(
        check_pack(&mut w.s.chain, key, clinic, commitment, good, 1),
        PackCheck::Verified
    );
    // Another pack, or another key, does not open the commitment.
    assert_eq!(
        check_pack(&mut w.s.chain, key, clinic, commitment, good, 3),
        PackCheck::CommitmentMismatch
    );
    assert_eq!(
        check_pack(&mut w.s.chain, b"another key", clinic, commitment, good, 1),
        PackCheck::CommitmentMismatch
    );

    // A pack is billed once per key: another service code or amount does not make it billable
    // again, nor does another provider under the same key.
    let own = anchor(&mut w.s, w.other_clinic, patient, b"other report");
    for (who, r, l) in [
        (w.clinic, record, drug_line(good, 1, "again")),
        (
            w.clinic,
            record,
            ClaimLine {
                billed: 41,
                ..drug_line(good, 1, "ok")
            },
        ),
        (w.other_clinic, own, drug_line(good, 1, "elsewhere")),
    ] {
        w.s.set_actor(who);
        let before = w.s.storage_roots();
        let answer = w.s.tx(claims::SUBMIT_CLAIM, (policy, patient, r, vec![l]));
        assert_eq!(answer, Err(Error::DuplicateClaim));
        assert_eq!(w.s.storage_roots(), before);
    }
    // Once the claim that billed it is voided, the pack may be billed again.
    w.s.set_actor(w.clinic);
    w.s.tx(claims::VOID_CLAIM, id).unwrap();
    let again = w.submitted(vec![drug_line(good, 1, "again")]);
    assert_eq!(w.claim(again).status, ClaimStatus::Submitted);
}

#[test]
fn adjudication_shares_costs_exactly() {
    let mut w = world();
    // Deductible 500, co-insurance 20 %, limit 10 000.
    let id = w.submitted(vec![
        line("visit", 400),
        line("panel", 1_000),
        line("extra", 250),
    ]);
    let claim_before = w.claim(id);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        claims::ADJUDICATE,
        (id, vec![approve(400); 3]),
        Error::NotParty,
    );
    w.s.set_actor(w.other_insurer);
    w.s.assert_refused(
        claims::ADJUDICATE,
        (id, vec![approve(400); 3]),
        Error::NotParty,
    );
    w.s.set_actor(w.insurer);
    w.s.assert_refused(
        claims::ADJUDICATE,
        (id, vec![approve(400); 2]),
        Error::InvalidAdjudication,
    );
    w.s.assert_refused(
        claims::ADJUDICATE,
        (id, vec![approve(401), approve(1_000), approve(250)]),
        Error::InvalidAdjudication,
    );
    w.s.assert_refused(
        claims::ADJUDICATE,
        (99u64, vec![approve(1)]),
        Error::ClaimNotFound,
    );
    assert_eq!(w.claim(id), claim_before);

    let status = w
        .adjudicate(
            id,
            vec![
                approve(400),
                approve(900),
                LineDecision::Deny(DenialReason::NotMedicallyNecessary),
            ],
        )
        .unwrap();
    assert_eq!(status, ClaimStatus::PartiallyApproved);
    let c = w.claim(id);
    // Line 1: 400 all deductible. Line 2: 100 deductible, 800 left: 160 patient, 640 plan.
    assert_eq!((c.results[0].deductible, c.results[0].plan_pays), (400, 0));
    assert_eq!(
        (
            c.results[1].deductible,
            c.results[1].coinsurance,
            c.results[1].plan_pays
        ),
        (100, 160, 640)
    );
    assert_eq!(
        c.results[2].denied,
        Some(DenialReason::NotMedicallyNecessary)
    );
    assert_eq!(
        (c.approved, c.patient_share, c.deductible_applied),
        (640, 660, 500)
    );
    assert_eq!(
        w.escrow(w.insurer),
        Escrow {
            balance: 100_000,
            committed: 640
        }
    );
    let p = view::policy(&mut w.s.chain, w.policy).unwrap();
    assert_eq!((p.plan_used, p.deductible_met), (640, 500));
    let changed = &w.s.events::<ClaimStatusChanged>()[0];
    assert_eq!(
        (changed.status, changed.approved, changed.patient_share),
        (status, 640, 660)
    );
    w.s.set_actor(w.insurer);
    w.s.assert_refused(
        claims::ADJUDICATE,
        (id, vec![approve(1); 3]),
        Error::InvalidClaimState,
    );

    // The deductible is met now: the next claim pays 80 % from the first unit.
    let next = w.submitted(vec![line("follow-up", 100)]);
    assert_eq!(
        w.adjudicate(next, vec![approve(100)]),
        Ok(ClaimStatus::Approved)
    );
    let c = w.claim(next);
    assert_eq!((c.approved, c.patient_share), (80, 20));
}

/// Finding: "a provider suspended or revoked after submitting still gets paid by settle; a
/// suspended insurer keeps adjudicating". Money moves only while both hold their roles.
#[test]
fn money_moves_only_while_both_parties_hold_their_roles() {
    let mut w = world();
    let id = w.submitted(vec![line("panel", 1_000)]);
    w.suspend(w.insurer);
    w.s.set_actor(w.insurer);
    w.s.assert_refused(
        claims::ADJUDICATE,
        (id, vec![approve(1_000)]),
        missing(Role::Insurer),
    );
    w.s.assert_refused(
        claims::PEND,
        (id, DenialReason::MissingInformation),
        missing(Role::Insurer),
    );
    w.reinstate(w.insurer);
    w.adjudicate(id, vec![approve(1_000)]).unwrap();
    w.suspend(w.clinic);
    for who in [w.insurer, w.clinic] {
        w.s.set_actor(who);
        w.s.assert_refused(claims::SETTLE, id, missing(Role::Provider));
    }
    w.reinstate(w.clinic);
    w.suspend(w.insurer);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(claims::SETTLE, id, missing(Role::Insurer));
    w.reinstate(w.insurer);
    w.s.set_actor(w.clinic);
    assert_eq!(w.s.tx(claims::SETTLE, id), Ok(400));
}

#[test]
fn denial_pend_appeal_once() {
    let mut w = world();
    let id = w.submitted(vec![line("panel", 1_000)]);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        claims::PEND,
        (id, DenialReason::MissingInformation),
        Error::NotParty,
    );
    w.s.set_actor(w.insurer);
    w.s.tx(claims::PEND, (id, DenialReason::MissingInformation))
        .unwrap();
    assert_eq!(w.claim(id).status, ClaimStatus::Pended);
    w.s.assert_refused(
        claims::PEND,
        (id, DenialReason::MissingInformation),
        Error::InvalidClaimState,
    );
    assert_eq!(
        w.adjudicate(id, vec![LineDecision::Deny(DenialReason::NonCovered)]),
        Ok(ClaimStatus::Denied)
    );
    assert_eq!(w.claim(id).approved, 0);

    w.s.set_actor(w.insurer);
    w.s.assert_refused(claims::APPEAL, id, Error::NotParty);
    w.s.set_actor(w.clinic);
    w.s.tx(claims::APPEAL, id).unwrap();
    assert_eq!(w.claim(id).status, ClaimStatus::Appealed);
    assert_eq!(
        w.adjudicate(id, vec![approve(1_000)]),
        Ok(ClaimStatus::Approved)
    );
    let c = w.claim(id);
    assert_eq!((c.approved, c.patient_share), (400, 600));
    w.s.set_actor(w.clinic);
    w.s.assert_refused(claims::APPEAL, id, Error::InvalidClaimState);

    // A partially approved claim may be appealed too, once; the commitment waits meanwhile.
    let second = w.submitted(vec![line("a", 100), line("b", 100)]);
    w.adjudicate(
        second,
        vec![approve(100), LineDecision::Deny(DenialReason::NonCovered)],
    )
    .unwrap();
    let committed = w.escrow(w.insurer).committed;
    w.s.set_actor(w.clinic);
    w.s.tx(claims::APPEAL, second).unwrap();
    assert_eq!(w.escrow(w.insurer).committed, committed - 80);
    w.adjudicate(
        second,
        vec![approve(100), LineDecision::Deny(DenialReason::NonCovered)],
    )
    .unwrap();
    w.s.set_actor(w.clinic);
    w.s.assert_refused(claims::APPEAL, second, Error::AppealUsed);

    // Replacing the claim does not renew its appeal.
    let outcome =
        w.s.tx(
            claims::REPLACE_CLAIM,
            (second, w.record, vec![line("a", 100), line("b", 100)]),
        )
        .unwrap();
    let SubmitOutcome::Submitted(replacement) = outcome else {
        panic!("replacement refused: {outcome:?}");
    };
    assert!(w.claim(replacement).appealed);
    w.adjudicate(
        replacement,
        vec![approve(100), LineDecision::Deny(DenialReason::NonCovered)],
    )
    .unwrap();
    w.s.set_actor(w.clinic);
    w.s.assert_refused(claims::APPEAL, replacement, Error::AppealUsed);
}

/// Finding: "an appealed claim can stay unanswered for ever". After `APPEAL_DEADLINE` the
/// provider may void it (and bill the service again).
#[test]
fn an_undecided_appeal_can_be_withdrawn_after_the_deadline() {
    let mut w = world();
    let l = line("panel", 1_000);
    let id = w.submitted(vec![l]);
    w.adjudicate(id, vec![LineDecision::Deny(DenialReason::NonCovered)])
        .unwrap();
    w.s.set_actor(w.clinic);
    w.s.tx(claims::APPEAL, id).unwrap();
    w.s.assert_refused(claims::VOID_CLAIM, id, Error::InvalidClaimState);
    w.s.advance(APPEAL_DEADLINE - 1);
    w.s.assert_refused(claims::VOID_CLAIM, id, Error::InvalidClaimState);
    w.s.advance(1);
    w.s.tx(claims::VOID_CLAIM, id).unwrap();
    assert_eq!(w.claim(id).status, ClaimStatus::Voided);
    // The insurer cannot decide it any more; the service may be billed again.
    w.s.set_actor(w.insurer);
    w.s.assert_refused(
        claims::ADJUDICATE,
        (id, vec![approve(1_000)]),
        Error::InvalidClaimState,
    );
    let again = w.submitted(vec![l]);
    assert_eq!(w.claim(again).status, ClaimStatus::Submitted);
}

#[test]
fn settlement_pays_the_provider_exactly_once_from_the_right_escrow() {
    let mut w = world();
    // The other insurer's escrow must not move.
    w.s.set_actor(w.other_insurer);
    w.s.tx_with_value(claims::DEPOSIT, (), 50_000).unwrap();
    let id = w.submitted(vec![line("panel", 2_000)]);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(claims::SETTLE, id, Error::InvalidClaimState);
    w.adjudicate(id, vec![approve(1_500)]).unwrap();
    // 500 deductible, then 1 000: 200 co-insurance, 800 plan.
    assert_eq!(w.claim(id).approved, 800);

    let contract = w.s.address(Contract::Claims);
    let (clinic_before, contract_before) = (w.s.balance(&w.clinic), w.s.balance(&contract));
    w.s.set_actor(w.alice);
    w.s.assert_refused(claims::SETTLE, id, Error::NotParty);
    w.s.set_actor(w.insurer);
    assert_eq!(w.s.tx(claims::SETTLE, id), Ok(800));
    let settled = &w.s.events::<ClaimSettled>()[0];
    // The patient owes 500 deductible + 200 co-insurance; the 500 above the allowed amount is
    // the provider's contractual write-off, nobody's share.
    assert_eq!(
        (settled.provider, settled.amount, settled.patient_share),
        (w.clinic, 800, 700)
    );
    assert_eq!(w.s.balance(&w.clinic), clinic_before + 800);
    assert_eq!(w.s.balance(&contract), contract_before - 800);
    assert_eq!(
        w.escrow(w.insurer),
        Escrow {
            balance: 99_200,
            committed: 0
        }
    );
    assert_eq!(
        w.escrow(w.other_insurer),
        Escrow {
            balance: 50_000,
            committed: 0
        }
    );
    assert_eq!(w.claim(id).status, ClaimStatus::Settled);

    // Never twice, by anyone.
    for who in [w.insurer, w.clinic] {
        w.s.set_actor(who);
        w.s.assert_refused(claims::SETTLE, id, Error::InvalidClaimState);
    }
    w.s.set_actor(w.clinic);
    w.s.assert_refused(claims::VOID_CLAIM, id, Error::InvalidClaimState);
    assert_eq!(w.s.balance(&w.clinic), clinic_before + 800);

    // The provider may settle too; a claim approved for 0 settles without a transfer.
    let small = w.submitted(vec![line("tiny", 10)]);
    w.adjudicate(small, vec![approve(0)]).unwrap();
    w.s.set_actor(w.clinic);
    assert_eq!(w.s.tx(claims::SETTLE, small), Ok(0));
}

#[test]
fn escrow_must_cover_approvals() {
    let mut w = world();
    w.s.set_actor(w.insurer);
    w.s.tx(claims::WITHDRAW, 99_500u128).unwrap();
    let id = w.submitted(vec![line("big", 5_000)]);
    // Plan share 3 600 > 500 in escrow.
    w.s.set_actor(w.insurer);
    w.s.assert_refused(
        claims::ADJUDICATE,
        (id, vec![approve(5_000)]),
        Error::InsufficientEscrow,
    );
    w.s.tx_with_value(claims::DEPOSIT, (), 3_100).unwrap();
    assert_eq!(
        w.adjudicate(id, vec![approve(5_000)]),
        Ok(ClaimStatus::Approved)
    );
    // Committed money cannot be withdrawn.
    w.s.set_actor(w.insurer);
    w.s.assert_refused(claims::WITHDRAW, 1u128, Error::InsufficientEscrow);
}

#[test]
fn annual_limit_caps_what_the_plan_pays() {
    let mut w = world();
    let id = w.submitted(vec![line("a", 20_000)]);
    w.adjudicate(id, vec![approve(20_000)]).unwrap();
    let c = w.claim(id);
    // 500 deductible, 19 500 left: 3 900 co-insurance, 15 600 plan share capped at 10 000.
    assert_eq!(
        (c.approved, c.results[0].over_limit, c.patient_share),
        (10_000, 5_600, 10_000)
    );
    let next = w.submitted(vec![line("b", 100)]);
    w.adjudicate(next, vec![approve(100)]).unwrap();
    assert_eq!(w.claim(next).approved, 0);
    assert_eq!(w.claim(next).patient_share, 100);
}

#[test]
fn void_and_replace_link_to_the_original() {
    let mut w = world();
    let l = line("panel", 1_000);
    let id = w.submitted(vec![l]);
    w.adjudicate(id, vec![approve(1_000)]).unwrap();
    assert_eq!(w.escrow(w.insurer).committed, 400);

    w.s.set_actor(w.other_clinic);
    w.s.assert_refused(claims::VOID_CLAIM, id, Error::NotParty);
    w.s.assert_refused(
        claims::REPLACE_CLAIM,
        (id, w.record, vec![l]),
        Error::NotParty,
    );

    // The replacement may repeat the original's lines; the original is released.
    w.s.set_actor(w.clinic);
    let corrected = vec![l, line("forgotten visit", 200)];
    let outcome =
        w.s.tx(claims::REPLACE_CLAIM, (id, w.record, corrected))
            .unwrap();
    let SubmitOutcome::Submitted(new) = outcome else {
        panic!("{outcome:?}")
    };
    let original = w.claim(id);
    assert_eq!(
        (original.status, original.replaced_by, original.approved),
        (ClaimStatus::Replaced, Some(new), 0)
    );
    assert_eq!(w.claim(new).replaces, Some(id));
    assert_eq!(w.escrow(w.insurer).committed, 0);
    let p = view::policy(&mut w.s.chain, w.policy).unwrap();
    assert_eq!((p.plan_used, p.deductible_met), (0, 0));
    w.s.assert_refused(
        claims::REPLACE_CLAIM,
        (id, w.record, vec![line("x", 5)]),
        Error::InvalidClaimState,
    );
    // The replacement holds the duplicate keys now.
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        claims::SUBMIT_CLAIM,
        (w.policy, w.patient, w.record, vec![l]),
        Error::DuplicateClaim,
    );

    // Voiding releases them: the same service can be billed again.
    w.s.tx(claims::VOID_CLAIM, new).unwrap();
    assert_eq!(
        w.s.events::<ClaimStatusChanged>()[0].status,
        ClaimStatus::Voided
    );
    w.s.assert_refused(claims::VOID_CLAIM, new, Error::InvalidClaimState);
    let again = w.submitted(vec![l]);
    assert_eq!(w.claim(again).status, ClaimStatus::Submitted);
}

#[test]
fn coinsurance_overflow_is_a_typed_error() {
    let mut w = world();
    // A policy with no deductible and a huge limit, and a line near u128::MAX.
    let t = PolicyTerms {
        annual_limit: u128::MAX,
        deductible: 0,
        coinsurance_bps: 2_000,
        ..terms(&mut w.s)
    };
    w.s.set_actor(w.insurer);
    w.policy = w.s.tx(claims::CREATE_POLICY, (w.patient, t)).unwrap();
    let id = w.submitted(vec![line("huge", u128::MAX)]);
    let before = w.claim(id);
    w.s.set_actor(w.insurer);
    w.s.assert_refused(
        claims::ADJUDICATE,
        (id, vec![approve(u128::MAX)]),
        Error::Overflow,
    );
    assert_eq!(w.claim(id), before);
}

#[test]
fn paused_claims_refuse_changes() {
    let mut w = world();
    let id = w.submitted(vec![line("panel", 1_000)]);
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx(msg::govern(Contract::Claims), GovAction::SetPaused(true))
        .unwrap();
    w.s.set_actor(w.insurer);
    w.s.assert_refused(claims::ADJUDICATE, (id, vec![approve(1)]), Error::Paused);
    w.s.assert_refused(claims::WITHDRAW, 1u128, Error::Paused);
    assert_eq!(w.claim(id).status, ClaimStatus::Submitted);
    // Decisions about access do not depend on claims' pause.
    let patient = w.patient;
    w.s.set_actor(w.clinic);
    assert!(w
        .s
        .tx(access::CHECK_ACCESS, (patient, LAB, Purpose::Treatment))
        .unwrap()
        .is_granted());
}
