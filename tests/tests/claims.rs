//! Claims on the in-process chain: policies, escrow, submission checked against consent and drug
//! provenance, duplicates, adjudication with exact cost sharing, appeal, settlement with exact
//! balances, void and replacement.

use carechain_tests::common::events::claims::*;
use carechain_tests::common::*;
use carechain_tests::Ledger;
use carechain_tests::{digest, Contract, Suite};
use ink::primitives::AccountId;

const CL: Contract = Contract::Claims;
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

fn line(service: ServiceCategory, what: &str, billed: Balance) -> ClaimLine {
    ClaimLine {
        service,
        service_ref: digest(format!("hmac(code+date): {what}").as_bytes()),
        billed,
        drug: None,
    }
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
    s.tx::<GrantId>(
        Contract::Consent,
        "create_grant",
        (patient, Grantee::Account(to), scope, Effect::Permit),
    )
    .unwrap();
}

fn anchor(s: &mut Suite, clinic: AccountId, patient: PatientId, content: &[u8]) -> RecordId {
    s.set_actor(clinic);
    s.tx::<RecordWrite>(
        Contract::Consent,
        "add_record",
        (
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

/// Alice consents to treatment by the clinic and payment disclosure to the insurer; Bob only to
/// treatment. The insurer has a policy for Alice and 100 000 in escrow.
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
    let policy = s.tx::<PolicyId>(CL, "create_policy", (patient, t)).unwrap();
    s.tx_with_value::<()>(CL, "deposit", (), 100_000).unwrap();
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
        self.s.tx::<SubmitOutcome>(
            CL,
            "submit_claim",
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
        self.s
            .tx::<ClaimStatus>(CL, "adjudicate", (claim, decisions))
    }

    fn claim(&mut self, id: ClaimId) -> Claim {
        self.s.query::<Option<Claim>>(CL, "claim", id).unwrap()
    }

    fn escrow(&mut self, insurer: AccountId) -> Escrow {
        self.s.query::<Escrow>(CL, "escrow", insurer)
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
    w.s.assert_refused::<PolicyId>(CL, "create_policy", (patient, good), Error::MissingRole);
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
        w.s.assert_refused::<PolicyId>(CL, "create_policy", (patient, t), error);
    }
    w.s.assert_refused::<PolicyId>(CL, "create_policy", (unknown, good), Error::PatientNotFound);
    let id =
        w.s.tx::<PolicyId>(CL, "create_policy", (patient, good))
            .unwrap();
    let created = &w.s.events::<PolicyCreated>()[0];
    assert_eq!(
        (created.policy, created.insurer, created.patient),
        (id, w.insurer, patient)
    );
    let p = w.s.query::<Option<Policy>>(CL, "policy", id).unwrap();
    assert_eq!((p.terms, p.plan_used, p.closed), (good, 0, false));

    // Closing: only its insurer, once; then no claims on it.
    w.s.set_actor(w.other_insurer);
    w.s.assert_refused::<()>(CL, "close_policy", id, Error::NotParty);
    w.s.set_actor(w.insurer);
    w.s.assert_refused::<()>(CL, "close_policy", 99u64, Error::PolicyNotFound);
    w.s.tx::<()>(CL, "close_policy", id).unwrap();
    assert_eq!(w.s.events::<PolicyClosed>()[0].policy, id);
    w.s.assert_refused::<()>(CL, "close_policy", id, Error::PolicyNotActive);
    w.policy = id;
    let lines = vec![line(ServiceCategory::Consultation, "visit", 100)];
    w.s.set_actor(w.clinic);
    w.s.assert_refused::<SubmitOutcome>(
        CL,
        "submit_claim",
        (id, patient, w.record, lines),
        Error::PolicyNotActive,
    );
}

#[test]
fn escrow_deposits_and_withdrawals_are_exact() {
    let mut w = world();
    let contract = w.s.address(CL);
    assert_eq!(
        w.escrow(w.insurer),
        Escrow {
            balance: 100_000,
            committed: 0
        }
    );
    let before = (w.s.balance(&w.insurer), w.s.balance(&contract));
    w.s.set_actor(w.insurer);
    w.s.tx_with_value::<()>(CL, "deposit", (), 5_000).unwrap();
    assert_eq!(w.s.events::<EscrowChanged>()[0].delta, 5_000);
    let deposit_fee = w.s.last.as_ref().unwrap().deposit.max(0) as u128;
    assert_eq!(w.s.balance(&contract), before.1 + 5_000);
    assert_eq!(w.s.balance(&w.insurer), before.0 - 5_000 - deposit_fee);
    w.s.assert_refused::<()>(CL, "deposit", (), Error::ZeroAmount);

    // Not an insurer: refused, and the value stays with the sender.
    w.s.set_actor(w.clinic);
    let clinic_before = w.s.balance(&w.clinic);
    assert_eq!(
        w.s.tx_with_value::<()>(CL, "deposit", (), 1_000),
        Err(Error::MissingRole)
    );
    assert_eq!(w.s.balance(&w.clinic), clinic_before);

    w.s.set_actor(w.insurer);
    w.s.assert_refused::<()>(CL, "withdraw", 105_001u128, Error::InsufficientEscrow);
    w.s.assert_refused::<()>(CL, "withdraw", 0u128, Error::ZeroAmount);
    let insurer_before = w.s.balance(&w.insurer);
    w.s.tx::<()>(CL, "withdraw", 5_000u128).unwrap();
    assert_eq!(w.s.events::<EscrowChanged>()[0].delta, -5_000);
    assert_eq!(w.s.balance(&w.insurer), insurer_before + 5_000);
    assert_eq!(w.escrow(w.insurer).balance, 100_000);
    // Nobody draws on another insurer's escrow.
    w.s.set_actor(w.other_insurer);
    w.s.assert_refused::<()>(CL, "withdraw", 1u128, Error::InsufficientEscrow);
}

#[test]
fn submission_needs_payment_consent_and_logs_the_disclosure() {
    let mut w = world();
    let lines = vec![line(ServiceCategory::Laboratory, "cbc", 300)];
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
    let disclosure =
        w.s.query::<Option<AuditEntry>>(Contract::AuditLog, "entry", c.disclosure_seq)
            .unwrap();
    assert_eq!(
        (
            disclosure.record.action,
            disclosure.record.actor,
            disclosure.record.purpose
        ),
        (AuditAction::Disclosure, w.insurer, Some(Purpose::Payment))
    );
    assert!(disclosure.record.outcome.is_granted());

    // Bob gave no payment consent: no claim, and the refused disclosure is in the log.
    let t = terms(&mut w.s);
    w.s.set_actor(w.insurer);
    let bob_policy =
        w.s.tx::<PolicyId>(CL, "create_policy", (w.bob_patient, t))
            .unwrap();
    w.s.set_actor(w.clinic);
    let count = w.s.query::<u64>(CL, "claim_count", ());
    let outcome =
        w.s.tx::<SubmitOutcome>(
            CL,
            "submit_claim",
            (bob_policy, w.bob_patient, w.bob_record, lines.clone()),
        )
        .unwrap();
    let SubmitOutcome::ConsentDenied { audit_seq } = outcome else {
        panic!("expected a consent refusal, got {outcome:?}")
    };
    assert_eq!(w.s.query::<u64>(CL, "claim_count", ()), count);
    let entry =
        w.s.query::<Option<AuditEntry>>(Contract::AuditLog, "entry", audit_seq)
            .unwrap();
    assert_eq!(
        entry.record.outcome,
        AuditOutcome::Denied(DenyReason::NoConsent)
    );
    assert_eq!(entry.record.patient, Some(w.bob_patient));

    // A record of another patient is refused by consent.
    let (policy, patient) = (w.policy, w.patient);
    w.s.assert_refused::<SubmitOutcome>(
        CL,
        "submit_claim",
        (
            policy,
            patient,
            w.bob_record,
            vec![line(ServiceCategory::Laboratory, "x", 1)],
        ),
        Error::Downstream(Callee::Consent, CallFailure::Refused),
    );
    let page =
        w.s.query::<Page<Claim>>(CL, "patient_claims", (patient, 0u64, 0u32));
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].id, id);
}

