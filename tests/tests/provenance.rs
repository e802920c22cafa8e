//! Drug provenance on the in-process chain: registration and GTIN ownership, custody transfers,
//! verification verdicts, dispensing and counterfeit flags, quarantine, recall, expiry, returns
//! and destruction.

use carechain_sdk::msg::{self, audit_log, provenance, registry};
use carechain_sdk::Contract;
use carechain_tests::common::events::provenance::*;
use carechain_tests::common::events::{AuditDeferred, AuditFlushed};
use carechain_tests::common::*;
use carechain_tests::{digest, view, ChainRead, ChainWrite, Suite};
use ink::primitives::AccountId;

const GTIN: Gtin = Gtin(10_614_141_000_415);
const OTHER_GTIN: Gtin = Gtin(9_506_000_134_352);

struct World {
    s: Suite,
    maker: AccountId,
    rival: AccountId,
    distributor: AccountId,
    pharmacy: AccountId,
    pharmacy_b: AccountId,
    hospital: AccountId,
    regulator: AccountId,
    insurer: AccountId,
    stranger: AccountId,
}

fn world() -> World {
    let mut s = Suite::deploy();
    World {
        maker: s.organisation("maker", &[Role::Manufacturer]),
        rival: s.organisation("rival", &[Role::Manufacturer]),
        distributor: s.organisation("distributor", &[Role::Distributor]),
        pharmacy: s.organisation("pharmacy", &[Role::Pharmacy]),
        pharmacy_b: s.organisation("pharmacy-b", &[Role::Pharmacy]),
        hospital: s.organisation("hospital", &[Role::Provider]),
        regulator: s.organisation("regulator", &[Role::Regulator]),
        insurer: s.organisation("insurer", &[Role::Insurer]),
        stranger: s.actor("stranger"),
        s,
    }
}

fn lot(text: &str) -> LotNumber {
    LotNumber(text.as_bytes().to_vec())
}

fn missing(roles: &[Role]) -> Error {
    Error::MissingRole(RoleSet::of(roles))
}

fn trading_partners() -> Error {
    Error::MissingRole(trading_partner_roles())
}

type BatchArgs = (Gtin, LotNumber, u64, u64, u64, u64, Digest);

impl World {
    fn batch_args(&mut self, lot_text: &str) -> BatchArgs {
        let expiry = self.s.now() + 365 * DAY_MS;
        (
            GTIN,
            lot(lot_text),
            expiry,
            1000,
            1099,
            100,
            digest(b"certificate of analysis"),
        )
    }

    /// A batch of 100 packs (serials 1000..=1099) held by the maker.
    fn batch(&mut self) -> BatchId {
        let args = self.batch_args("LOT-A1");
        self.s.set_actor(self.maker);
        self.s.tx(provenance::REGISTER_BATCH, args).unwrap()
    }

    fn ship(&mut self, from: AccountId, batch: BatchId, to: AccountId, quantity: u64) -> u64 {
        self.s.set_actor(from);
        self.s
            .tx(
                provenance::SHIP,
                (batch, to, quantity, digest(b"despatch advice")),
            )
            .unwrap()
    }

    fn accept(&mut self, by: AccountId, batch: BatchId, index: u64) {
        self.s.set_actor(by);
        self.s.tx(provenance::ACCEPT, (batch, index)).unwrap();
    }

    /// Ship and accept.
    fn move_stock(&mut self, from: AccountId, batch: BatchId, to: AccountId, quantity: u64) {
        let index = self.ship(from, batch, to, quantity);
        self.accept(to, batch, index);
    }

    /// Ship `serials` by serial and accept: `to` becomes their custodian.
    fn move_serials(&mut self, from: AccountId, batch: BatchId, to: AccountId, serials: &[u64]) {
        self.s.set_actor(from);
        let index = self
            .s
            .tx(
                provenance::SHIP_SERIALS,
                (batch, to, serials.to_vec(), digest(b"despatch advice")),
            )
            .unwrap();
        self.accept(to, batch, index);
    }

    fn holding(&mut self, batch: BatchId, who: AccountId) -> u64 {
        view::holding(&mut self.s.chain, batch, who)
    }

    fn record(&mut self, batch: BatchId) -> Batch {
        view::batch(&mut self.s.chain, batch).unwrap()
    }

    fn verify(&mut self, serial: u64) -> Verification {
        self.s
            .query(provenance::VERIFY, (GTIN, lot("LOT-A1"), serial))
    }

    /// Packs are neither created nor lost: held + in transit + dispensed + destroyed + set aside
    /// = quantity.
    fn assert_conserved(&mut self, batch: BatchId) {
        let holders = [
            self.maker,
            self.distributor,
            self.pharmacy,
            self.pharmacy_b,
            self.hospital,
        ];
        let held: u64 = holders.iter().map(|h| self.holding(batch, *h)).sum();
        let b = self.record(batch);
        assert_eq!(
            held + b.in_transit + b.dispensed + b.destroyed + b.set_aside,
            b.quantity
        );
    }

