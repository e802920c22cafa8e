#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Drug batch provenance in the spirit of DSCSA and MediLedger/PharmaLedger.
//!
//! - Manufacturers register batches (GTIN-14, lot, expiry, serial range, quantity, hash of the
//!   certificate of analysis).
//! - Stock is held per (batch, holder); it moves by two-step transfers (ship, then the recipient
//!   accepts or rejects; the sender may cancel while pending). Every transfer's transaction
//!   information stays in a per-batch history (O(1) append, paged reads).
//! - Anyone verifies a pack by GTIN, lot and serial. A serial outside the range is counterfeit; a
//!   serial dispensed or destroyed twice is flagged suspect (and logged).
//! - Batches are quarantined (by a holder, the manufacturer or a regulator) and cleared (by the
//!   manufacturer or a regulator), or recalled (manufacturer or regulator; final, for every holder
//!   at once). Expiry follows from time. Shipping, accepting and dispensing refuse quarantined,
//!   recalled and expired stock; destruction accepts it.
//!
//! Calls: registry (`IdentityView::roles_of`) and audit log (`AuditSink::append`, for quarantine,
//! clearance, recall and suspect serials).

#[ink::contract]
mod provenance {
    use carechain_common::events::provenance::*;
    use carechain_common::{
        dispenser_roles, ensure_nonzero, page_range, trading_partner_roles, xcall, AuditAction,
        AuditOutcome, AuditRecord, AuditSink, AuditSubject, Batch, BatchId, BatchStatus, Callee,
        Digest, DispenseOutcome, Error, Governance, GovernanceInfo, Governed, Gtin, IdentityView,
        LotNumber, ProvenanceView, QuarantineReason, RecallReason, Result, Role, RoleSet,
        SerialRecord, SerialState, Transfer, TransferKind, TransferStatus, Verdict, Verification,
        MAX_SERIALS_PER_CALL,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct Provenance {
        gov: Governance,
        registry: ink::contract_ref!(IdentityView),
        audit: ink::contract_ref!(AuditSink),
        batches: Mapping<BatchId, Batch>,
        batch_count: u64,
        by_gtin_lot: Mapping<(Gtin, LotNumber), BatchId>,
        holdings: Mapping<(BatchId, AccountId), u64>,
        /// (batch, n) -> the batch's n-th transfer.
        transfers: Mapping<(BatchId, u64), Transfer>,
        /// Serials that left the supply chain or were flagged; absent = in the supply chain.
        serials: Mapping<(BatchId, u64), SerialRecord>,
    }

    impl Provenance {
        /// The instantiating account becomes admin.
        #[ink(constructor)]
        pub fn new(registry: AccountId, audit_log: AccountId) -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                registry: registry.into(),
                audit: audit_log.into(),
                batches: Mapping::default(),
                batch_count: 0,
                by_gtin_lot: Mapping::default(),
                holdings: Mapping::default(),
                transfers: Mapping::default(),
                serials: Mapping::default(),
            }
        }

