//! Drug provenance on the in-process chain: registration, custody transfers, verification,
//! dispensing and counterfeit detection, quarantine, recall, expiry, returns and destruction.

use carechain_tests::common::events::provenance::*;
use carechain_tests::common::*;
use carechain_tests::Ledger;
use carechain_tests::{digest, Contract, Suite, Wiring};
use ink::primitives::AccountId;

const P: Contract = Contract::Provenance;
const GTIN: Gtin = Gtin(10_614_141_000_415);

struct World {
    s: Suite,
    maker: AccountId,
    distributor: AccountId,
    pharmacy: AccountId,
    pharmacy_b: AccountId,
    hospital: AccountId,
    regulator: AccountId,
    insurer: AccountId,
    stranger: AccountId,
}

fn world_with(wiring: Wiring) -> World {
    let mut s = Suite::deploy_with(wiring);
    World {
        maker: s.organisation("maker", &[Role::Manufacturer]),
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

fn world() -> World {
    world_with(Wiring::default())
}

fn lot(text: &str) -> LotNumber {
    LotNumber(text.as_bytes().to_vec())
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
        self.s.tx::<BatchId>(P, "register_batch", args).unwrap()
    }

    fn ship(&mut self, from: AccountId, batch: BatchId, to: AccountId, quantity: u64) -> u64 {
        self.s.set_actor(from);
        self.s
            .tx::<u64>(P, "ship", (batch, to, quantity, digest(b"despatch advice")))
            .unwrap()
    }

    fn accept(&mut self, by: AccountId, batch: BatchId, index: u64) {
        self.s.set_actor(by);
        self.s.tx::<()>(P, "accept", (batch, index)).unwrap();
    }

    /// Ship and accept.
    fn move_stock(&mut self, from: AccountId, batch: BatchId, to: AccountId, quantity: u64) {
        let index = self.ship(from, batch, to, quantity);
        self.accept(to, batch, index);
    }

    fn holding(&mut self, batch: BatchId, who: AccountId) -> u64 {
        self.s.query::<u64>(P, "holding", (batch, who))
    }

    fn record(&mut self, batch: BatchId) -> Batch {
        self.s.query::<Option<Batch>>(P, "batch", batch).unwrap()
    }

    fn verify(&mut self, serial: u64) -> Verification {
        self.s
            .query::<Verification>(P, "verify", (GTIN, lot("LOT-A1"), serial))
    }

    /// Packs are neither created nor lost: held + in transit + dispensed + destroyed = quantity.
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
        assert_eq!(held + b.in_transit + b.dispensed + b.destroyed, b.quantity);
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
        w.s.assert_refused::<BatchId>(P, "register_batch", good.clone(), Error::MissingRole);
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
            Error::InvalidContentHash,
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
        w.s.assert_refused::<BatchId>(P, "register_batch", args, error);
    }
    let id =
        w.s.tx::<BatchId>(P, "register_batch", good.clone())
            .unwrap();
    let registered = &w.s.events::<BatchRegistered>()[0];
    assert_eq!(
        (
            registered.batch,
            registered.manufacturer,
            registered.quantity
        ),
        (id, w.maker, 100)
    );
    assert_eq!(w.holding(id, w.maker), 100);
    assert_eq!(
        w.s.query::<Option<BatchId>>(P, "batch_id", (GTIN, lot("LOT-A1"))),
        Some(id)
    );
    let b = w.record(id);
    assert_eq!(
        (b.serial_first, b.serial_last, b.status, b.coa_hash),
        (1000, 1099, BatchStatus::Active, coa)
    );
    w.s.assert_refused::<BatchId>(P, "register_batch", good.clone(), Error::BatchExists);
    // Same GTIN, another lot is another batch.
    let (g, _, e, f, la, q, c) = good.clone();
    assert_eq!(
        w.s.tx::<BatchId>(P, "register_batch", (g, lot("LOT-A2"), e, f, la, q, c)),
        Ok(id + 1)
    );

    // A suspended manufacturer registers nothing.
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx::<()>(Contract::Registry, "suspend_organisation", w.maker)
        .unwrap();
    w.s.set_actor(w.maker);
    w.s.assert_refused::<BatchId>(
        P,
        "register_batch",
        (g, lot("LOT-A3"), e, f, la, q, c),
        Error::MissingRole,
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
        (w.distributor, 10, Digest::ZERO, Error::InvalidContentHash),
    ] {
        w.s.assert_refused::<u64>(P, "ship", (b, to, quantity, hash), error);
    }
    w.s.assert_refused::<u64>(
        P,
        "ship",
        (99u64, w.distributor, 10u64, doc),
        Error::BatchNotFound,
    );
    w.s.set_actor(w.distributor);
    w.s.assert_refused::<u64>(
        P,
        "ship",
        (b, w.pharmacy, 10u64, doc),
        Error::InsufficientStock,
    );
    w.s.set_actor(w.stranger);
    w.s.assert_refused::<u64>(P, "ship", (b, w.pharmacy, 10u64, doc), Error::MissingRole);

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
        w.s.assert_refused::<()>(P, "accept", (b, first), Error::NotParty);
    }
    w.s.set_actor(w.distributor);
    w.s.assert_refused::<()>(P, "accept", (b, 7u64), Error::TransferNotFound);
    w.s.tx::<()>(P, "accept", (b, first)).unwrap();
    assert_eq!(
        w.s.events::<TransferSettled>()[0].status,
        TransferStatus::Accepted
    );
    w.s.assert_refused::<()>(P, "accept", (b, first), Error::TransferNotPending);
    w.s.assert_refused::<()>(P, "reject", (b, first), Error::TransferNotPending);
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
    w.s.assert_refused::<()>(P, "reject", (b, to_hospital), Error::NotParty);
    w.s.set_actor(w.hospital);
    w.s.assert_refused::<()>(P, "cancel", (b, to_hospital), Error::NotParty);
    w.s.tx::<()>(P, "reject", (b, to_hospital)).unwrap();
    assert_eq!(w.holding(b, w.distributor), 25);
    let again = w.ship(w.distributor, b, w.hospital, 5);
    w.s.set_actor(w.distributor);
    w.s.tx::<()>(P, "cancel", (b, again)).unwrap();
    assert_eq!(
        w.s.events::<TransferSettled>()[0].status,
        TransferStatus::Cancelled
    );
    assert_eq!(w.holding(b, w.distributor), 25);
    w.assert_conserved(b);

    // The transaction information of every transfer stays, paged.
    assert_eq!(w.record(b).transfer_count, 5);
    let history = w.s.query::<Vec<Transfer>>(P, "transfers", (b, 0u64, 0u32));
    let statuses: Vec<TransferStatus> = history.iter().map(|t| t.status).collect();
    use TransferStatus::*;
    assert_eq!(
        statuses,
        vec![Accepted, Accepted, Accepted, Rejected, Cancelled]
    );
    assert_eq!(
        w.s.query::<Vec<Transfer>>(P, "transfers", (b, 4u64, 10u32))
            .len(),
        1
    );
    assert!(history.iter().all(|t| t.document_hash == doc));
}

