//! The main job: the healthcare scenario across the suite, as a readable transcript with each
//! call's gas. It runs on any chain ([`ChainWrite`]): in process (`scripts/demo.sh`) or on a node
//! (`scripts/demo.sh --url ...`), and it can be played again on a chain that keeps its state
//! (fresh actors, patient ids and lot numbers each run).

use carechain_common::*;
use carechain_sdk::audit;
use carechain_sdk::claims::{check_pack, claim_line, LineInput, PackCheck};
use carechain_sdk::deploy::{credential, digest, key_for};
use carechain_sdk::gs1::gtin_for;
use carechain_sdk::ledger::ChainWrite;
use carechain_sdk::msg::{access, claims, consent, credentials, provenance, registry};
use carechain_sdk::view;
use ink::primitives::AccountId;

/// What the scenario observed, for the tests that run it.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub hospital_read_granted: bool,
    pub researcher_denied: bool,
    pub denied_after_revoke: bool,
    pub emergency_granted: bool,
    pub patient_trail_len: u64,
    pub chain_verified: u64,
    pub counterfeit_caught: bool,
    pub duplicate_flagged: bool,
    pub shipping_stopped_by_recall: bool,
    pub recalled_pack_verdict: Option<Verdict>,
    pub claim_status: Option<ClaimStatus>,
    pub settled_amount: Balance,
    pub provider_received: Balance,
    pub duplicate_refused: bool,
    pub recalled_drug_refused: bool,
    pub no_consent_refused: bool,
    /// The venue's verification of Alice's "fully vaccinated" presentation.
    pub credential_verdict: Option<PresentationVerdict>,
    /// The same proof after the dose's lot was recalled.
    pub credential_after_recall: Option<PresentationVerdict>,
    /// The off-chain verifier agreed with the contract both times.
    pub offchain_agrees: bool,
    /// What the record vault did, when the scenario ran with one.
    pub vault: Option<VaultSummary>,
}

/// The data plane's part of the story.
#[derive(Debug, Default, Clone)]
pub struct VaultSummary {
    /// The hospital's granted read was served and decrypted, and matched its anchor.
    pub hospital_decrypted: bool,
    /// Why the gateway refused the researcher.
    pub researcher_refusal: String,
    /// Why the gateway refused the hospital's earlier granted entry after the revocation.
    pub after_revoke_refusal: String,
    /// The emergency physician got the record through the patient's custodian.
    pub emergency_decrypted: bool,
    /// The patient's client detected a blob altered in storage.
    pub tamper_detected: String,
}

/// The record vault as the scenario uses it: the gateway's client with each actor's keys
/// (`carechain-gateway` implements it). Errors are the gateway's refusals or the client's
/// findings, as sentences with their reason code.
pub trait DataPlane<L: ChainWrite> {
    /// The author's client encrypts a record version: the content hash and sealed locator
    /// for its anchor.
    fn seal(
        &mut self,
        l: &mut L,
        author: AccountId,
        patient: PatientId,
        record: RecordId,
        version: u32,
        plaintext: &[u8],
    ) -> core::result::Result<(Digest, EncryptedLocator), String>;
    /// After the anchor: upload the blob and the data key wrapped for the patient, the author
    /// and the patient's emergency custodian.
    fn upload(
        &mut self,
        l: &mut L,
        author: AccountId,
        record: RecordId,
    ) -> core::result::Result<(), String>;
    /// Download and decrypt a record as `reader`, against its decision entry `entry`.
    fn fetch(
        &mut self,
        l: &mut L,
        reader: AccountId,
        record: RecordId,
        entry: u64,
    ) -> core::result::Result<Vec<u8>, String>;
    /// The patient's custodian re-wraps the record's key for an emergency provider, after
    /// checking the provider's granted break-glass entry `entry`.
    fn emergency_rewrap(
        &mut self,
        l: &mut L,
        custodian: AccountId,
        provider: AccountId,
        record: RecordId,
        entry: u64,
    ) -> core::result::Result<(), String>;
    /// Alter the stored blob, as a compromised store would (demonstration only).
    fn corrupt(&mut self, record: RecordId) -> core::result::Result<(), String>;
}

pub fn section(title: &str) {
    println!("\n== {title} ==");
}