    fn last_entry(&mut self) -> AuditEntry {
        let count = view::audit_root(&mut self.s.chain).count;
        view::audit_entry(&mut self.s.chain, count - 1).unwrap()
    }
}

#[test]
fn manufacturers_register_valid_batches() {
    let mut w = world();
    let good = w.batch_args("LOT-A1");
    let (gtin, l, expiry, first, last, qty, coa) = good.clone();
    let now = w.s.now();

    for who in [w.distributor, w.stranger] {
        w.s.set_actor(who);
        w.s.assert_refused(
            provenance::REGISTER_BATCH,
            good.clone(),
            missing(&[Role::Manufacturer]),
        );
    }
    w.s.set_actor(w.maker);
    let cases: Vec<(BatchArgs, Error)> = vec![
        (
            (
                Gtin(10_614_141_000_416),
                l.clone(),
                expiry,
                first,
                last,
                qty,
                coa,
            ),
            Error::InvalidGtin,
        ),
        (
            (Gtin(0), l.clone(), expiry, first, last, qty, coa),
            Error::InvalidGtin,
        ),
        (
            (gtin, lot(""), expiry, first, last, qty, coa),
            Error::InvalidLot,
        ),
        (
            (
                gtin,
                lot("ABCDEFGHIJKLMNOPQRSTU"),
                expiry,
                first,
                last,
                qty,
                coa,
            ),
            Error::InvalidLot,
        ),
        (
            (gtin, lot("LOT A1"), expiry, first, last, qty, coa),
            Error::InvalidLot,
        ),
        (
            (gtin, l.clone(), expiry, first, last, qty, Digest::ZERO),
            Error::InvalidDigest,
        ),
        (
            (gtin, l.clone(), now, first, last, qty, coa),
            Error::ExpiryInPast,
        ),
        (
            (gtin, l.clone(), expiry, first, last, 0, coa),
            Error::ZeroAmount,
        ),
        (
            (gtin, l.clone(), expiry, last, first, qty, coa),
            Error::InvalidSerialRange,
        ),
        (
            (gtin, l.clone(), expiry, first, last, qty + 1, coa),
            Error::QuantityMismatch,
        ),
        (
            (gtin, l.clone(), expiry, 0, u64::MAX, qty, coa),
            Error::InvalidSerialRange,
        ),
    ];
    for (args, error) in cases {
        w.s.assert_refused(provenance::REGISTER_BATCH, args, error);
    }
    let id = w.s.tx(provenance::REGISTER_BATCH, good.clone()).unwrap();
    let registered = &w.s.events::<BatchRegistered>()[0];
    assert_eq!(
        (
            registered.batch,
            registered.manufacturer,
            registered.quantity
        ),
        (id, w.maker, 100)
    );
    // The first registration ties the GTIN to its manufacturer.
    assert_eq!(w.s.events::<GtinAssigned>()[0].manufacturer, w.maker);
    assert_eq!(view::gtin_owner(&mut w.s.chain, GTIN), Some(w.maker));
    assert_eq!(w.holding(id, w.maker), 100);
    assert_eq!(
        view::batch_id(&mut w.s.chain, GTIN, &lot("LOT-A1")),
        Some(id)
    );
    let b = w.record(id);
    assert_eq!(
        (b.serial_first, b.serial_last, b.status, b.coa_hash),
        (1000, 1099, BatchStatus::Active, coa)
    );
    w.s.assert_refused(provenance::REGISTER_BATCH, good.clone(), Error::BatchExists);
    // Same GTIN, another lot is another batch.
    let (g, _, e, f, la, q, c) = good.clone();
    assert_eq!(
        w.s.tx(
            provenance::REGISTER_BATCH,
            (g, lot("LOT-A2"), e, f, la, q, c)
        ),
        Ok(id + 1)
    );

    // A suspended manufacturer registers nothing.
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx(registry::SUSPEND_ORGANISATION, w.maker).unwrap();
    w.s.set_actor(w.maker);
    w.s.assert_refused(
        provenance::REGISTER_BATCH,
        (g, lot("LOT-A3"), e, f, la, q, c),
        missing(&[Role::Manufacturer]),
    );
}