#[test]
fn anyone_verifies_and_double_dispensing_is_flagged() {
    let mut w = world();
    let b = w.batch();
    w.move_stock(w.maker, b, w.distributor, 50);
    w.move_stock(w.distributor, b, w.pharmacy, 10);
    w.move_stock(w.distributor, b, w.pharmacy_b, 10);

    let fresh = w.verify(1005);
    assert_eq!(
        (
            fresh.verdict,
            fresh.batch,
            fresh.status,
            fresh.serial,
            fresh.expired
        ),
        (
            Verdict::Authentic,
            Some(b),
            Some(BatchStatus::Active),
            Some(SerialState::InSupplyChain),
            false
        )
    );
    assert_eq!(w.verify(2000).verdict, Verdict::SerialOutOfRange);
    assert_eq!(w.verify(999).serial, None);
    let unknown =
        w.s.query::<Verification>(P, "verify", (GTIN, lot("NOPE"), 1005u64));
    assert_eq!(unknown, Verification::UNKNOWN);

    w.s.set_actor(w.pharmacy);
    w.s.assert_refused::<DispenseOutcome>(P, "dispense", (b, 2000u64), Error::SerialOutOfRange);
    w.s.assert_refused::<DispenseOutcome>(P, "dispense", (7u64, 1005u64), Error::BatchNotFound);
    assert_eq!(
        w.s.tx::<DispenseOutcome>(P, "dispense", (b, 1005u64)),
        Ok(DispenseOutcome::Dispensed)
    );
    assert_eq!(w.s.events::<SerialDispensed>()[0].serial, 1005);
    assert_eq!(w.holding(b, w.pharmacy), 9);
    assert_eq!(w.verify(1005).serial, Some(SerialState::Dispensed));

    // A second pack with the same serial turns up at another pharmacy: flagged, not dispensed.
    w.s.set_actor(w.pharmacy_b);
    assert_eq!(
        w.s.tx::<DispenseOutcome>(P, "dispense", (b, 1005u64)),
        Ok(DispenseOutcome::FlaggedSuspect)
    );
    assert_eq!(w.s.events::<SerialFlaggedSuspect>()[0].by, w.pharmacy_b);
    assert_eq!(w.holding(b, w.pharmacy_b), 10);
    assert_eq!(w.verify(1005).verdict, Verdict::Suspect);
    let count = w.s.query::<u64>(Contract::AuditLog, "count", ());
    let entry =
        w.s.query::<Option<AuditEntry>>(Contract::AuditLog, "entry", count - 1)
            .unwrap();
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

    // Only dispensers with stock dispense.
    w.s.set_actor(w.distributor);
    w.s.assert_refused::<DispenseOutcome>(P, "dispense", (b, 1010u64), Error::MissingRole);
    w.s.set_actor(w.hospital);
    w.s.assert_refused::<DispenseOutcome>(P, "dispense", (b, 1010u64), Error::InsufficientStock);
    // The ProvenanceView read other contracts use says the same.
    let via_trait =
        w.s.query::<Verification>(P, "ProvenanceView::verify_serial", (b, 1005u64));
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
    w.s.assert_refused::<()>(
        P,
        "quarantine",
        (b, QuarantineReason::SuspectProduct),
        Error::NotParty,
    );
    w.s.set_actor(w.pharmacy_b); // not yet a holder: the shipment is pending
    w.s.assert_refused::<()>(
        P,
        "quarantine",
        (b, QuarantineReason::SuspectProduct),
        Error::NotParty,
    );
    w.s.set_actor(w.pharmacy);
    w.s.tx::<()>(P, "quarantine", (b, QuarantineReason::TemperatureExcursion))
        .unwrap();
    assert_eq!(
        w.s.events::<BatchQuarantined>()[0].reason,
        QuarantineReason::TemperatureExcursion
    );
    w.s.assert_refused::<()>(
        P,
        "quarantine",
        (b, QuarantineReason::SuspectProduct),
        Error::BatchQuarantined,
    );
    assert_eq!(w.verify(1000).status, Some(BatchStatus::Quarantined));

    // Quarantined stock does not move.
    w.s.assert_refused::<DispenseOutcome>(P, "dispense", (b, 1001u64), Error::BatchQuarantined);
    w.s.set_actor(w.distributor);
    w.s.assert_refused::<u64>(
        P,
        "ship",
        (b, w.pharmacy, 1u64, digest(b"d")),
        Error::BatchQuarantined,
    );
    w.s.set_actor(w.pharmacy_b);
    w.s.assert_refused::<()>(P, "accept", (b, pending), Error::BatchQuarantined);

    // Holders cannot clear; the manufacturer (or a regulator) can.
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused::<()>(P, "clear_quarantine", b, Error::NotParty);
    w.s.set_actor(w.maker);
    w.s.tx::<()>(P, "clear_quarantine", b).unwrap();
    assert_eq!(
        w.s.events::<BatchStatusChanged>()[0].status,
        BatchStatus::Active
    );
    w.s.assert_refused::<()>(P, "clear_quarantine", b, Error::NotQuarantined);

    // A regulator's hold is lifted by a regulator only, not by the manufacturer.
    w.s.set_actor(w.regulator);
    w.s.tx::<()>(P, "quarantine", (b, QuarantineReason::RegulatoryHold))
        .unwrap();
    assert!(w.record(b).regulatory_hold);
    w.s.set_actor(w.maker);
    w.s.assert_refused::<()>(P, "clear_quarantine", b, Error::NotParty);
    w.s.set_actor(w.regulator);
    w.s.tx::<()>(P, "clear_quarantine", b).unwrap();
    assert!(!w.record(b).regulatory_hold);

    // A suspended manufacturer may still hold its batch (protective), but not lift a hold.
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx::<()>(Contract::Registry, "suspend_organisation", w.maker)
        .unwrap();
    w.s.set_actor(w.maker);
    w.s.tx::<()>(P, "quarantine", (b, QuarantineReason::QualityInvestigation))
        .unwrap();
    assert!(!w.record(b).regulatory_hold);
    w.s.assert_refused::<()>(P, "clear_quarantine", b, Error::NotParty);
    w.s.set_actor(admin);
    w.s.tx::<()>(Contract::Registry, "reinstate_organisation", w.maker)
        .unwrap();
    w.s.set_actor(w.maker);
    w.s.tx::<()>(P, "clear_quarantine", b).unwrap();

    // The regulator recalls: every holder at once, for good.
    for who in [w.pharmacy, w.distributor, w.stranger] {
        w.s.set_actor(who);
        w.s.assert_refused::<()>(
            P,
            "recall",
            (b, RecallReason::Contamination),
            Error::NotParty,
        );
    }
    w.s.set_actor(w.regulator);
    w.s.tx::<()>(P, "recall", (b, RecallReason::Contamination))
        .unwrap();
    let recalled = &w.s.events::<BatchStatusChanged>()[0];
    assert_eq!(
        (recalled.status, recalled.recall_reason),
        (BatchStatus::Recalled, Some(RecallReason::Contamination))
    );
    w.s.assert_refused::<()>(
        P,
        "recall",
        (b, RecallReason::SafetyIssue),
        Error::BatchRecalled,
    );
    w.s.assert_refused::<()>(
        P,
        "quarantine",
        (b, QuarantineReason::RegulatoryHold),
        Error::BatchRecalled,
    );
    w.s.assert_refused::<()>(P, "clear_quarantine", b, Error::NotQuarantined);
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused::<DispenseOutcome>(P, "dispense", (b, 1001u64), Error::BatchRecalled);
    w.s.set_actor(w.distributor);
    w.s.assert_refused::<u64>(
        P,
        "ship",
        (b, w.pharmacy, 1u64, digest(b"d")),
        Error::BatchRecalled,
    );
    w.s.set_actor(w.pharmacy_b);
    w.s.assert_refused::<()>(P, "accept", (b, pending), Error::BatchRecalled);
    // The pending shipment goes back; recalled stock can be destroyed.
    w.s.tx::<()>(P, "reject", (b, pending)).unwrap();
    w.s.set_actor(w.pharmacy);
    w.s.tx::<()>(P, "destroy", (b, vec![1000u64, 1001, 1002]))
        .unwrap();
    assert_eq!(w.s.events::<PacksDestroyed>()[0].count, 3);
    w.assert_conserved(b);

    // Quarantine, clearance and recall are in the audit log.
    let entries = carechain_tests::audit::fetch_all(&mut w.s.chain);
    let actions: Vec<AuditAction> = entries.iter().map(|e| e.record.action).collect();
    assert_eq!(
        actions,
        [
            [AuditAction::BatchQuarantine, AuditAction::BatchClear].repeat(3),
            vec![AuditAction::BatchRecall]
        ]
        .concat()
    );
}