pub fn note(text: &str) {
    println!("  · {text}");
}

fn ok<T: std::fmt::Debug>(answer: Result<T>, what: &str) -> T {
    answer.unwrap_or_else(|e| panic!("scenario step failed: {what}: {e:?}"))
}

/// Credential organisations (name, roles) as the admin; returns their accounts.
pub fn credential_all<L: ChainWrite>(s: &mut L, orgs: &[(&str, &[Role])]) -> Vec<AccountId> {
    let admin = s.admin();
    let accounts: Vec<AccountId> = orgs.iter().map(|(name, _)| s.actor(name)).collect();
    s.set_actor(admin);
    for ((name, roles), who) in orgs.iter().zip(&accounts) {
        ok(
            s.tx(
                registry::REGISTER_ORGANISATION,
                (*who, RoleSet::of(roles), credential(name), key_for(name)),
            ),
            "register organisation",
        );
    }
    accounts
}

/// The patient side, the hospital's record and the break-glass story.
pub struct Care {
    pub alice: AccountId,
    pub patient: PatientId,
    pub hospital: AccountId,
    pub researcher: AccountId,
    pub er: AccountId,
    pub custodian: AccountId,
    pub grant: GrantId,
}

/// Run the whole scenario on `s` without a record vault (anchors with placeholder hashes).
pub fn run<L: ChainWrite>(s: &mut L) -> Summary {
    run_with(s, None)
}

/// A lab report as FHIR R4 would carry it: the plaintext the vault encrypts.
pub const LAB_REPORT: &[u8] = br#"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7","display":"Hemoglobin [Mass/volume] in Blood"}]},"valueQuantity":{"value":13.5,"unit":"g/dL"}}"#;

fn refusal<T>(answer: core::result::Result<T, String>, what: &str) -> String {
    match answer {
        Ok(_) => panic!("{what}: the vault served it"),
        Err(reason) => {
            note(&format!("{what}: refused: {reason}"));
            reason
        }
    }
}