/// Finding: "GTINs are not tied to manufacturers: any manufacturer can register lots under
/// another firm's GTIN and squat predictable lot numbers".
#[test]
fn a_gtin_belongs_to_its_first_registrant_or_to_whom_governance_assigns_it() {
    let mut w = world();
    w.batch();
    let (_, _, e, f, la, q, c) = w.batch_args("LOT-A2");
    w.s.set_actor(w.rival);
    w.s.assert_refused(
        provenance::REGISTER_BATCH,
        (GTIN, lot("LOT-A2"), e, f, la, q, c),
        Error::GtinTaken,
    );
    // Governance assigns a GTIN before its first batch (or settles a dispute).
    w.s.set_actor(w.stranger);
    w.s.assert_refused(
        provenance::ASSIGN_GTIN,
        (OTHER_GTIN, w.rival),
        Error::NotGovernor,
    );
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.assert_refused(
        provenance::ASSIGN_GTIN,
        (Gtin(10_614_141_000_416), w.rival),
        Error::InvalidGtin,
    );
    w.s.tx(provenance::ASSIGN_GTIN, (OTHER_GTIN, w.rival))
        .unwrap();
    assert_eq!(w.s.events::<GtinAssigned>()[0].by, admin);
    w.s.set_actor(w.maker);
    w.s.assert_refused(
        provenance::REGISTER_BATCH,
        (OTHER_GTIN, lot("SQUAT"), e, f, la, q, c),
        Error::GtinTaken,
    );
    w.s.set_actor(w.rival);
    w.s.tx(
        provenance::REGISTER_BATCH,
        (OTHER_GTIN, lot("R-1"), e, f, la, q, c),
    )
    .unwrap();
    // An unknown GTIN, and a known GTIN with a lot nobody registered, verify differently.
    assert_eq!(
        w.s.query(
            provenance::VERIFY,
            (Gtin(10_614_141_000_422), lot("X"), 1u64)
        )
        .verdict,
        Verdict::UnknownProduct
    );
    assert_eq!(
        w.s.query(provenance::VERIFY, (OTHER_GTIN, lot("R-2"), 1000u64))
            .verdict,
        Verdict::UnknownLot
    );
}

#[test]
fn custody_moves_in_two_steps_and_is_conserved() {
    let mut w = world();
    let b = w.batch();
    let doc = digest(b"despatch advice");
    let zero = AccountId::from([0u8; 32]);
    w.s.set_actor(w.maker);
    for (to, quantity, hash, error) in [
        (w.distributor, 101u64, doc, Error::InsufficientStock),
        (w.maker, 10, doc, Error::RecipientNotEligible),
        (w.insurer, 10, doc, Error::RecipientNotEligible),
        (w.stranger, 10, doc, Error::RecipientNotEligible),
        (zero, 10, doc, Error::ZeroAccount),
        (w.distributor, 0, doc, Error::ZeroAmount),
        (w.distributor, 10, Digest::ZERO, Error::InvalidDigest),
    ] {
        w.s.assert_refused(provenance::SHIP, (b, to, quantity, hash), error);
    }
    w.s.assert_refused(
        provenance::SHIP,
        (99u64, w.distributor, 10u64, doc),
        Error::BatchNotFound,
    );
    w.s.set_actor(w.distributor);
    w.s.assert_refused(
        provenance::SHIP,
        (b, w.pharmacy, 10u64, doc),
        Error::InsufficientStock,
    );
    w.s.set_actor(w.stranger);
    w.s.assert_refused(
        provenance::SHIP,
        (b, w.pharmacy, 10u64, doc),
        trading_partners(),
    );

    let first = w.ship(w.maker, b, w.distributor, 60);
    let shipped = &w.s.events::<Shipped>()[0];
    assert_eq!(
        (shipped.index, shipped.from, shipped.to, shipped.quantity),
        (first, w.maker, w.distributor, 60)
    );
    assert_eq!((w.holding(b, w.maker), w.record(b).in_transit), (40, 60));
    w.assert_conserved(b);

    // Only the recipient accepts, once.
    for who in [w.maker, w.pharmacy, w.stranger] {
        w.s.set_actor(who);
        w.s.assert_refused(provenance::ACCEPT, (b, first), Error::NotParty);
    }
    w.s.set_actor(w.distributor);
    w.s.assert_refused(provenance::ACCEPT, (b, 7u64), Error::TransferNotFound);
    w.s.tx(provenance::ACCEPT, (b, first)).unwrap();
    assert_eq!(
        w.s.events::<TransferSettled>()[0].status,
        TransferStatus::Accepted
    );
    w.s.assert_refused(provenance::ACCEPT, (b, first), Error::TransferNotPending);
    w.s.assert_refused(provenance::REJECT, (b, first), Error::TransferNotPending);
    assert_eq!(
        (w.holding(b, w.distributor), w.record(b).in_transit),
        (60, 0)
    );

    // The distributor splits its stock between two pharmacies and a hospital.
    w.move_stock(w.distributor, b, w.pharmacy, 20);
    w.move_stock(w.distributor, b, w.pharmacy_b, 15);
    let to_hospital = w.ship(w.distributor, b, w.hospital, 5);
    w.assert_conserved(b);

    // Reject (by the recipient) and cancel (by the sender) send the packs back.
    w.s.set_actor(w.distributor);
    w.s.assert_refused(provenance::REJECT, (b, to_hospital), Error::NotParty);
    w.s.set_actor(w.hospital);
    w.s.assert_refused(provenance::CANCEL, (b, to_hospital), Error::NotParty);
    w.s.tx(provenance::REJECT, (b, to_hospital)).unwrap();
    assert_eq!(w.holding(b, w.distributor), 25);
    let again = w.ship(w.distributor, b, w.hospital, 5);
    w.s.set_actor(w.distributor);
    w.s.tx(provenance::CANCEL, (b, again)).unwrap();
    assert_eq!(
        w.s.events::<TransferSettled>()[0].status,
        TransferStatus::Cancelled
    );
    assert_eq!(w.holding(b, w.distributor), 25);
    w.assert_conserved(b);

    // The transaction information of every transfer stays, paged.
    assert_eq!(w.record(b).transfer_count, 5);
    let history = view::transfers(&mut w.s.chain, b, 0, 0);
    let statuses: Vec<TransferStatus> = history.iter().map(|t| t.status).collect();
    use TransferStatus::*;
    assert_eq!(
        statuses,
        vec![Accepted, Accepted, Accepted, Rejected, Cancelled]
    );
    assert_eq!(view::transfers(&mut w.s.chain, b, 4, 10).len(), 1);
    assert!(history.iter().all(|t| t.document_hash == doc));
}