#[test]
fn submission_refuses_bad_claims() {
    let mut w = world();
    let (policy, patient, record) = (w.policy, w.patient, w.record);
    let ok = line(ServiceCategory::Consultation, "visit", 100);
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
            (0..9)
                .map(|i| line(ServiceCategory::Consultation, &i.to_string(), 10))
                .collect(),
            Error::TooMany,
        ),
        (
            policy,
            patient,
            vec![line(ServiceCategory::Consultation, "v", 0)],
            Error::ZeroAmount,
        ),
        (policy, patient, vec![zero_ref], Error::InvalidContentHash),
        (
            policy,
            patient,
            vec![line(ServiceCategory::Surgery, "op", 100)],
            Error::NotCovered,
        ),
        (policy, patient, vec![ok, ok], Error::DuplicateClaim),
        (
            policy,
            patient,
            vec![
                line(ServiceCategory::Consultation, "a", u128::MAX),
                line(ServiceCategory::Consultation, "b", 1),
            ],
            Error::Overflow,
        ),
    ] {
        w.s.assert_refused::<SubmitOutcome>(CL, "submit_claim", (p, pat, record, lines), error);
    }
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused::<SubmitOutcome>(
        CL,
        "submit_claim",
        (policy, patient, record, vec![ok]),
        Error::MissingRole,
    );

    // Exact duplicates (same patient, provider, service and amount) are refused; the same
    // service by another provider, or for another amount, is not a duplicate.
    w.submitted(vec![ok]);
    w.s.set_actor(w.clinic);
    w.s.assert_refused::<SubmitOutcome>(
        CL,
        "submit_claim",
        (policy, patient, record, vec![ok]),
        Error::DuplicateClaim,
    );
    let mut other_amount = ok;
    other_amount.billed = 101;
    w.submitted(vec![other_amount]);
    w.s.set_actor(w.other_clinic);
    let outcome =
        w.s.tx::<SubmitOutcome>(CL, "submit_claim", (policy, patient, record, vec![ok]));
    assert!(matches!(outcome, Ok(SubmitOutcome::Submitted(_))));

    // Timely filing: up to 90 days after the period.
    w.s.advance(365 * DAY_MS + 90 * DAY_MS);
    w.s.set_actor(w.clinic);
    let late = line(ServiceCategory::Consultation, "late", 100);
    w.s.assert_refused::<SubmitOutcome>(
        CL,
        "submit_claim",
        (policy, patient, record, vec![late]),
        Error::PolicyNotActive,
    );
}