#[test]
fn expired_stock_stops_moving() {
    let mut w = world();
    let b = w.batch();
    w.move_stock(w.maker, b, w.distributor, 10);
    w.move_stock(w.distributor, b, w.pharmacy, 5);
    let expiry = w.record(b).expiry;
    let now = w.s.now();
    w.s.advance(expiry - now);
    assert!(w.verify(1000).expired);
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused::<DispenseOutcome>(P, "dispense", (b, 1000u64), Error::BatchExpired);
    w.s.set_actor(w.distributor);
    w.s.assert_refused::<u64>(
        P,
        "ship",
        (b, w.pharmacy, 1u64, digest(b"d")),
        Error::BatchExpired,
    );
    w.s.set_actor(w.pharmacy);
    w.s.tx::<()>(P, "destroy", (b, vec![1000u64])).unwrap();
    w.assert_conserved(b);
}

#[test]
fn saleable_returns_are_verified_before_re_entering_stock() {
    let mut w = world();
    let b = w.batch();
    w.move_stock(w.maker, b, w.distributor, 50);
    w.move_stock(w.distributor, b, w.pharmacy, 10);
    w.s.set_actor(w.pharmacy);
    w.s.tx::<DispenseOutcome>(P, "dispense", (b, 1003u64))
        .unwrap();
    let doc = digest(b"return authorisation");

    w.s.set_actor(w.distributor);
    w.s.assert_refused::<u64>(
        P,
        "return_packs",
        (b, w.maker, vec![1001u64], doc),
        Error::MissingRole,
    );
    w.s.set_actor(w.pharmacy);
    for (to, serials, error) in [
        (w.pharmacy_b, vec![1001u64], Error::RecipientNotEligible),
        (w.distributor, vec![], Error::Empty),
        (w.distributor, (1000..1033).collect(), Error::TooMany),
        (w.distributor, vec![1001, 1001], Error::SerialNotAvailable),
        (w.distributor, vec![1003], Error::SerialNotAvailable),
        (w.distributor, vec![5], Error::SerialOutOfRange),
    ] {
        w.s.assert_refused::<u64>(P, "return_packs", (b, to, serials, doc), error);
    }
    let index =
        w.s.tx::<u64>(
            P,
            "return_packs",
            (b, w.distributor, vec![1001u64, 1002], doc),
        )
        .unwrap();
    assert_eq!(w.s.events::<Shipped>()[0].kind, TransferKind::Return);
    assert_eq!(w.holding(b, w.pharmacy), 7);
    w.accept(w.distributor, b, index);
    assert_eq!(w.holding(b, w.distributor), 42);

    // A returned pack whose serial is dispensed meanwhile (so one of the two is a clone) does
    // not re-enter stock: acceptance verifies again, and the distributor rejects.
    w.s.set_actor(w.pharmacy);
    let index =
        w.s.tx::<u64>(P, "return_packs", (b, w.distributor, vec![1005u64], doc))
            .unwrap();
    assert_eq!(
        w.s.tx::<DispenseOutcome>(P, "dispense", (b, 1005u64)),
        Ok(DispenseOutcome::Dispensed)
    );
    w.s.set_actor(w.distributor);
    w.s.assert_refused::<()>(P, "accept", (b, index), Error::SerialNotAvailable);
    w.s.tx::<()>(P, "reject", (b, index)).unwrap();
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
        w.s.assert_refused::<()>(P, "destroy", (b, serials), error);
    }
    w.s.set_actor(w.stranger);
    w.s.assert_refused::<()>(P, "destroy", (b, vec![1000u64]), Error::MissingRole);
    w.s.set_actor(w.distributor);
    w.s.tx::<()>(P, "destroy", (b, vec![1000u64, 1001]))
        .unwrap();
    assert_eq!(w.record(b).destroyed, 2);
    assert_eq!(w.verify(1000).serial, Some(SerialState::Destroyed));
    w.s.assert_refused::<()>(P, "destroy", (b, vec![1000u64]), Error::SerialNotAvailable);
    w.assert_conserved(b);
}