#[test]
fn anyone_verifies_and_a_second_pack_is_flagged_and_set_aside() {
    let mut w = world();
    let b = w.batch();
    w.move_stock(w.maker, b, w.distributor, 50);
    w.move_stock(w.distributor, b, w.pharmacy, 10);
    w.move_stock(w.distributor, b, w.pharmacy_b, 10);

    let fresh = w.verify(1005);
    assert_eq!(
        (fresh.verdict, fresh.batch, fresh.dispensed_by),
        (Verdict::Genuine, Some(b), None)
    );
    assert_eq!(w.verify(2000).verdict, Verdict::UnknownSerial);
    assert_eq!(w.verify(999).verdict, Verdict::UnknownSerial);

    w.s.set_actor(w.pharmacy);
    w.s.assert_refused(provenance::DISPENSE, (b, 2000u64), Error::SerialOutOfRange);
    w.s.assert_refused(provenance::DISPENSE, (7u64, 1005u64), Error::BatchNotFound);
    assert_eq!(
        w.s.tx(provenance::DISPENSE, (b, 1005u64)),
        Ok(DispenseOutcome::Dispensed)
    );
    assert_eq!(w.s.events::<SerialDispensed>()[0].serial, 1005);
    assert_eq!(w.holding(b, w.pharmacy), 9);
    let dispensed = w.verify(1005);
    assert_eq!(
        (dispensed.verdict, dispensed.dispensed_by),
        (Verdict::Dispensed, Some(w.pharmacy))
    );

    // A second pack with the same serial turns up at another pharmacy: flagged, set aside from
    // its stock (flagging is not free), nothing dispensed; the first record is kept.
    w.s.set_actor(w.pharmacy_b);
    assert_eq!(
        w.s.tx(provenance::DISPENSE, (b, 1005u64)),
        Ok(DispenseOutcome::FlaggedSuspect)
    );
    assert_eq!(w.s.events::<SerialFlaggedSuspect>()[0].by, w.pharmacy_b);
    assert_eq!(w.holding(b, w.pharmacy_b), 9);
    assert_eq!(w.record(b).set_aside, 1);
    assert_eq!(w.verify(1005).verdict, Verdict::Suspect);
    let record = view::serial(&mut w.s.chain, b, 1005).unwrap();
    assert_eq!(
        (record.state, record.by, record.suspect.map(|(by, _)| by)),
        (SerialState::Dispensed, w.pharmacy, Some(w.pharmacy_b))
    );
    let entry = w.last_entry();
    assert_eq!(
        (
            entry.record.action,
            entry.record.actor,
            entry.record.subject
        ),
        (
            AuditAction::SerialSuspect,
            w.pharmacy_b,
            AuditSubject::Serial(b, 1005)
        )
    );
    w.assert_conserved(b);

    // Only dispensers with stock dispense or flag: a holder without stock flags nothing.
    w.s.set_actor(w.distributor);
    w.s.assert_refused(
        provenance::DISPENSE,
        (b, 1010u64),
        missing(&[Role::Pharmacy, Role::Provider]),
    );
    w.s.set_actor(w.hospital);
    w.s.assert_refused(provenance::DISPENSE, (b, 1010u64), Error::InsufficientStock);
    w.s.assert_refused(provenance::DISPENSE, (b, 1005u64), Error::InsufficientStock);
    // The ProvenanceView read other contracts use says the same.
    let via_trait = w.s.query(provenance::VERIFY_SERIAL, (b, 1005u64));
    assert_eq!(via_trait, w.verify(1005));
}