/// Run the whole scenario on `s`, with the record vault when `vault` is given. Panics if a step
/// does not behave as the story says.
pub fn run_with<L: ChainWrite>(s: &mut L, mut vault: Option<&mut dyn DataPlane<L>>) -> Summary {
    let mut summary = Summary::default();
    s.set_verbose(true);

    section("Deployment");
    for c in carechain_sdk::contracts::Contract::ALL {
        let address = s.address(c);
        note(&format!(
            "{:<10} at 0x{}",
            c.name(),
            hex::encode(AsRef::<[u8; 32]>::as_ref(&address))
        ));
    }

    let care = patient_and_consent(s);
    let Care {
        alice,
        patient,
        hospital,
        researcher,
        er,
        custodian,
        grant,
    } = care;
    let mut vs = VaultSummary::default();

    section(if vault.is_some() {
        "The hospital encrypts a lab report, anchors its hash, uploads it and reads it back"
    } else {
        "The hospital anchors a lab report and reads it back (granted, logged)"
    });
    s.set_actor(hospital);
    let id = carechain_sdk::new_record_id(s);
    let (content_hash, locator) = match vault.as_mut() {
        Some(v) => {
            let sealed = v
                .seal(s, hospital, patient, id, 1, LAB_REPORT)
                .unwrap_or_else(|e| panic!("seal: {e}"));
            note(&format!(
                "encrypted {} bytes (XChaCha20-Poly1305, fresh data key); anchored hash 0x{}",
                LAB_REPORT.len(),
                hex::encode(sealed.0 .0)
            ));
            sealed
        }
        None => (
            digest(b"ciphertext of lab report v1"),
            EncryptedLocator(b"sealed(gateway=local, object=records/lab-0001.v1)".to_vec()),
        ),
    };
    let write = ok(
        s.tx(
            consent::ADD_RECORD,
            (
                id,
                patient,
                DataCategory::Laboratory,
                Purpose::Treatment,
                content_hash,
                locator.clone(),
            ),
        ),
        "add record",
    );
    let record = write.record.expect("write granted");
    if let Some(v) = vault.as_mut() {
        v.upload(s, hospital, record)
            .unwrap_or_else(|e| panic!("upload: {e}"));
        note("uploaded the blob and the key wrapped for Alice, the hospital and Alice's custodian");
    }
    let read = ok(
        s.tx(access::ACCESS_RECORD, (record, Purpose::Treatment)),
        "read",
    );
    summary.hospital_read_granted = read.decision.is_granted() && read.locator == Some(locator);
    assert!(
        summary.hospital_read_granted,
        "the hospital must be granted"
    );
    let granted_entry = read.decision.audit_seq;
    if let Some(v) = vault.as_mut() {
        let plaintext = v
            .fetch(s, hospital, record, granted_entry)
            .unwrap_or_else(|e| panic!("the hospital's granted read: {e}"));
        vs.hospital_decrypted = plaintext == LAB_REPORT;
        assert!(vs.hospital_decrypted);
        note(&format!(
            "the gateway released it against entry #{granted_entry}; decrypted {} bytes, hash matches the anchor",
            plaintext.len()
        ));
    }

    section("A researcher asks for the same data for research (denied, logged)");
    s.set_actor(researcher);
    let denied = ok(
        s.tx(
            access::CHECK_ACCESS,
            (patient, DataCategory::Laboratory, Purpose::Research),
        ),
        "researcher check",
    );
    summary.researcher_denied = !denied.is_granted();
    assert!(summary.researcher_denied);
    if let Some(v) = vault.as_mut() {
        let asked = ok(
            s.tx(access::ACCESS_RECORD, (record, Purpose::Research)),
            "researcher read",
        );
        vs.researcher_refusal = refusal(
            v.fetch(s, researcher, record, asked.decision.audit_seq),
            "the gateway, to the researcher",
        );
    }

    section("Alice revokes; the hospital is denied from now on");
    s.set_actor(alice);
    ok(s.tx(consent::REVOKE_GRANT, grant), "revoke");
    s.set_actor(hospital);
    let after = ok(
        s.tx(access::ACCESS_RECORD, (record, Purpose::Treatment)),
        "read again",
    );
    summary.denied_after_revoke = !after.decision.is_granted() && after.locator.is_none();
    assert!(summary.denied_after_revoke);
    if let Some(v) = vault.as_mut() {
        vs.after_revoke_refusal = refusal(
            v.fetch(s, hospital, record, granted_entry),
            "the gateway, to the hospital's earlier granted entry",
        );
    }

    section("An emergency physician breaks the glass (recorded, not prevented)");
    s.set_actor(er);
    let session = match ok(
        s.tx(
            consent::BREAK_GLASS,
            (patient, EmergencyReason::PatientUnconscious),
        ),
        "break glass",
    ) {
        BreakGlass::Opened(id) => id,
        refused => panic!("break-glass refused: {refused:?}"),
    };
    let emergency = ok(
        s.tx(access::ACCESS_RECORD, (record, Purpose::EmergencyTreatment)),
        "emergency read",
    );
    summary.emergency_granted = emergency.decision.is_granted();
    assert!(summary.emergency_granted);
    if let Some(v) = vault.as_mut() {
        let entry = emergency.decision.audit_seq;
        v.emergency_rewrap(s, custodian, er, record, entry)
            .unwrap_or_else(|e| panic!("custodian re-wrap: {e}"));
        note("Alice's custodian checked the granted break-glass entry and re-wrapped the key for the ER");
        let plaintext = v
            .fetch(s, er, record, entry)
            .unwrap_or_else(|e| panic!("the emergency read: {e}"));
        vs.emergency_decrypted = plaintext == LAB_REPORT;
        assert!(vs.emergency_decrypted);
        note("the ER physician decrypted the lab report");
    }
    ok(s.tx(consent::CLOSE_EMERGENCY, session), "close emergency");

    section("Alice reviews who touched her data (read from the audit log's storage)");
    s.set_verbose(false);
    let trail = view::patient_trail(s, patient, 0, MAX_PAGE);
    summary.patient_trail_len = trail.total;
    for entry in trail.items.iter().rev() {
        print_entry(s, entry);
    }
    let reviews = view::patient_emergencies(s, patient, 0, MAX_PAGE).items;
    note(&format!(
        "break-glass review list: {} session(s), reason {:?}, closed by {}",
        reviews.len(),
        reviews[0].reason,
        reviews[0]
            .closed_by
            .map(|a| s.name_of(&a))
            .unwrap_or_default()
    ));
    if let Some(first) = trail.items.last() {
        note(&format!(
            "as FHIR AuditEvent: {}",
            carechain_sdk::fhir::audit_event(first)
        ));
    }
    if let Some(v) = vault.as_mut() {
        section("A compromised store alters the blob; Alice's client detects it");
        s.set_verbose(true);
        s.set_actor(alice);
        let own = ok(
            s.tx(access::ACCESS_RECORD, (record, Purpose::Treatment)),
            "Alice's own read",
        );
        v.corrupt(record).unwrap_or_else(|e| panic!("corrupt: {e}"));
        vs.tamper_detected = refusal(
            v.fetch(s, alice, record, own.decision.audit_seq),
            "Alice's client",
        );
        summary.vault = Some(vs);
    }

    let drug = drug_supply_chain(s, &mut summary);
    insurance_claims(s, &mut summary, patient, hospital, record, drug);
    immunisation(s, &mut summary);

    section("Anyone verifies the audit chain from genesis");
    let verified = audit::verify_deployed(s).expect("the audit chain verifies");
    let head = view::audit_root(s).head;
    note(&format!(
        "{verified} entries recomputed with sha2; head 0x{} matches",
        hex::encode(head.0)
    ));
    summary.chain_verified = verified;
    s.set_verbose(true);
    summary
}