#[test]
fn drug_lines_are_checked_against_provenance() {
    let mut w = world();
    let maker = w.s.organisation("maker", &[Role::Manufacturer]);
    let regulator = w.s.organisation("regulator", &[Role::Regulator]);
    let expiry = w.s.now() + 365 * DAY_MS;
    let coa = digest(b"coa");
    let mut batches = Vec::new();
    w.s.set_actor(maker);
    for lot_text in ["GOOD", "RECALLED", "QUARANTINED"] {
        let lot = LotNumber(lot_text.as_bytes().to_vec());
        let b =
            w.s.tx::<BatchId>(
                Contract::Provenance,
                "register_batch",
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
        let t =
            w.s.tx::<u64>(
                Contract::Provenance,
                "ship",
                (b, w.pharmacy, 10u64, digest(b"doc")),
            )
            .unwrap();
        w.s.set_actor(w.pharmacy);
        w.s.tx::<()>(Contract::Provenance, "accept", (b, t))
            .unwrap();
        for serial in [1u64, 2] {
            w.s.tx::<DispenseOutcome>(Contract::Provenance, "dispense", (b, serial))
                .unwrap();
        }
        w.s.set_actor(maker);
        batches.push(b);
    }
    let (good, recalled, quarantined) = (batches[0], batches[1], batches[2]);
    w.s.set_actor(regulator);
    w.s.tx::<()>(
        Contract::Provenance,
        "recall",
        (recalled, RecallReason::Contamination),
    )
    .unwrap();
    w.s.tx::<()>(
        Contract::Provenance,
        "quarantine",
        (quarantined, QuarantineReason::SuspectProduct),
    )
    .unwrap();
    // Serial 2 of the good batch is dispensed a second time somewhere: now suspect.
    w.s.set_actor(w.pharmacy);
    w.s.tx::<DispenseOutcome>(Contract::Provenance, "dispense", (good, 2u64))
        .unwrap();

    let drug_line = |batch: BatchId, serial: u64, what: &str| ClaimLine {
        drug: Some(DrugRef { batch, serial }),
        ..line(ServiceCategory::Pharmacy, what, 40)
    };
    let (policy, patient, record) = (w.policy, w.patient, w.record);
    w.s.set_actor(w.clinic);
    for (l, why) in [
        (drug_line(recalled, 1, "r"), "recalled batch"),
        (drug_line(quarantined, 1, "q"), "quarantined batch"),
        (drug_line(good, 2, "s"), "serial flagged suspect"),
        (
            drug_line(good, 99, "c"),
            "counterfeit serial (outside the range)",
        ),
        (drug_line(good, 3, "n"), "serial never dispensed"),
        (drug_line(77, 1, "u"), "unknown batch"),
    ] {
        let before = w.s.storage_roots();
        let answer =
            w.s.tx::<SubmitOutcome>(CL, "submit_claim", (policy, patient, record, vec![l]));
        assert_eq!(answer, Err(Error::DrugRefused), "{why}");
        assert_eq!(w.s.storage_roots(), before, "{why}");
    }
    let id = w.submitted(vec![drug_line(good, 1, "ok")]);
    assert_eq!(
        w.claim(id).lines[0].drug,
        Some(DrugRef {
            batch: good,
            serial: 1
        })
    );

    // A pack is billed once: another service code or amount does not make it billable again,
    // nor does another provider.
    for (who, l) in [
        (w.clinic, drug_line(good, 1, "again")),
        (
            w.clinic,
            ClaimLine {
                billed: 41,
                ..drug_line(good, 1, "ok")
            },
        ),
        (w.other_clinic, drug_line(good, 1, "elsewhere")),
    ] {
        w.s.set_actor(who);
        let before = w.s.storage_roots();
        let answer =
            w.s.tx::<SubmitOutcome>(CL, "submit_claim", (policy, patient, record, vec![l]));
        assert_eq!(answer, Err(Error::DuplicateClaim));
        assert_eq!(w.s.storage_roots(), before);
    }
    // Once the claim that billed it is voided, the pack may be billed again.
    w.s.set_actor(w.clinic);
    w.s.tx::<()>(CL, "void_claim", id).unwrap();
    let again = w.submitted(vec![drug_line(good, 1, "again")]);
    assert_eq!(w.claim(again).status, ClaimStatus::Submitted);
}

#[test]
fn adjudication_shares_costs_exactly() {
    let mut w = world();
    // Deductible 500, co-insurance 20 %, limit 10 000.
    let id = w.submitted(vec![
        line(ServiceCategory::Consultation, "visit", 400),
        line(ServiceCategory::Laboratory, "panel", 1_000),
        line(ServiceCategory::Laboratory, "extra", 250),
    ]);
    let claim_before = w.claim(id);
    w.s.set_actor(w.clinic);
    w.s.assert_refused::<ClaimStatus>(
        CL,
        "adjudicate",
        (id, vec![approve(400); 3]),
        Error::NotParty,
    );
    w.s.set_actor(w.other_insurer);
    w.s.assert_refused::<ClaimStatus>(
        CL,
        "adjudicate",
        (id, vec![approve(400); 3]),
        Error::NotParty,
    );
    w.s.set_actor(w.insurer);
    w.s.assert_refused::<ClaimStatus>(
        CL,
        "adjudicate",
        (id, vec![approve(400); 2]),
        Error::InvalidAdjudication,
    );
    w.s.assert_refused::<ClaimStatus>(
        CL,
        "adjudicate",
        (id, vec![approve(401), approve(1_000), approve(250)]),
        Error::InvalidAdjudication,
    );
    w.s.assert_refused::<ClaimStatus>(
        CL,
        "adjudicate",
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
    let p = w.s.query::<Option<Policy>>(CL, "policy", w.policy).unwrap();
    assert_eq!((p.plan_used, p.deductible_met), (640, 500));
    let changed = &w.s.events::<ClaimStatusChanged>()[0];
    assert_eq!(
        (changed.status, changed.approved, changed.patient_share),
        (status, 640, 660)
    );
    w.s.set_actor(w.insurer);
    w.s.assert_refused::<ClaimStatus>(
        CL,
        "adjudicate",
        (id, vec![approve(1); 3]),
        Error::InvalidClaimState,
    );

    // The deductible is met now: the next claim pays 80 % from the first unit.
    let next = w.submitted(vec![line(ServiceCategory::Consultation, "follow-up", 100)]);
    assert_eq!(
        w.adjudicate(next, vec![approve(100)]),
        Ok(ClaimStatus::Approved)
    );
    let c = w.claim(next);
    assert_eq!((c.approved, c.patient_share), (80, 20));
}

#[test]
fn denial_pend_appeal_once() {
    let mut w = world();
    let id = w.submitted(vec![line(ServiceCategory::Laboratory, "panel", 1_000)]);
    w.s.set_actor(w.clinic);
    w.s.assert_refused::<()>(
        CL,
        "pend",
        (id, DenialReason::MissingInformation),
        Error::NotParty,
    );
    w.s.set_actor(w.insurer);
    w.s.tx::<()>(CL, "pend", (id, DenialReason::MissingInformation))
        .unwrap();
    assert_eq!(w.claim(id).status, ClaimStatus::Pended);
    w.s.assert_refused::<()>(
        CL,
        "pend",
        (id, DenialReason::MissingInformation),
        Error::InvalidClaimState,
    );
    assert_eq!(
        w.adjudicate(id, vec![LineDecision::Deny(DenialReason::NonCovered)]),
        Ok(ClaimStatus::Denied)
    );
    assert_eq!(w.claim(id).approved, 0);

    w.s.set_actor(w.insurer);
    w.s.assert_refused::<()>(CL, "appeal", id, Error::NotParty);
    w.s.set_actor(w.clinic);
    w.s.tx::<()>(CL, "appeal", id).unwrap();
    assert_eq!(w.claim(id).status, ClaimStatus::Appealed);
    assert_eq!(
        w.adjudicate(id, vec![approve(1_000)]),
        Ok(ClaimStatus::Approved)
    );
    let c = w.claim(id);
    assert_eq!((c.approved, c.patient_share), (400, 600));
    w.s.set_actor(w.clinic);
    w.s.assert_refused::<()>(CL, "appeal", id, Error::InvalidClaimState);

    // A partially approved claim may be appealed too, once; the commitment waits meanwhile.
    let second = w.submitted(vec![
        line(ServiceCategory::Laboratory, "a", 100),
        line(ServiceCategory::Laboratory, "b", 100),
    ]);
    w.adjudicate(
        second,
        vec![approve(100), LineDecision::Deny(DenialReason::NonCovered)],
    )
    .unwrap();
    let committed = w.escrow(w.insurer).committed;
    w.s.set_actor(w.clinic);
    w.s.tx::<()>(CL, "appeal", second).unwrap();
    assert_eq!(w.escrow(w.insurer).committed, committed - 80);
    w.adjudicate(
        second,
        vec![approve(100), LineDecision::Deny(DenialReason::NonCovered)],
    )
    .unwrap();
    w.s.set_actor(w.clinic);
    w.s.assert_refused::<()>(CL, "appeal", second, Error::AppealUsed);

    // Replacing the claim does not renew its appeal.
    let outcome =
        w.s.tx::<SubmitOutcome>(
            CL,
            "replace_claim",
            (
                second,
                w.record,
                vec![
                    line(ServiceCategory::Laboratory, "a", 100),
                    line(ServiceCategory::Laboratory, "b", 100),
                ],
            ),
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
    w.s.assert_refused::<()>(CL, "appeal", replacement, Error::AppealUsed);
}

#[test]
fn settlement_pays_the_provider_exactly_once_from_the_right_escrow() {
    let mut w = world();
    // The other insurer's escrow must not move.
    w.s.set_actor(w.other_insurer);
    w.s.tx_with_value::<()>(CL, "deposit", (), 50_000).unwrap();
    let id = w.submitted(vec![line(ServiceCategory::Laboratory, "panel", 2_000)]);
    w.s.set_actor(w.clinic);
    w.s.assert_refused::<Balance>(CL, "settle", id, Error::InvalidClaimState);
    w.adjudicate(id, vec![approve(1_500)]).unwrap();
    // 500 deductible, then 1 000: 200 co-insurance, 800 plan.
    assert_eq!(w.claim(id).approved, 800);

    let contract = w.s.address(CL);
    let (clinic_before, contract_before) = (w.s.balance(&w.clinic), w.s.balance(&contract));
    w.s.set_actor(w.alice);
    w.s.assert_refused::<Balance>(CL, "settle", id, Error::NotParty);
    w.s.set_actor(w.insurer);
    assert_eq!(w.s.tx::<Balance>(CL, "settle", id), Ok(800));
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
        w.s.assert_refused::<Balance>(CL, "settle", id, Error::InvalidClaimState);
    }
    w.s.set_actor(w.clinic);
    w.s.assert_refused::<()>(CL, "void_claim", id, Error::InvalidClaimState);
    assert_eq!(w.s.balance(&w.clinic), clinic_before + 800);

    // The provider may settle too; a claim approved for 0 settles without a transfer.
    let small = w.submitted(vec![line(ServiceCategory::Consultation, "tiny", 10)]);
    w.adjudicate(small, vec![approve(0)]).unwrap();
    w.s.set_actor(w.clinic);
    assert_eq!(w.s.tx::<Balance>(CL, "settle", small), Ok(0));
}

#[test]
fn escrow_must_cover_approvals() {
    let mut w = world();
    w.s.set_actor(w.insurer);
    w.s.tx::<()>(CL, "withdraw", 99_500u128).unwrap();
    let id = w.submitted(vec![line(ServiceCategory::Laboratory, "big", 5_000)]);
    // Plan share 3 600 > 500 in escrow.
    w.s.set_actor(w.insurer);
    w.s.assert_refused::<ClaimStatus>(
        CL,
        "adjudicate",
        (id, vec![approve(5_000)]),
        Error::InsufficientEscrow,
    );
    w.s.tx_with_value::<()>(CL, "deposit", (), 3_100).unwrap();
    assert_eq!(
        w.adjudicate(id, vec![approve(5_000)]),
        Ok(ClaimStatus::Approved)
    );
    // Committed money cannot be withdrawn.
    w.s.set_actor(w.insurer);
    w.s.assert_refused::<()>(CL, "withdraw", 1u128, Error::InsufficientEscrow);
}

#[test]
fn annual_limit_caps_what_the_plan_pays() {
    let mut w = world();
    let id = w.submitted(vec![line(ServiceCategory::Laboratory, "a", 20_000)]);
    w.adjudicate(id, vec![approve(20_000)]).unwrap();
    let c = w.claim(id);
    // 500 deductible, 19 500 left: 3 900 co-insurance, 15 600 plan share capped at 10 000.
    assert_eq!(
        (c.approved, c.results[0].over_limit, c.patient_share),
        (10_000, 5_600, 10_000)
    );
    let next = w.submitted(vec![line(ServiceCategory::Laboratory, "b", 100)]);
    w.adjudicate(next, vec![approve(100)]).unwrap();
    assert_eq!(w.claim(next).approved, 0);
    assert_eq!(w.claim(next).patient_share, 100);
}

#[test]
fn void_and_replace_link_to_the_original() {
    let mut w = world();
    let l = line(ServiceCategory::Laboratory, "panel", 1_000);
    let id = w.submitted(vec![l]);
    w.adjudicate(id, vec![approve(1_000)]).unwrap();
    assert_eq!(w.escrow(w.insurer).committed, 400);

    w.s.set_actor(w.other_clinic);
    w.s.assert_refused::<()>(CL, "void_claim", id, Error::NotParty);
    w.s.assert_refused::<SubmitOutcome>(
        CL,
        "replace_claim",
        (id, w.record, vec![l]),
        Error::NotParty,
    );

    // The replacement may repeat the original's lines; the original is released.
    w.s.set_actor(w.clinic);
    let corrected = vec![
        l,
        line(ServiceCategory::Consultation, "forgotten visit", 200),
    ];
    let outcome =
        w.s.tx::<SubmitOutcome>(CL, "replace_claim", (id, w.record, corrected))
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
    let p = w.s.query::<Option<Policy>>(CL, "policy", w.policy).unwrap();
    assert_eq!((p.plan_used, p.deductible_met), (0, 0));
    w.s.assert_refused::<SubmitOutcome>(
        CL,
        "replace_claim",
        (
            id,
            w.record,
            vec![line(ServiceCategory::Laboratory, "x", 5)],
        ),
        Error::InvalidClaimState,
    );
    // The replacement holds the duplicate keys now.
    w.s.set_actor(w.clinic);
    w.s.assert_refused::<SubmitOutcome>(
        CL,
        "submit_claim",
        (w.policy, w.patient, w.record, vec![l]),
        Error::DuplicateClaim,
    );

    // Voiding releases them: the same service can be billed again.
    w.s.tx::<()>(CL, "void_claim", new).unwrap();
    assert_eq!(
        w.s.events::<ClaimStatusChanged>()[0].status,
        ClaimStatus::Voided
    );
    w.s.assert_refused::<()>(CL, "void_claim", new, Error::InvalidClaimState);
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
    w.policy =
        w.s.tx::<PolicyId>(CL, "create_policy", (w.patient, t))
            .unwrap();
    let id = w.submitted(vec![line(ServiceCategory::Laboratory, "huge", u128::MAX)]);
    let before = w.claim(id);
    w.s.set_actor(w.insurer);
    w.s.assert_refused::<ClaimStatus>(
        CL,
        "adjudicate",
        (id, vec![approve(u128::MAX)]),
        Error::Overflow,
    );
    assert_eq!(w.claim(id), before);
}

#[test]
fn paused_claims_refuse_changes() {
    let mut w = world();
    let id = w.submitted(vec![line(ServiceCategory::Laboratory, "panel", 1_000)]);
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx::<()>(CL, "Governed::set_paused", true).unwrap();
    w.s.set_actor(w.insurer);
    w.s.assert_refused::<ClaimStatus>(CL, "adjudicate", (id, vec![approve(1)]), Error::Paused);
    w.s.assert_refused::<()>(CL, "withdraw", 1u128, Error::Paused);
    assert_eq!(w.claim(id).status, ClaimStatus::Submitted);
}