#[test]
fn quarantine_clear_and_recall() {
    let mut w = world();
    let b = w.batch();
    w.move_stock(w.maker, b, w.distributor, 50);
    w.move_stock(w.distributor, b, w.pharmacy, 10);
    let pending = w.ship(w.distributor, b, w.pharmacy_b, 5);

    w.s.set_actor(w.stranger);
    w.s.assert_refused(
        provenance::QUARANTINE,
        (b, QuarantineReason::SuspectProduct),
        Error::NotParty,
    );
    w.s.set_actor(w.pharmacy_b); // not yet a holder: the shipment is pending
    w.s.assert_refused(
        provenance::QUARANTINE,
        (b, QuarantineReason::SuspectProduct),
        Error::NotParty,
    );
    w.s.set_actor(w.pharmacy);
    w.s.tx(
        provenance::QUARANTINE,
        (b, QuarantineReason::TemperatureExcursion),
    )
    .unwrap();
    let held = &w.s.events::<BatchQuarantined>()[0];
    assert_eq!(
        (held.reason, held.regulatory_hold),
        (QuarantineReason::TemperatureExcursion, false)
    );
    w.s.assert_refused(
        provenance::QUARANTINE,
        (b, QuarantineReason::SuspectProduct),
        Error::BatchQuarantined,
    );
    assert_eq!(w.verify(1000).verdict, Verdict::Quarantined);

    // Quarantined stock does not move.
    w.s.assert_refused(provenance::DISPENSE, (b, 1001u64), Error::BatchQuarantined);
    w.s.set_actor(w.distributor);
    w.s.assert_refused(
        provenance::SHIP,
        (b, w.pharmacy, 1u64, digest(b"d")),
        Error::BatchQuarantined,
    );
    w.s.set_actor(w.pharmacy_b);
    w.s.assert_refused(provenance::ACCEPT, (b, pending), Error::BatchQuarantined);

    // Holders cannot clear; the manufacturer (or a regulator) can.
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused(provenance::CLEAR_QUARANTINE, b, Error::NotParty);
    w.s.set_actor(w.maker);
    w.s.tx(provenance::CLEAR_QUARANTINE, b).unwrap();
    assert_eq!(
        w.s.events::<BatchStatusChanged>()[0].status,
        BatchStatus::Active
    );
    w.s.assert_refused(provenance::CLEAR_QUARANTINE, b, Error::NotQuarantined);

    // A regulator's hold is lifted by a regulator only, not by the manufacturer.
    w.s.set_actor(w.regulator);
    w.s.tx(
        provenance::QUARANTINE,
        (b, QuarantineReason::RegulatoryHold),
    )
    .unwrap();
    assert!(w.record(b).regulatory_hold);
    w.s.set_actor(w.maker);
    w.s.assert_refused(provenance::CLEAR_QUARANTINE, b, Error::NotParty);
    w.s.set_actor(w.regulator);
    w.s.tx(provenance::CLEAR_QUARANTINE, b).unwrap();
    assert!(!w.record(b).regulatory_hold);

    // The regulator recalls: every holder at once, for good.
    for who in [w.pharmacy, w.distributor, w.stranger] {
        w.s.set_actor(who);
        w.s.assert_refused(
            provenance::RECALL,
            (b, RecallReason::Contamination),
            Error::NotParty,
        );
    }
    w.s.set_actor(w.regulator);
    w.s.tx(provenance::RECALL, (b, RecallReason::Contamination))
        .unwrap();
    let recalled = &w.s.events::<BatchStatusChanged>()[0];
    assert_eq!(
        (recalled.status, recalled.recall_reason),
        (BatchStatus::Recalled, Some(RecallReason::Contamination))
    );
    // Finding: "verify answers Authentic for a pack of a recalled batch". One verdict now.
    assert_eq!(w.verify(1060).verdict, Verdict::Recalled);
    w.s.assert_refused(
        provenance::RECALL,
        (b, RecallReason::SafetyIssue),
        Error::BatchRecalled,
    );
    w.s.assert_refused(
        provenance::QUARANTINE,
        (b, QuarantineReason::RegulatoryHold),
        Error::BatchRecalled,
    );
    w.s.assert_refused(provenance::CLEAR_QUARANTINE, b, Error::NotQuarantined);
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused(provenance::DISPENSE, (b, 1001u64), Error::BatchRecalled);
    w.s.set_actor(w.distributor);
    w.s.assert_refused(
        provenance::SHIP,
        (b, w.pharmacy, 1u64, digest(b"d")),
        Error::BatchRecalled,
    );
    w.s.set_actor(w.pharmacy_b);
    w.s.assert_refused(provenance::ACCEPT, (b, pending), Error::BatchRecalled);
    // The pending shipment goes back; recalled stock can be destroyed.
    w.s.tx(provenance::REJECT, (b, pending)).unwrap();
    w.s.set_actor(w.pharmacy);
    w.s.tx(provenance::DESTROY, (b, vec![1000u64, 1001, 1002]))
        .unwrap();
    assert_eq!(w.s.events::<PacksDestroyed>()[0].count, 3);
    w.assert_conserved(b);

    // Quarantine, clearance and recall are in the audit log.
    let entries = carechain_sdk::audit::fetch_all(&mut w.s.chain);
    let actions: Vec<AuditAction> = entries.iter().map(|e| e.record.action).collect();
    assert_eq!(
        actions,
        [
            [AuditAction::BatchQuarantine, AuditAction::BatchClear].repeat(2),
            vec![AuditAction::BatchRecall]
        ]
        .concat()
    );
}