/// One audit entry as a transcript line.
pub fn print_entry<L: ChainWrite>(s: &L, entry: &AuditEntry) {
    let r = &entry.record;
    note(&format!(
        "#{:<3} {} {:<16} by {:<20} {:<8} {}",
        entry.seq,
        carechain_sdk::dates::format_time(entry.recorded_at),
        r.action.fhir_type().1,
        s.name_of(&r.actor),
        r.purpose.map(|p| p.code()).unwrap_or("-"),
        match r.outcome {
            AuditOutcome::Success => "ok".to_owned(),
            AuditOutcome::Granted(b) => format!("GRANTED {b:?}"),
            AuditOutcome::Denied(d) => format!("DENIED {d:?}"),
        }
    ));
}

/// Organisations, a patient with a delegate and guardians, and a 30-day treatment grant to the
/// hospital.
pub fn patient_and_consent<L: ChainWrite>(s: &mut L) -> Care {
    section("Governance credentials organisations");
    let orgs = credential_all(
        s,
        &[
            ("st-mary-hospital", &[Role::Provider]),
            ("genomics-institute", &[Role::Researcher]),
            ("er-physician", &[Role::Provider]),
            ("emergency-key-service", &[Role::PublicHealth]),
        ],
    );
    let (hospital, researcher, er, custodian) = (orgs[0], orgs[1], orgs[2], orgs[3]);

    section("A patient registers with a random pseudonymous id");
    let alice = s.actor("alice");
    let carer = s.actor("alice-carer");
    let guardians = [
        s.actor("guardian-1"),
        s.actor("guardian-2"),
        s.actor("guardian-3"),
    ];
    let patient = s.fresh_patient_id();
    note(&format!(
        "patient id 0x{} (32 random bytes, nothing about Alice)",
        hex::encode(patient.0)
    ));
    s.set_actor(alice);
    ok(
        s.tx(registry::REGISTER_PATIENT, (patient, key_for("alice"))),
        "register patient",
    );
    ok(
        s.tx(
            registry::ADD_DELEGATE,
            (patient, carer, DelegateKind::Carer, None::<u64>),
        ),
        "add delegate",
    );
    ok(
        s.tx(registry::SET_GUARDIANS, (patient, guardians.to_vec(), 2u8)),
        "set guardians",
    );
    ok(
        s.tx(registry::SET_CUSTODIAN, (patient, Some(custodian))),
        "set custodian",
    );
    note("emergency custodian: emergency-key-service (holds a wrapped key of each new record)");

    section("Alice grants the hospital treatment access to laboratory results for 30 days");
    let now = s.now();
    let scope = GrantScope {
        categories: CategorySet::of(&[DataCategory::Laboratory]),
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        valid_from: now,
        valid_until: now + 30 * DAY_MS,
    };
    let grant = ok(
        s.tx(
            consent::CREATE_GRANT,
            (patient, Grantee::Account(hospital), scope, Effect::Permit),
        ),
        "create grant",
    );
    Care {
        alice,
        patient,
        hospital,
        researcher,
        er,
        custodian,
        grant,
    }
}