        /// Manufacturer: register a batch; the caller holds all of it.
        #[ink(message)]
        #[allow(clippy::too_many_arguments)]
        pub fn register_batch(
            &mut self,
            gtin: Gtin,
            lot: LotNumber,
            expiry: Timestamp,
            serial_first: u64,
            serial_last: u64,
            quantity: u64,
            coa_hash: Digest,
        ) -> Result<BatchId> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let now = self.env().block_timestamp();
            if !gtin.is_valid() {
                return Err(Error::InvalidGtin);
            }
            if !lot.is_valid() {
                return Err(Error::InvalidLot);
            }
            if coa_hash.is_zero() {
                return Err(Error::InvalidContentHash);
            }
            if expiry <= now {
                return Err(Error::ExpiryInPast);
            }
            if quantity == 0 {
                return Err(Error::ZeroAmount);
            }
            if serial_first > serial_last {
                return Err(Error::InvalidSerialRange);
            }
            let count = serial_last
                .checked_sub(serial_first)
                .and_then(|d| d.checked_add(1))
                .ok_or(Error::InvalidSerialRange)?;
            if count != quantity {
                return Err(Error::QuantityMismatch);
            }
            if !self.roles(caller)?.contains(Role::Manufacturer) {
                return Err(Error::MissingRole);
            }
            let key = (gtin, lot.clone());
            if self.by_gtin_lot.contains(&key) {
                return Err(Error::BatchExists);
            }
            let id = self.batch_count;
            self.batch_count = id.checked_add(1).ok_or(Error::Overflow)?;
            self.batches.insert(
                id,
                &Batch {
                    id,
                    manufacturer: caller,
                    gtin,
                    lot: lot.clone(),
                    expiry,
                    serial_first,
                    serial_last,
                    quantity,
                    coa_hash,
                    status: BatchStatus::Active,
                    regulatory_hold: false,
                    recall_reason: None,
                    registered_at: now,
                    in_transit: 0,
                    dispensed: 0,
                    destroyed: 0,
                    transfer_count: 0,
                },
            );
            self.by_gtin_lot.insert(&key, &id);
            self.holdings.insert((id, caller), &quantity);
            self.env().emit_event(BatchRegistered {
                batch: id,
                manufacturer: caller,
                gtin,
                lot,
                expiry,
                quantity,
                coa_hash,
            });
            Ok(id)
        }

        /// Holder: ship `quantity` packs to a trading partner (step one of two).
        #[ink(message)]
        pub fn ship(
            &mut self,
            batch: BatchId,
            to: AccountId,
            quantity: u64,
            document_hash: Digest,
        ) -> Result<u64> {
            self.send(
                batch,
                to,
                quantity,
                document_hash,
                TransferKind::Shipment,
                Vec::new(),
                (trading_partner_roles(), trading_partner_roles()),
            )
        }

        /// Dispenser: return saleable packs (listed by serial) to a distributor or manufacturer;
        /// the recipient's acceptance verifies each serial again.
        #[ink(message)]
        pub fn return_packs(
            &mut self,
            batch: BatchId,
            to: AccountId,
            serials: Vec<u64>,
            document_hash: Digest,
        ) -> Result<u64> {
            let record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            self.check_serials(&record, &serials)?;
            let quantity = u64::try_from(serials.len()).map_err(|_| Error::Overflow)?;
            self.send(
                batch,
                to,
                quantity,
                document_hash,
                TransferKind::Return,
                serials,
                (
                    dispenser_roles(),
                    RoleSet::of(&[Role::Distributor, Role::Manufacturer]),
                ),
            )
        }

        /// Recipient: take a pending transfer into stock. Refused for quarantined, recalled or
        /// expired batches (reject instead), and for returns whose serials no longer verify.
        #[ink(message)]
        pub fn accept(&mut self, batch: BatchId, index: u64) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let (mut record, mut transfer) = self.pending(batch, index)?;
            if transfer.to != caller {
                return Err(Error::NotParty);
            }
            self.ensure_movable(&record)?;
            if !self.roles(caller)?.intersects(trading_partner_roles()) {
                return Err(Error::MissingRole);
            }
            if transfer.kind == TransferKind::Return {
                self.check_serials(&record, &transfer.serials)?;
            }
            self.add_holding(batch, &caller, transfer.quantity)?;
            self.settle(&mut record, &mut transfer, TransferStatus::Accepted, caller)
        }

        /// Recipient: refuse a pending transfer; the packs go back to the sender.
        #[ink(message)]
        pub fn reject(&mut self, batch: BatchId, index: u64) -> Result<()> {
            self.unwind(batch, index, TransferStatus::Rejected)
        }

        /// Sender: withdraw a pending transfer; the packs come back.
        #[ink(message)]
        pub fn cancel(&mut self, batch: BatchId, index: u64) -> Result<()> {
            self.unwind(batch, index, TransferStatus::Cancelled)
        }

        /// Dispenser holding the batch: dispense one pack to a patient. A serial that already
        /// left the supply chain is flagged suspect instead (and logged); nothing is dispensed.
        #[ink(message)]
        pub fn dispense(&mut self, batch: BatchId, serial: u64) -> Result<DispenseOutcome> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            self.ensure_movable(&record)?;
            if !record.in_range(serial) {
                return Err(Error::SerialOutOfRange);
            }
            if !self.roles(caller)?.intersects(dispenser_roles()) {
                return Err(Error::MissingRole);
            }
            let held = self.holding(batch, caller);
            if held == 0 {
                return Err(Error::InsufficientStock);
            }
            let now = self.env().block_timestamp();
            if self.serials.contains((batch, serial)) {
                self.serials.insert(
                    (batch, serial),
                    &SerialRecord {
                        state: SerialState::Suspect,
                        by: caller,
                        at: now,
                    },
                );
                self.log(
                    caller,
                    AuditAction::SerialSuspect,
                    AuditSubject::Serial(batch, serial),
                )?;
                self.env().emit_event(SerialFlaggedSuspect {
                    batch,
                    serial,
                    by: caller,
                });
                return Ok(DispenseOutcome::FlaggedSuspect);
            }
            self.serials.insert(
                (batch, serial),
                &SerialRecord {
                    state: SerialState::Dispensed,
                    by: caller,
                    at: now,
                },
            );
            self.set_holding(batch, &caller, held.checked_sub(1).ok_or(Error::Overflow)?);
            record.dispensed = record.dispensed.checked_add(1).ok_or(Error::Overflow)?;
            self.batches.insert(batch, &record);
            self.env().emit_event(SerialDispensed {
                batch,
                serial,
                by: caller,
            });
            Ok(DispenseOutcome::Dispensed)
        }

        /// Holder: destroy packs (expired, damaged, recalled stock included).
        #[ink(message)]
        pub fn destroy(&mut self, batch: BatchId, serials: Vec<u64>) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            self.check_serials(&record, &serials)?;
            if !self.roles(caller)?.intersects(trading_partner_roles()) {
                return Err(Error::MissingRole);
            }
            let count = u64::try_from(serials.len()).map_err(|_| Error::Overflow)?;
            let held = self.holding(batch, caller);
            let left = held.checked_sub(count).ok_or(Error::InsufficientStock)?;
            let now = self.env().block_timestamp();
            for serial in &serials {
                self.serials.insert(
                    (batch, *serial),
                    &SerialRecord {
                        state: SerialState::Destroyed,
                        by: caller,
                        at: now,
                    },
                );
            }
            self.set_holding(batch, &caller, left);
            record.destroyed = record.destroyed.checked_add(count).ok_or(Error::Overflow)?;
            self.batches.insert(batch, &record);
            self.env().emit_event(PacksDestroyed {
                batch,
                count,
                by: caller,
            });
            Ok(())
        }

        /// A holder, the manufacturer or a regulator: hold an active batch everywhere.
        #[ink(message)]
        pub fn quarantine(&mut self, batch: BatchId, reason: QuarantineReason) -> Result<()> {
            let caller = self.env().caller();
            // Works while paused, like recall: a pause never keeps unsafe stock moving.
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            let holder = self.holding(batch, caller) > 0;
            let regulator = self.roles(caller)?.contains(Role::Regulator);
            // Holding is protective: the manufacturer may hold its batch even while suspended.
            if !holder && !regulator && caller != record.manufacturer {
                return Err(Error::NotParty);
            }
            match record.status {
                BatchStatus::Active => {}
                BatchStatus::Quarantined => return Err(Error::BatchQuarantined),
                BatchStatus::Recalled => return Err(Error::BatchRecalled),
            }
            record.status = BatchStatus::Quarantined;
            record.regulatory_hold = regulator;
            self.batches.insert(batch, &record);
            self.log(
                caller,
                AuditAction::BatchQuarantine,
                AuditSubject::Batch(batch),
            )?;
            self.env().emit_event(BatchQuarantined {
                batch,
                reason,
                by: caller,
            });
            Ok(())
        }

        /// A regulator, or the manufacturer while it holds its role: lift a quarantine. A hold
        /// a regulator placed only a regulator lifts.
        #[ink(message)]
        pub fn clear_quarantine(&mut self, batch: BatchId) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            let roles = self.roles(caller)?;
            let regulator = roles.contains(Role::Regulator);
            let manufacturer = caller == record.manufacturer && roles.contains(Role::Manufacturer);
            let may_clear = regulator || (manufacturer && !record.regulatory_hold);
            if !may_clear {
                return Err(Error::NotParty);
            }
            if record.status != BatchStatus::Quarantined {
                return Err(Error::NotQuarantined);
            }
            record.status = BatchStatus::Active;
            record.regulatory_hold = false;
            self.batches.insert(batch, &record);
            self.log(caller, AuditAction::BatchClear, AuditSubject::Batch(batch))?;
            self.env().emit_event(BatchStatusChanged {
                batch,
                status: BatchStatus::Active,
                recall_reason: None,
                by: caller,
            });
            Ok(())
        }

        /// The manufacturer or a regulator: recall a batch, for every holder at once. Final.
        #[ink(message)]
        pub fn recall(&mut self, batch: BatchId, reason: RecallReason) -> Result<()> {
            let caller = self.env().caller();
            // Works while paused, like quarantine: a pause never keeps unsafe stock moving.
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            if !self.is_authority(&record, caller)? {
                return Err(Error::NotParty);
            }
            if record.status == BatchStatus::Recalled {
                return Err(Error::BatchRecalled);
            }
            record.status = BatchStatus::Recalled;
            record.recall_reason = Some(reason);
            self.batches.insert(batch, &record);
            self.log(caller, AuditAction::BatchRecall, AuditSubject::Batch(batch))?;
            self.env().emit_event(BatchStatusChanged {
                batch,
                status: BatchStatus::Recalled,
                recall_reason: Some(reason),
                by: caller,
            });
            Ok(())
        }

        /// Anyone: verify a pack by GTIN, lot and serial.
        #[ink(message)]
        pub fn verify(&self, gtin: Gtin, lot: LotNumber, serial: u64) -> Verification {
            let batch = self
                .by_gtin_lot
                .get((gtin, lot))
                .and_then(|id| self.batches.get(id));
            self.verification(batch, serial)
        }

        #[ink(message)]
        pub fn batch(&self, batch: BatchId) -> Option<Batch> {
            self.batches.get(batch)
        }

        #[ink(message)]
        pub fn batch_id(&self, gtin: Gtin, lot: LotNumber) -> Option<BatchId> {
            self.by_gtin_lot.get((gtin, lot))
        }

        #[ink(message)]
        pub fn batch_count(&self) -> u64 {
            self.batch_count
        }

        #[ink(message)]
        pub fn holding(&self, batch: BatchId, holder: AccountId) -> u64 {
            self.holdings.get((batch, holder)).unwrap_or(0)
        }

        #[ink(message)]
        pub fn transfer(&self, batch: BatchId, index: u64) -> Option<Transfer> {
            self.transfers.get((batch, index))
        }

        /// The batch's transfer history, oldest first.
        #[ink(message)]
        pub fn transfers(&self, batch: BatchId, from: u64, limit: u32) -> Vec<Transfer> {
            let count = self.batches.get(batch).map_or(0, |b| b.transfer_count);
            page_range(from, limit, count)
                .filter_map(|n| self.transfers.get((batch, n)))
                .collect()
        }

        #[ink(message)]
        pub fn serial(&self, batch: BatchId, serial: u64) -> Option<SerialRecord> {
            self.serials.get((batch, serial))
        }

        /// (registry, audit log) this instance calls.
        #[ink(message)]
        pub fn dependencies(&self) -> (AccountId, AccountId) {
            (*self.registry.as_ref(), *self.audit.as_ref())
        }

        // ---------------------------------------------------------------- internals

        fn roles(&self, account: AccountId) -> Result<RoleSet> {
            xcall::read(
                Callee::Registry,
                self.registry.call().roles_of(account).try_invoke(),
            )
        }

        fn log(
            &mut self,
            actor: AccountId,
            action: AuditAction,
            subject: AuditSubject,
        ) -> Result<u64> {
            xcall::fallible(
                Callee::AuditLog,
                self.audit
                    .call_mut()
                    .append(AuditRecord {
                        action,
                        actor,
                        patient: None,
                        subject,
                        purpose: None,
                        outcome: AuditOutcome::Success,
                    })
                    .try_invoke(),
            )
        }

        /// The batch's manufacturer, or an active regulator.
        fn is_authority(&self, batch: &Batch, caller: AccountId) -> Result<bool> {
            Ok(caller == batch.manufacturer || self.roles(caller)?.contains(Role::Regulator))
        }

        fn ensure_movable(&self, batch: &Batch) -> Result<()> {
            match batch.status {
                BatchStatus::Quarantined => Err(Error::BatchQuarantined),
                BatchStatus::Recalled => Err(Error::BatchRecalled),
                BatchStatus::Active if batch.expired(self.env().block_timestamp()) => {
                    Err(Error::BatchExpired)
                }
                BatchStatus::Active => Ok(()),
            }
        }

        /// Bounded, distinct, in range, and still in the supply chain.
        fn check_serials(&self, batch: &Batch, serials: &[u64]) -> Result<()> {
            if serials.is_empty() {
                return Err(Error::Empty);
            }
            if serials.len() > MAX_SERIALS_PER_CALL {
                return Err(Error::TooMany);
            }
            for (i, serial) in serials.iter().enumerate() {
                if !batch.in_range(*serial) {
                    return Err(Error::SerialOutOfRange);
                }
                if serials
                    .iter()
                    .skip(i.saturating_add(1))
                    .any(|s| s == serial)
                    || self.serials.contains((batch.id, *serial))
                {
                    return Err(Error::SerialNotAvailable);
                }
            }
            Ok(())
        }

        #[allow(clippy::too_many_arguments)]
        fn send(
            &mut self,
            batch: BatchId,
            to: AccountId,
            quantity: u64,
            document_hash: Digest,
            kind: TransferKind,
            serials: Vec<u64>,
            (sender_roles, recipient_roles): (RoleSet, RoleSet),
        ) -> Result<u64> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            self.ensure_movable(&record)?;
            if quantity == 0 {
                return Err(Error::ZeroAmount);
            }
            if document_hash.is_zero() {
                return Err(Error::InvalidContentHash);
            }
            ensure_nonzero(&to)?;
            if to == caller {
                return Err(Error::RecipientNotEligible);
            }
            let (sender, recipient) = xcall::read(
                Callee::Registry,
                self.registry.call().roles_of_pair(caller, to).try_invoke(),
            )?;
            if !sender.intersects(sender_roles) {
                return Err(Error::MissingRole);
            }
            if !recipient.intersects(recipient_roles) {
                return Err(Error::RecipientNotEligible);
            }
            let left = self
                .holding(batch, caller)
                .checked_sub(quantity)
                .ok_or(Error::InsufficientStock)?;
            self.set_holding(batch, &caller, left);
            let index = record.transfer_count;
            record.transfer_count = index.checked_add(1).ok_or(Error::Overflow)?;
            record.in_transit = record
                .in_transit
                .checked_add(quantity)
                .ok_or(Error::Overflow)?;
            self.batches.insert(batch, &record);
            self.transfers.insert(
                (batch, index),
                &Transfer {
                    batch,
                    index,
                    kind,
                    from: caller,
                    to,
                    quantity,
                    document_hash,
                    shipped_at: self.env().block_timestamp(),
                    status: TransferStatus::Pending,
                    settled_at: None,
                    serials,
                },
            );
            self.env().emit_event(Shipped {
                batch,
                to,
                index,
                kind,
                from: caller,
                quantity,
                document_hash,
            });
            Ok(index)
        }

        fn pending(&self, batch: BatchId, index: u64) -> Result<(Batch, Transfer)> {
            let record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            let transfer = self
                .transfers
                .get((batch, index))
                .ok_or(Error::TransferNotFound)?;
            if transfer.status != TransferStatus::Pending {
                return Err(Error::TransferNotPending);
            }
            Ok((record, transfer))
        }

        /// Reject (by the recipient) or cancel (by the sender): the packs go back to the sender.
        fn unwind(&mut self, batch: BatchId, index: u64, status: TransferStatus) -> Result<()> {
            let caller = self.env().caller();
            self.gov.ensure_not_paused()?;
            let (mut record, mut transfer) = self.pending(batch, index)?;
            let party = if status == TransferStatus::Rejected {
                transfer.to
            } else {
                transfer.from
            };
            if caller != party {
                return Err(Error::NotParty);
            }
            self.add_holding(batch, &transfer.from, transfer.quantity)?;
            self.settle(&mut record, &mut transfer, status, caller)
        }

        fn settle(
            &mut self,
            record: &mut Batch,
            transfer: &mut Transfer,
            status: TransferStatus,
            by: AccountId,
        ) -> Result<()> {
            record.in_transit = record
                .in_transit
                .checked_sub(transfer.quantity)
                .ok_or(Error::Overflow)?;
            self.batches.insert(record.id, record);
            transfer.status = status;
            transfer.settled_at = Some(self.env().block_timestamp());
            self.transfers
                .insert((transfer.batch, transfer.index), transfer);
            self.env().emit_event(TransferSettled {
                batch: transfer.batch,
                index: transfer.index,
                status,
                by,
            });
            Ok(())
        }

        fn add_holding(&mut self, batch: BatchId, holder: &AccountId, quantity: u64) -> Result<()> {
            let total = self
                .holding(batch, *holder)
                .checked_add(quantity)
                .ok_or(Error::Overflow)?;
            self.set_holding(batch, holder, total);
            Ok(())
        }

        /// Store a holding; an empty one is removed (its deposit comes back).
        fn set_holding(&mut self, batch: BatchId, holder: &AccountId, quantity: u64) {
            if quantity == 0 {
                self.holdings.remove((batch, *holder));
            } else {
                self.holdings.insert((batch, *holder), &quantity);
            }
        }

        fn verification(&self, batch: Option<Batch>, serial: u64) -> Verification {
            let Some(batch) = batch else {
                return Verification::UNKNOWN;
            };
            let in_range = batch.in_range(serial);
            let state = self
                .serials
                .get((batch.id, serial))
                .map_or(SerialState::InSupplyChain, |r| r.state);
            let verdict = if !in_range {
                Verdict::SerialOutOfRange
            } else if state == SerialState::Suspect {
                Verdict::Suspect
            } else {
                Verdict::Authentic
            };
            Verification {
                verdict,
                batch: Some(batch.id),
                status: Some(batch.status),
                expiry: Some(batch.expiry),
                expired: batch.expired(self.env().block_timestamp()),
                serial: in_range.then_some(state),
            }
        }
    }

    impl ProvenanceView for Provenance {
        #[ink(message)]
        fn verify_serial(&self, batch: BatchId, serial: u64) -> Verification {
            self.verification(self.batches.get(batch), serial)
        }
    }

    impl Governed for Provenance {
        #[ink(message)]
        fn governance(&self) -> GovernanceInfo {
            self.gov.info()
        }
        #[ink(message)]
        fn is_governor(&self, account: AccountId) -> bool {
            self.gov.is_governor(&account)
        }
        #[ink(message)]
        fn propose_admin(&mut self, proposed: AccountId) -> Result<()> {
            self.gov.propose_admin(self.env().caller(), proposed)
        }
        #[ink(message)]
        fn accept_admin(&mut self) -> Result<()> {
            self.gov.accept_admin(self.env().caller())
        }
        #[ink(message)]
        fn add_governor(&mut self, account: AccountId) -> Result<()> {
            self.gov.add_governor(self.env().caller(), account)
        }
        #[ink(message)]
        fn remove_governor(&mut self, account: AccountId) -> Result<()> {
            self.gov.remove_governor(self.env().caller(), account)
        }
        #[ink(message)]
        fn set_paused(&mut self, paused: bool) -> Result<()> {
            self.gov.set_paused(self.env().caller(), paused)
        }
    }
}