/// Findings: "a revoked holder that cannot ship can re-quarantine a batch after every clearance"
/// and "a regulator cannot turn a manufacturer's quarantine into a regulatory hold".
#[test]
fn quarantine_needs_standing_and_a_regulator_can_make_it_a_hold() {
    let mut w = world();
    let b = w.batch();
    w.move_stock(w.maker, b, w.distributor, 50);
    w.move_stock(w.distributor, b, w.pharmacy, 10);
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx(registry::REVOKE_ORGANISATION, w.pharmacy).unwrap();
    // The revoked pharmacy still holds 10 packs but has no standing.
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused(
        provenance::QUARANTINE,
        (b, QuarantineReason::SuspectProduct),
        Error::NotParty,
    );
    // A suspended manufacturer cannot quarantine (it asks a regulator).
    w.s.set_actor(admin);
    w.s.tx(registry::SUSPEND_ORGANISATION, w.maker).unwrap();
    w.s.set_actor(w.maker);
    w.s.assert_refused(
        provenance::QUARANTINE,
        (b, QuarantineReason::SuspectProduct),
        Error::NotParty,
    );
    w.s.set_actor(admin);
    w.s.tx(registry::REINSTATE_ORGANISATION, w.maker).unwrap();
    w.s.set_actor(w.maker);
    w.s.tx(
        provenance::QUARANTINE,
        (b, QuarantineReason::QualityInvestigation),
    )
    .unwrap();
    // The regulator turns the manufacturer's quarantine into its own hold...
    w.s.set_actor(w.regulator);
    w.s.tx(
        provenance::QUARANTINE,
        (b, QuarantineReason::RegulatoryHold),
    )
    .unwrap();
    assert!(w.s.events::<BatchQuarantined>()[0].regulatory_hold);
    assert!(w.record(b).regulatory_hold);
    w.s.assert_refused(
        provenance::QUARANTINE,
        (b, QuarantineReason::RegulatoryHold),
        Error::BatchQuarantined,
    );
    // ...which the manufacturer can no longer lift.
    w.s.set_actor(w.maker);
    w.s.assert_refused(provenance::CLEAR_QUARANTINE, b, Error::NotParty);
}

#[test]
fn expired_stock_stops_moving() {
    let mut w = world();
    let b = w.batch();
    w.move_stock(w.maker, b, w.distributor, 10);
    w.move_stock(w.distributor, b, w.pharmacy, 5);
    w.s.set_actor(w.pharmacy);
    w.s.tx(provenance::DISPENSE, (b, 1090u64)).unwrap();
    let expiry = w.record(b).expiry;
    let now = w.s.now();
    w.s.advance(expiry - now);
    assert_eq!(w.verify(1000).verdict, Verdict::Expired);
    // A pack dispensed before expiry says so (it was sold in date).
    assert_eq!(w.verify(1090).verdict, Verdict::Dispensed);
    w.s.assert_refused(provenance::DISPENSE, (b, 1000u64), Error::BatchExpired);
    w.s.set_actor(w.distributor);
    w.s.assert_refused(
        provenance::SHIP,
        (b, w.pharmacy, 1u64, digest(b"d")),
        Error::BatchExpired,
    );
    w.s.set_actor(w.pharmacy);
    w.s.tx(provenance::DESTROY, (b, vec![1000u64])).unwrap();
    w.assert_conserved(b);
}