/// A batch moves from manufacturer to distributor to two pharmacies; one dispenses; a counterfeit
/// is caught; the regulator recalls; shipping stops and a pharmacist's scan says "recalled".
fn drug_supply_chain<L: ChainWrite>(s: &mut L, summary: &mut Summary) -> DrugRef {
    s.set_verbose(true);
    section("Pharma: a manufacturer registers a batch (its GTIN becomes its own)");
    let orgs = credential_all(
        s,
        &[
            ("acme-pharma", &[Role::Manufacturer]),
            ("medi-distrib", &[Role::Distributor]),
            ("corner-pharmacy", &[Role::Pharmacy]),
            ("station-pharmacy", &[Role::Pharmacy]),
            ("drug-regulator", &[Role::Regulator]),
        ],
    );
    let (maker, distributor, pharmacy_a, pharmacy_b, regulator) =
        (orgs[0], orgs[1], orgs[2], orgs[3], orgs[4]);
    // A GTIN and lot of this run's own, so the scenario can be played again on a chain that
    // keeps its state (a node): a GTIN belongs to its first manufacturer.
    let tag = s.fresh_patient_id();
    let gtin = gtin_for(&tag.0);
    let lot = LotNumber(format!("AMX-{}", hex::encode(&tag.0[..4])).into_bytes());
    let expiry = s.now() + 540 * DAY_MS;
    s.set_actor(maker);
    let batch = ok(
        s.tx(
            provenance::REGISTER_BATCH,
            (
                gtin,
                lot.clone(),
                expiry,
                5_000u64,
                5_999u64,
                1_000u64,
                digest(b"certificate of analysis AMX-2026-001"),
            ),
        ),
        "register batch",
    );

    section("Custody: manufacturer -> distributor -> two pharmacies (ship, then accept)");
    let doc = |n: &str| digest(format!("despatch advice {n}").as_bytes());
    let t = ok(
        s.tx(provenance::SHIP, (batch, distributor, 600u64, doc("1"))),
        "ship",
    );
    s.set_actor(distributor);
    ok(s.tx(provenance::ACCEPT, (batch, t)), "accept");
    for (pharmacy, qty, n) in [(pharmacy_a, 100u64, "2"), (pharmacy_b, 50u64, "3")] {
        s.set_actor(distributor);
        let t = ok(
            s.tx(provenance::SHIP, (batch, pharmacy, qty, doc(n))),
            "ship",
        );
        s.set_actor(pharmacy);
        ok(s.tx(provenance::ACCEPT, (batch, t)), "accept");
    }

    section("A pharmacy verifies and dispenses a pack");
    s.set_actor(pharmacy_a);
    let v = s.query(provenance::VERIFY, (gtin, lot.clone(), 5_042u64));
    note(&format!("scan of serial 5042: {:?}", v.verdict));
    ok(s.tx(provenance::DISPENSE, (batch, 5_042u64)), "dispense");

    section("Counterfeits are caught");
    let fake = s.query(provenance::VERIFY, (gtin, lot.clone(), 7_777u64));
    note(&format!(
        "a pack printed with serial 7777: {:?}",
        fake.verdict
    ));
    summary.counterfeit_caught = fake.verdict == Verdict::UnknownSerial;
    assert!(summary.counterfeit_caught);
    s.set_actor(pharmacy_b);
    let cloned = ok(
        s.tx(provenance::DISPENSE, (batch, 5_042u64)),
        "dispense clone",
    );
    summary.duplicate_flagged = cloned == DispenseOutcome::FlaggedSuspect;
    assert!(
        summary.duplicate_flagged,
        "a serial dispensed twice is flagged"
    );
    let v = s.query(provenance::VERIFY, (gtin, lot.clone(), 5_042u64));
    note(&format!("serial 5042 now verifies as {:?}", v.verdict));

    section("The regulator recalls the batch; shipping stops for every holder");
    s.set_actor(regulator);
    ok(
        s.tx(provenance::RECALL, (batch, RecallReason::Counterfeit)),
        "recall",
    );
    s.set_actor(distributor);
    let refused = s.tx(provenance::SHIP, (batch, pharmacy_a, 10u64, doc("4")));
    summary.shipping_stopped_by_recall = refused == Err(Error::BatchRecalled);
    assert!(summary.shipping_stopped_by_recall);
    let scan = s.query(provenance::VERIFY, (gtin, lot, 5_100u64));
    note(&format!(
        "a pharmacist scans a pack of the batch: {:?}",
        scan.verdict
    ));
    summary.recalled_pack_verdict = Some(scan.verdict);
    s.set_verbose(false);
    let b = view::batch(s, batch).expect("batch");
    note(&format!(
        "batch {}: status {:?}, {} transfers, {} dispensed, {} set aside, {} in transit",
        b.id, b.status, b.transfer_count, b.dispensed, b.set_aside, b.in_transit
    ));
    DrugRef {
        batch,
        serial: 5_043,
    }
}