#[test]
fn when_the_audit_log_refuses_nothing_changes() {
    let mut w = world();
    let b = w.batch();
    let (admin, provenance) = (w.s.admin(), w.s.address(P));
    w.s.set_actor(admin);
    w.s.tx::<()>(Contract::AuditLog, "remove_writer", provenance)
        .unwrap();
    w.s.set_actor(w.maker);
    let refused = Error::Downstream(Callee::AuditLog, CallFailure::Refused);
    w.s.assert_refused::<()>(P, "recall", (b, RecallReason::SafetyIssue), refused);
    w.s.assert_refused::<()>(
        P,
        "quarantine",
        (b, QuarantineReason::SuspectProduct),
        refused,
    );
    assert_eq!(w.record(b).status, BatchStatus::Active);
}

#[test]
fn paused_provenance_refuses_changes_but_verifies() {
    let mut w = world();
    let b = w.batch();
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx::<()>(P, "Governed::set_paused", true).unwrap();
    w.s.set_actor(w.maker);
    w.s.assert_refused::<u64>(
        P,
        "ship",
        (b, w.distributor, 1u64, digest(b"d")),
        Error::Paused,
    );
    assert_eq!(w.verify(1000).verdict, Verdict::Authentic);
    // Paused or not, unsafe stock can be held and recalled.
    w.s.tx::<()>(P, "quarantine", (b, QuarantineReason::SuspectProduct))
        .unwrap();
    w.s.assert_refused::<()>(P, "clear_quarantine", b, Error::Paused);
    w.s.tx::<()>(P, "recall", (b, RecallReason::SafetyIssue))
        .unwrap();
    assert_eq!(w.record(b).status, BatchStatus::Recalled);
}