#[test]
fn saleable_returns_reserve_their_serials_until_they_settle() {
    let mut w = world();
    let b = w.batch();
    w.move_stock(w.maker, b, w.distributor, 40);
    let received: Vec<u64> = (1000..1010).collect();
    w.move_serials(w.maker, b, w.distributor, &received);
    w.move_serials(w.distributor, b, w.pharmacy, &received);
    w.s.set_actor(w.pharmacy);
    w.s.tx(provenance::DISPENSE, (b, 1003u64)).unwrap();
    let doc = digest(b"return authorisation");

    w.s.set_actor(w.distributor);
    w.s.assert_refused(
        provenance::RETURN_PACKS,
        (b, w.maker, vec![1001u64], doc),
        missing(&[Role::Pharmacy, Role::Provider]),
    );
    w.s.set_actor(w.pharmacy);
    for (to, serials, error) in [
        (w.pharmacy_b, vec![1001u64], Error::RecipientNotEligible),
        (w.distributor, vec![], Error::Empty),
        (w.distributor, (1000..1033).collect(), Error::TooMany),
        (w.distributor, vec![1001, 1001], Error::SerialNotAvailable),
        (w.distributor, vec![1003], Error::SerialNotAvailable),
        (w.distributor, vec![5], Error::SerialOutOfRange),
        // A serial the pharmacy never received by serial.
        (w.distributor, vec![1020], Error::SerialNotAvailable),
    ] {
        w.s.assert_refused(provenance::RETURN_PACKS, (b, to, serials, doc), error);
    }
    let index =
        w.s.tx(
            provenance::RETURN_PACKS,
            (b, w.distributor, vec![1001u64, 1002], doc),
        )
        .unwrap();
    assert_eq!(w.s.events::<Shipped>()[0].kind, TransferKind::Return);
    assert_eq!(w.holding(b, w.pharmacy), 7);
    // Finding: "serials listed in a pending return are not reserved". A second return may not
    // list them.
    assert_eq!(w.verify(1001).verdict, Verdict::Returning);
    w.s.assert_refused(
        provenance::RETURN_PACKS,
        (b, w.distributor, vec![1002u64], doc),
        Error::SerialNotAvailable,
    );
    w.accept(w.distributor, b, index);
    assert_eq!(w.holding(b, w.distributor), 42);
    assert_eq!(w.verify(1001).verdict, Verdict::Genuine);

    // A rejected return releases its serials.
    w.s.set_actor(w.pharmacy);
    let index =
        w.s.tx(
            provenance::RETURN_PACKS,
            (b, w.distributor, vec![1004u64], doc),
        )
        .unwrap();
    w.s.set_actor(w.distributor);
    w.s.tx(provenance::REJECT, (b, index)).unwrap();
    assert_eq!(w.verify(1004).verdict, Verdict::Genuine);

    // A pack with a serial under return found elsewhere is a second pack: flagged, and the
    // return no longer verifies on acceptance (the distributor rejects).
    w.s.set_actor(w.pharmacy);
    let index =
        w.s.tx(
            provenance::RETURN_PACKS,
            (b, w.distributor, vec![1005u64], doc),
        )
        .unwrap();
    assert_eq!(
        w.s.tx(provenance::DISPENSE, (b, 1005u64)),
        Ok(DispenseOutcome::FlaggedSuspect)
    );
    w.s.set_actor(w.distributor);
    w.s.assert_refused(provenance::ACCEPT, (b, index), Error::SerialNotAvailable);
    w.s.tx(provenance::REJECT, (b, index)).unwrap();
    assert_eq!(w.verify(1005).verdict, Verdict::Suspect);
    w.assert_conserved(b);
}

/// Finding (round 3, medium): a pending saleable return reserved any serial for free; when the
/// real holder dispensed it, the genuine pack was flagged suspect for ever, and the returner
/// cancelled at no cost. Now a return lists only serials its sender received by serial
/// (`ship_serials`, custody passing on acceptance); a custodian that shipped a serial on is no
/// longer its custodian, and a stale serial shipment is refused on acceptance.
#[test]
fn only_a_serials_custodian_ships_or_returns_it_by_serial() {
    let mut w = world();
    let b = w.batch();
    let (mine, theirs) = (vec![1000u64, 1001], vec![1002u64, 1003]);
    w.move_serials(
        w.maker,
        b,
        w.distributor,
        &[mine.clone(), theirs.clone()].concat(),
    );
    w.move_serials(w.distributor, b, w.pharmacy, &mine);
    w.move_serials(w.distributor, b, w.pharmacy_b, &theirs);
    let doc = digest(b"return authorisation");
    assert_eq!(view::custodian(&mut w.s.chain, b, 1000), Some(w.pharmacy));
    assert_eq!(view::custodian(&mut w.s.chain, b, 1002), Some(w.pharmacy_b));
    assert_eq!(view::custodian(&mut w.s.chain, b, 1050), Some(w.maker));

    // The attack: the pharmacy lists a serial pharmacy B holds. Refused; nothing changes.
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused(
        provenance::RETURN_PACKS,
        (b, w.distributor, vec![1002u64], doc),
        Error::SerialNotAvailable,
    );
    assert_eq!(w.verify(1002).verdict, Verdict::Genuine);
    assert_eq!(w.holding(b, w.pharmacy), 2);
    // Pharmacy B dispenses its genuine pack: dispensed, not suspect.
    w.s.set_actor(w.pharmacy_b);
    assert_eq!(
        w.s.tx(provenance::DISPENSE, (b, 1002u64)),
        Ok(DispenseOutcome::Dispensed)
    );
    // Shipping by serial needs custody too: the distributor shipped these on; the maker no
    // longer holds them; a dispensed serial ships nowhere.
    for (who, serials) in [
        (w.distributor, vec![1000u64]),
        (w.maker, vec![1001u64]),
        (w.pharmacy_b, vec![1002u64]),
    ] {
        w.s.set_actor(who);
        w.s.assert_refused(
            provenance::SHIP_SERIALS,
            (b, w.pharmacy, serials, doc),
            Error::SerialNotAvailable,
        );
    }
    // The pharmacy returns what it holds; the distributor takes custody back on acceptance.
    w.s.set_actor(w.pharmacy);
    let index =
        w.s.tx(
            provenance::RETURN_PACKS,
            (b, w.distributor, mine.clone(), doc),
        )
        .unwrap();
    w.accept(w.distributor, b, index);
    assert_eq!(w.verify(1000).verdict, Verdict::Genuine);
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused(
        provenance::RETURN_PACKS,
        (b, w.distributor, vec![1000u64], doc),
        Error::SerialNotAvailable,
    );
    // Two pending serial shipments of one serial: the first accepted takes it, the second is
    // refused on acceptance (and rejected, the packs go back).
    w.s.set_actor(w.distributor);
    let first =
        w.s.tx(
            provenance::SHIP_SERIALS,
            (b, w.pharmacy, vec![1000u64], doc),
        )
        .unwrap();
    let second =
        w.s.tx(
            provenance::SHIP_SERIALS,
            (b, w.pharmacy_b, vec![1000u64], doc),
        )
        .unwrap();
    w.accept(w.pharmacy, b, first);
    w.s.set_actor(w.pharmacy_b);
    w.s.assert_refused(provenance::ACCEPT, (b, second), Error::SerialNotAvailable);
    w.s.tx(provenance::REJECT, (b, second)).unwrap();
    w.assert_conserved(b);
}