/// Insurer escrow, a consented claim partially approved and settled, a duplicate, a recalled drug
/// and a claim without payment consent refused.
fn insurance_claims<L: ChainWrite>(
    s: &mut L,
    summary: &mut Summary,
    patient: PatientId,
    hospital: AccountId,
    record: RecordId,
    recalled_drug: DrugRef,
) {
    s.set_verbose(true);
    section("Insurance: insurers fund their escrow and cover Alice");
    let insurers = credential_all(
        s,
        &[
            ("carefirst-insurance", &[Role::Insurer]),
            ("unity-health", &[Role::Insurer]),
        ],
    );
    let (insurer, other_insurer) = (insurers[0], insurers[1]);
    let alice = s.actor("alice");
    let now = s.now();
    let terms = PolicyTerms {
        coverage: CoverageSet::of(&[
            ServiceCategory::Consultation,
            ServiceCategory::Laboratory,
            ServiceCategory::Pharmacy,
        ]),
        period_start: now,
        period_end: now + 365 * DAY_MS,
        annual_limit: 50_000,
        deductible: 200,
        coinsurance_bps: 2_000,
    };
    let mut policies = Vec::new();
    for who in [insurer, other_insurer] {
        s.set_actor(who);
        ok(s.tx_with_value(claims::DEPOSIT, (), 1_000_000), "deposit");
        policies.push(ok(s.tx(claims::CREATE_POLICY, (patient, terms)), "policy"));
    }

    section("Alice lets CareFirst see her lab data for payment");
    s.set_actor(alice);
    let scope = GrantScope {
        categories: CategorySet::of(&[DataCategory::Laboratory]),
        purposes: PurposeSet::of(&[Purpose::Payment]),
        valid_from: now,
        valid_until: now + 365 * DAY_MS,
    };
    ok(
        s.tx(
            consent::CREATE_GRANT,
            (patient, Grantee::Account(insurer), scope, Effect::Permit),
        ),
        "payment grant",
    );

    section("The hospital submits a claim backed by its lab record (consent checked, disclosure logged)");
    note("no service code, date, category or pack goes on chain: keyed hashes under the key the hospital and CareFirst share off chain");
    // A stand-in for the key the provider and the insurer agree on off chain.
    let key = digest(b"claims key shared by st-mary-hospital and carefirst-insurance").0;
    let line = |code: &str, billed, pack| {
        claim_line(
            &key,
            &LineInput {
                code: code.into(),
                date: "2026-01-01".into(),
                billed,
                pack,
            },
        )
    };
    let lab_line = line("80053", 1_200, None);
    let visit_line = line("99214", 300, None);
    s.set_actor(hospital);
    let submitted = ok(
        s.tx(
            claims::SUBMIT_CLAIM,
            (policies[0], patient, record, vec![lab_line, visit_line]),
        ),
        "submit claim",
    );
    let SubmitOutcome::Submitted(claim) = submitted else {
        panic!("the consented claim must be accepted: {submitted:?}")
    };

    section(
        "CareFirst adjudicates: lab allowed 1 000 of 1 200, visit denied -> partially approved",
    );
    s.set_actor(insurer);
    let status = ok(
        s.tx(
            claims::ADJUDICATE,
            (
                claim,
                vec![
                    LineDecision::Approve { allowed: 1_000 },
                    LineDecision::Deny(DenialReason::NotMedicallyNecessary),
                ],
            ),
        ),
        "adjudicate",
    );
    summary.claim_status = Some(status);
    let c = view::claim(s, claim).expect("claim");
    note(&format!(
        "lab line: deductible {}, co-insurance {}, plan pays {}; patient owes {}",
        c.results[0].deductible, c.results[0].coinsurance, c.results[0].plan_pays, c.patient_share
    ));

    section("Settlement: the approved amount moves from CareFirst's escrow to the hospital, once");
    let before = s.balance(&hospital);
    let escrow_before = view::escrow(s, insurer);
    summary.settled_amount = ok(s.tx(claims::SETTLE, claim), "settle");
    summary.provider_received = s.balance(&hospital) - before;
    let escrow_after = view::escrow(s, insurer);
    note(&format!(
        "hospital balance +{}; CareFirst escrow {} -> {}",
        summary.provider_received, escrow_before.balance, escrow_after.balance
    ));
    assert_eq!(summary.provider_received, summary.settled_amount);
    assert_eq!(s.tx(claims::SETTLE, claim), Err(Error::InvalidClaimState));

    section("Refusals: an exact duplicate, a recalled drug, a claim without payment consent");
    s.set_actor(hospital);
    let duplicate = s.tx(
        claims::SUBMIT_CLAIM,
        (policies[0], patient, record, vec![lab_line]),
    );
    summary.duplicate_refused = duplicate == Err(Error::DuplicateClaim);
    // The pack goes on chain only as its keyed commitment; CareFirst, which knows the pack from
    // the claim it receives off chain, checks it against provenance before paying.
    let drug_line = line(
        "J0456",
        80,
        Some((recalled_drug.batch, recalled_drug.serial)),
    );
    let drug_claim = ok(
        s.tx(
            claims::SUBMIT_CLAIM,
            (policies[0], patient, record, vec![drug_line]),
        ),
        "submit drug claim",
    );
    let SubmitOutcome::Submitted(drug_claim) = drug_claim else {
        panic!("the drug claim is consented: {drug_claim:?}")
    };
    let check = check_pack(
        s,
        &key,
        hospital,
        drug_line.drug.expect("a pack"),
        recalled_drug.batch,
        recalled_drug.serial,
    );
    note(&format!(
        "CareFirst checks the pack against provenance: {check:?}"
    ));
    s.set_actor(insurer);
    let denied = ok(
        s.tx(
            claims::ADJUDICATE,
            (
                drug_claim,
                vec![LineDecision::Deny(
                    check.denial().unwrap_or(DenialReason::NonCovered),
                )],
            ),
        ),
        "adjudicate the drug claim",
    );
    summary.recalled_drug_refused =
        check == PackCheck::BatchRecalled && denied == ClaimStatus::Denied;
    s.set_actor(hospital);
    let visit_again = line("99215", 300, None);
    let unconsented = s.tx(
        claims::SUBMIT_CLAIM,
        (policies[1], patient, record, vec![visit_again]),
    );
    summary.no_consent_refused = matches!(unconsented, Ok(SubmitOutcome::ConsentDenied { .. }));
    assert!(
        summary.duplicate_refused && summary.recalled_drug_refused && summary.no_consent_refused
    );

    section("Alice reads her claims");
    s.set_verbose(false);
    for c in view::patient_claims(s, patient, 0, MAX_PAGE).items {
        note(&format!(
            "claim {}: {:?}, billed {}, plan paid {}, patient share {}",
            c.id, c.status, c.billed, c.approved, c.patient_share
        ));
    }
}