#[test]
fn destruction_is_bounded_and_checked() {
    let mut w = world();
    let b = w.batch();
    w.move_stock(w.maker, b, w.distributor, 3);
    w.s.set_actor(w.distributor);
    for (serials, error) in [
        (vec![], Error::Empty),
        ((1000..1033).collect::<Vec<u64>>(), Error::TooMany),
        (vec![1000, 1000], Error::SerialNotAvailable),
        (vec![1000, 1001, 1002, 1003], Error::InsufficientStock),
        (vec![42], Error::SerialOutOfRange),
    ] {
        w.s.assert_refused(provenance::DESTROY, (b, serials), error);
    }
    w.s.set_actor(w.stranger);
    w.s.assert_refused(provenance::DESTROY, (b, vec![1000u64]), trading_partners());
    w.s.set_actor(w.distributor);
    w.s.tx(provenance::DESTROY, (b, vec![1000u64, 1001]))
        .unwrap();
    assert_eq!(w.record(b).destroyed, 2);
    assert_eq!(w.verify(1000).verdict, Verdict::Destroyed);
    w.s.assert_refused(
        provenance::DESTROY,
        (b, vec![1000u64]),
        Error::SerialNotAvailable,
    );
    w.assert_conserved(b);
}

/// Finding: "pausing the audit log (or removing a contract as writer) makes quarantining and
/// recalling fail". They take effect; their entries wait in provenance's queue.
#[test]
fn restrictions_go_through_when_the_log_refuses_and_their_entries_are_queued() {
    let mut w = world();
    let b = w.batch();
    let (admin, provenance_address) = (w.s.admin(), w.s.address(Contract::Provenance));
    w.s.set_actor(admin);
    w.s.tx(audit_log::REMOVE_WRITER, provenance_address)
        .unwrap();
    w.s.tx(msg::govern(Contract::AuditLog), GovAction::SetPaused(true))
        .unwrap();
    w.s.set_actor(w.maker);
    w.s.tx(
        provenance::QUARANTINE,
        (b, QuarantineReason::SuspectProduct),
    )
    .unwrap();
    assert_eq!(w.s.events::<AuditDeferred>().len(), 1);
    w.s.tx(provenance::RECALL, (b, RecallReason::SafetyIssue))
        .unwrap();
    assert_eq!(w.record(b).status, BatchStatus::Recalled);
    assert_eq!(
        view::deferred_audit(&mut w.s.chain, Contract::Provenance)
            .iter()
            .map(|r| r.action)
            .collect::<Vec<_>>(),
        vec![AuditAction::BatchQuarantine, AuditAction::BatchRecall]
    );
    // Lifting a quarantine is not a restriction: it waits for the log.
    w.s.set_actor(admin);
    w.s.tx(msg::govern(Contract::AuditLog), GovAction::SetPaused(false))
        .unwrap();
    w.s.tx(audit_log::ADD_WRITER, provenance_address).unwrap();
    w.s.set_actor(w.stranger);
    assert_eq!(w.s.tx(provenance::FLUSH_AUDIT, ()), Ok(2));
    assert_eq!(w.s.events::<AuditFlushed>()[0].count, 2);
    assert!(carechain_sdk::audit::verify_deployed(&mut w.s.chain).is_ok());
}

#[test]
fn paused_provenance_refuses_changes_but_verifies_and_restricts() {
    let mut w = world();
    let b = w.batch();
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx(
        msg::govern(Contract::Provenance),
        GovAction::SetPaused(true),
    )
    .unwrap();
    w.s.set_actor(w.maker);
    w.s.assert_refused(
        provenance::SHIP,
        (b, w.distributor, 1u64, digest(b"d")),
        Error::Paused,
    );
    assert_eq!(w.verify(1000).verdict, Verdict::Genuine);
    // Paused or not, unsafe stock can be held and recalled.
    w.s.tx(
        provenance::QUARANTINE,
        (b, QuarantineReason::SuspectProduct),
    )
    .unwrap();
    w.s.assert_refused(provenance::CLEAR_QUARANTINE, b, Error::Paused);
    w.s.tx(provenance::RECALL, (b, RecallReason::SafetyIssue))
        .unwrap();
    assert_eq!(w.record(b).status, BatchStatus::Recalled);
    assert_eq!(w.verify(1000).verdict, Verdict::Recalled);
}