/// A clinic vaccinates Alice from a lot it received and issues a credential; Alice proves
/// "fully vaccinated" to a venue without revealing the date or the lot; the lot is recalled and
/// the next verification says so.
fn immunisation<L: ChainWrite>(s: &mut L, summary: &mut Summary) {
    use carechain_sdk::credentials::{
        build, claims_from_immunization, verify_offchain, Claim, HolderKey, Standing,
    };
    s.set_verbose(true);
    section("Immunisation: a clinic vaccinates Alice from a lot it received");
    let orgs = credential_all(
        s,
        &[
            ("vaxgen-biologics", &[Role::Manufacturer]),
            ("city-clinic", &[Role::Provider]),
        ],
    );
    let (maker, clinic) = (orgs[0], orgs[1]);
    let tag = s.fresh_patient_id();
    let gtin = gtin_for(&tag.0);
    let lot = format!("VAX-{}", hex::encode(&tag.0[..3]));
    let expiry = s.now() + 365 * DAY_MS;
    s.set_actor(maker);
    let batch = ok(
        s.tx(
            provenance::REGISTER_BATCH,
            (
                gtin,
                LotNumber(lot.clone().into_bytes()),
                expiry,
                1u64,
                100u64,
                100u64,
                digest(b"vaccine lot release certificate"),
            ),
        ),
        "register vaccine lot",
    );
    let t = ok(
        s.tx(
            provenance::SHIP,
            (batch, clinic, 20u64, digest(b"cold-chain despatch")),
        ),
        "ship vaccine",
    );
    s.set_actor(clinic);
    ok(s.tx(provenance::ACCEPT, (batch, t)), "accept vaccine");
    ok(
        s.tx(provenance::DISPENSE, (batch, 7u64)),
        "administer dose (dispense serial 7)",
    );

    section(
        "The clinic issues a credential: a Merkle root over salted claims, nothing in the clear",
    );
    let date = carechain_sdk::dates::format_date(s.now());
    let immunization = serde_json::json!({
        "resourceType": "Immunization", "status": "completed",
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "208"}]},
        "patient": {"reference": "Patient/alice"},
        "occurrenceDateTime": format!("{date}T10:00:00Z"), "lotNumber": lot,
        "protocolApplied": [{"doseNumberPositiveInt": 2, "seriesDosesPositiveInt": 2,
            "targetDisease": [{"coding": [{"system": "http://snomed.info/sct", "code": "840539006"}]}]}],
    });
    let adult = Claim::new(&format!("age-18-plus@{date}"), "yes");
    let claims =
        claims_from_immunization(&immunization, &[adult]).expect("a complete Immunization");
    let alice_key = HolderKey::from_seed(b"alice");
    let wallet = build(&claims, &alice_key.public()).expect("claims fit");
    let dose = DrugRef { batch, serial: 7 };
    let id = ok(
        s.tx(credentials::ISSUE, (wallet.root, wallet.depth, dose)),
        "issue credential",
    );
    note(&format!(
        "{} claims + holder key in a tree of depth {}; root 0x{} anchored as credential {id}",
        claims.len(),
        wallet.depth,
        hex::encode(wallet.root.0)
    ));

    let venue = s.actor("concert-venue");
    let contract = s.address(carechain_sdk::Contract::Credentials);
    let fully = "fully-vaccinated:840539006";
    let prove = |s: &mut L, nonce: &str| {
        let challenge = digest(nonce.as_bytes());
        let presentation = wallet
            .present(&[fully], &alice_key, &contract, id, &venue, &challenge)
            .expect("the claim exists");
        s.set_actor(venue);
        // The venue checks the claim it received and passes the chain only its leaf hash.
        let result = ok(
            s.tx(credentials::VERIFY_PRESENTATION, presentation.call_args()),
            "verify presentation",
        );
        let standing = Standing::read(s, id).expect("the credential");
        let offchain = verify_offchain(&standing, &contract, &venue, &presentation);
        let names: Vec<String> = presentation
            .claims
            .iter()
            .map(|c| String::from_utf8_lossy(&c.name).into_owned())
            .collect();
        note(&format!(
            "shown to the venue: {names:?} (not the date, not the lot; on chain only its leaf hash); contract: {:?} (audit entry {}), off-chain verifier: {offchain:?}",
            result.verdict, result.audit_seq
        ));
        (result.verdict, offchain == result.verdict)
    };
    section("Alice proves \"fully vaccinated\" to a venue, answering its challenge");
    let (first, agree_first) = prove(s, &format!("venue nonce {} 1", hex::encode(tag.0)));
    summary.credential_verdict = Some(first);

    section(
        "The vaccine lot is recalled; the next verification reports it (no loop over credentials)",
    );
    s.set_actor(maker);
    ok(
        s.tx(provenance::RECALL, (batch, RecallReason::Contamination)),
        "recall vaccine lot",
    );
    let (second, agree_second) = prove(s, &format!("venue nonce {} 2", hex::encode(tag.0)));
    summary.credential_after_recall = Some(second);
    summary.offchain_agrees = agree_first && agree_second;
}
