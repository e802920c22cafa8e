#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Drug batch provenance in the spirit of DSCSA and MediLedger/PharmaLedger.
//!
//! - A GTIN belongs to the manufacturer that first registers a batch of it (or that governance
//!   assigns it to); only its owner registers lots under it. Batches carry GTIN-14, lot, expiry,
//!   serial range, quantity and the hash of the certificate of analysis.
//! - Stock is held per (batch, holder); it moves by two-step transfers (ship, then the recipient
//!   accepts or rejects; the sender may cancel while pending). Every transfer's transaction
//!   information stays in a per-batch history (O(1) append; read from storage).
//! - Anyone verifies a pack by GTIN, lot and serial and gets one verdict (see `Verdict`). A holder
//!   that finds a second pack with a serial that left the supply chain flags it suspect: the pack
//!   leaves its stock and the first record is kept.
//! - Batches are quarantined (by an active holder, the manufacturer or a regulator; a regulator's
//!   quarantine is a hold only a regulator lifts, also over an earlier quarantine) and cleared, or
//!   recalled (manufacturer or regulator; final). Expiry follows from time. Shipping, accepting
//!   and dispensing refuse quarantined, recalled and expired stock; destruction accepts it. Serials
//!   listed in a pending saleable return are reserved until it settles.
//! - Serial-level custody: a shipment may list its serials (`ship_serials`); on acceptance the
//!   recipient becomes their custodian (until then, a batch's serials are its manufacturer's). A
//!   saleable return may list only serials its sender is custodian of, so no one reserves (and,
//!   when the real holder dispenses it, brands suspect) a pack it never received.
//!
//! Quarantine, recall and suspect flags are restrictions: they work while paused, and their audit
//! entries are queued when the log does not take them (`flush_audit`). Calls: access (roles),
//! audit log.

#[ink::contract]
mod provenance {
    use carechain_common::events::provenance::*;
    use carechain_common::{
        dispenser_roles, ensure, ensure_nonzero, next_id, trading_partner_roles, xcall, AccessGate,
        AccessRef, AuditAction, AuditOutcome, AuditRecord, AuditRef, AuditSubject, Batch, BatchId,
        BatchStatus, Callee, DeferredAudit, Digest, DispenseOutcome, Error, GovAction, Governance,
        Governed, Gtin, LotNumber, Pause, ProvenanceView, QuarantineReason, RecallReason, Result,
        Role, RoleSet, SerialRecord, SerialState, Transfer, TransferKind, TransferStatus, Verdict,
        Verification, MAX_SERIALS_PER_CALL,
    };
    use ink::codegen::TraitCallBuilder;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    #[ink(storage)]
    pub struct Provenance {
        gov: Governance,
        access: AccessRef,
        audit: AuditRef,
        deferred: DeferredAudit,
        /// The manufacturer each GTIN belongs to.
        gtins: Mapping<Gtin, AccountId>,
        batches: Mapping<BatchId, Batch>,
        batch_count: u64,
        by_gtin_lot: Mapping<(Gtin, LotNumber), BatchId>,
        holdings: Mapping<(BatchId, AccountId), u64>,
        /// (batch, n) -> the batch's n-th transfer.
        transfers: Mapping<(BatchId, u64), Transfer>,
        /// Serials that left the supply chain, are being returned or were flagged; absent = in
        /// the supply chain.
        serials: Mapping<(BatchId, u64), SerialRecord>,
        /// Who received each serial in a shipment that listed it; absent = the batch's
        /// manufacturer.
        custody: Mapping<(BatchId, u64), AccountId>,
    }

    impl Provenance {
        /// The instantiating account becomes admin; `access` and `audit_log` are the suite's.
        #[ink(constructor)]
        pub fn new(access: AccountId, audit_log: AccountId) -> Self {
            Self {
                gov: Governance::new(Self::env().caller()),
                access: access.into(),
                audit: audit_log.into(),
                deferred: DeferredAudit::default(),
                gtins: Mapping::default(),
                batches: Mapping::default(),
                batch_count: 0,
                by_gtin_lot: Mapping::default(),
                holdings: Mapping::default(),
                transfers: Mapping::default(),
                serials: Mapping::default(),
                custody: Mapping::default(),
            }
        }

        /// Governance: assign a GTIN to a manufacturer (settling a dispute, or before its first
        /// batch). Its later batches are that manufacturer's alone.
        ///
        /// # Errors
        /// `InvalidGtin`, `NotGovernor`, `Paused`, `ZeroAccount`.
        ///
        /// # Events
        /// `GtinAssigned`.
        #[ink(message)]
        pub fn assign_gtin(&mut self, gtin: Gtin, manufacturer: AccountId) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            self.gov.ensure_governor(&caller)?;
            ensure!(gtin.is_valid(), Error::InvalidGtin);
            ensure_nonzero(&manufacturer)?;
            self.gtins.insert(gtin, &manufacturer);
            self.env().emit_event(GtinAssigned {
                gtin,
                manufacturer,
                by: caller,
            });
            Ok(())
        }

        /// Manufacturer owning the GTIN (or the first to use it): register a batch; the caller
        /// holds all of it.
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
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let now = self.env().block_timestamp();
            ensure!(gtin.is_valid(), Error::InvalidGtin);
            ensure!(lot.is_valid(), Error::InvalidLot);
            ensure!(!coa_hash.is_zero(), Error::InvalidDigest);
            ensure!(expiry > now, Error::ExpiryInPast);
            ensure!(quantity != 0, Error::ZeroAmount);
            let count = serial_last
                .checked_sub(serial_first)
                .and_then(|d| d.checked_add(1))
                .ok_or(Error::InvalidSerialRange)?;
            ensure!(count == quantity, Error::QuantityMismatch);
            Self::ensure_roles(self.roles(caller)?, RoleSet::of(&[Role::Manufacturer]))?;
            match self.gtins.get(gtin) {
                Some(owner) if owner != caller => return Err(Error::GtinTaken),
                Some(_) => {}
                None => {
                    self.gtins.insert(gtin, &caller);
                    self.env().emit_event(GtinAssigned {
                        gtin,
                        manufacturer: caller,
                        by: caller,
                    });
                }
            }
            let key = (gtin, lot.clone());
            ensure!(!self.by_gtin_lot.contains(&key), Error::BatchExists);
            let id = next_id(&mut self.batch_count)?;
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
                    set_aside: 0,
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
        ///
        /// # Errors
        /// `BatchExpired`, `BatchNotFound`, `BatchQuarantined`, `BatchRecalled`,
        /// `InsufficientStock`, `InvalidDigest`, `MissingRole`, `Overflow`, `Paused`,
        /// `RecipientNotEligible`, `SerialNotAvailable`, `ZeroAccount`, `ZeroAmount`; `Downstream`
        /// (a refusal or failure of: access).
        ///
        /// # Events
        /// `Shipped`.
        #[ink(message)]
        pub fn ship(
            &mut self,
            batch: BatchId,
            to: AccountId,
            quantity: u64,
            document_hash: Digest,
        ) -> Result<u64> {
            self.gov.enter(Pause::Stops)?;
            self.send(
                batch,
                to,
                quantity,
                document_hash,
                (TransferKind::Shipment, Vec::new()),
                (trading_partner_roles(), trading_partner_roles()),
            )
        }

        /// Custodian of the listed serials: ship those packs to a trading partner (step one of
        /// two). On acceptance the recipient becomes their custodian, which a saleable return
        /// requires.
        ///
        /// # Errors
        /// `BatchExpired`, `BatchNotFound`, `BatchQuarantined`, `BatchRecalled`, `Empty`,
        /// `InsufficientStock`, `InvalidDigest`, `MissingRole`, `Overflow`, `Paused`,
        /// `RecipientNotEligible`, `SerialNotAvailable`, `SerialOutOfRange`, `TooMany`,
        /// `ZeroAccount`, `ZeroAmount`; `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `Shipped`.
        #[ink(message)]
        pub fn ship_serials(
            &mut self,
            batch: BatchId,
            to: AccountId,
            serials: Vec<u64>,
            document_hash: Digest,
        ) -> Result<u64> {
            self.gov.enter(Pause::Stops)?;
            let record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            self.check_serials(&record, &serials, |_| false)?;
            let quantity = u64::try_from(serials.len()).map_err(|_| Error::Overflow)?;
            self.send(
                batch,
                to,
                quantity,
                document_hash,
                (TransferKind::Shipment, serials),
                (trading_partner_roles(), trading_partner_roles()),
            )
        }

        /// Dispenser: return saleable packs (listed by serial) to a distributor or manufacturer.
        /// Only serials the caller received in a shipment that listed them (`ship_serials`) may
        /// be listed. The serials are reserved until the return settles; acceptance checks them
        /// again.
        ///
        /// # Errors
        /// `BatchExpired`, `BatchNotFound`, `BatchQuarantined`, `BatchRecalled`, `Empty`,
        /// `InsufficientStock`, `InvalidDigest`, `MissingRole`, `Overflow`, `Paused`,
        /// `RecipientNotEligible`, `SerialNotAvailable`, `SerialOutOfRange`, `TooMany`,
        /// `ZeroAccount`, `ZeroAmount`; `Downstream` (a refusal or failure of: access).
        ///
        /// # Events
        /// `Shipped`.
        #[ink(message)]
        pub fn return_packs(
            &mut self,
            batch: BatchId,
            to: AccountId,
            serials: Vec<u64>,
            document_hash: Digest,
        ) -> Result<u64> {
            self.gov.enter(Pause::Stops)?;
            let record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            self.check_serials(&record, &serials, |_| false)?;
            let quantity = u64::try_from(serials.len()).map_err(|_| Error::Overflow)?;
            let index = self.send(
                batch,
                to,
                quantity,
                document_hash,
                (TransferKind::Return, serials.clone()),
                (
                    dispenser_roles(),
                    RoleSet::of(&[Role::Distributor, Role::Manufacturer]),
                ),
            )?;
            self.mark(batch, &serials, Some(SerialState::Returning));
            Ok(index)
        }

        /// Recipient: take a pending transfer into stock, and custody of the serials it lists.
        /// Refused for quarantined, recalled or expired batches (reject instead), and for
        /// transfers whose serials no longer verify or are no longer the sender's.
        ///
        /// # Errors
        /// `BatchExpired`, `BatchNotFound`, `BatchQuarantined`, `BatchRecalled`, `Empty`,
        /// `MissingRole`, `NotParty`, `Overflow`, `Paused`, `SerialNotAvailable`,
        /// `SerialOutOfRange`, `TooMany`, `TransferNotFound`, `TransferNotPending`; `Downstream` (a
        /// refusal or failure of: access).
        ///
        /// # Events
        /// `TransferSettled`.
        #[ink(message)]
        pub fn accept(&mut self, batch: BatchId, index: u64) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let (mut record, mut transfer) = self.pending(batch, index)?;
            ensure!(transfer.to == caller, Error::NotParty);
            self.ensure_movable(&record)?;
            Self::ensure_roles(self.roles(caller)?, trading_partner_roles())?;
            if !transfer.serials.is_empty() {
                // Listed serials are still the sender's: the recipient takes their custody.
                self.ensure_custodian(&record, &transfer.serials, transfer.from)?;
                if transfer.kind == TransferKind::Return {
                    // Still reserved for this return (not flagged since): back into the supply
                    // chain.
                    self.check_serials(&record, &transfer.serials, |r| {
                        r.state == SerialState::Returning && r.suspect.is_none()
                    })?;
                    self.mark(batch, &transfer.serials, None);
                } else {
                    // Still in the supply chain.
                    self.check_serials(&record, &transfer.serials, |_| false)?;
                }
                for serial in &transfer.serials {
                    self.custody.insert((batch, *serial), &caller);
                }
            }
            self.add_holding(batch, &caller, transfer.quantity)?;
            self.settle(&mut record, &mut transfer, TransferStatus::Accepted, caller)
        }

        /// Recipient: refuse a pending transfer; the packs go back to the sender.
        ///
        /// # Errors
        /// `BatchNotFound`, `NotParty`, `Overflow`, `Paused`, `TransferNotFound`,
        /// `TransferNotPending`.
        ///
        /// # Events
        /// `TransferSettled`.
        #[ink(message)]
        pub fn reject(&mut self, batch: BatchId, index: u64) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            self.unwind(batch, index, TransferStatus::Rejected)
        }

        /// Sender: withdraw a pending transfer; the packs come back.
        ///
        /// # Errors
        /// `BatchNotFound`, `NotParty`, `Overflow`, `Paused`, `TransferNotFound`,
        /// `TransferNotPending`.
        ///
        /// # Events
        /// `TransferSettled`.
        #[ink(message)]
        pub fn cancel(&mut self, batch: BatchId, index: u64) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            self.unwind(batch, index, TransferStatus::Cancelled)
        }

        /// Dispenser holding the batch: dispense one pack to a patient. A serial that already
        /// left the supply chain means the pack in hand is a second one: it is flagged suspect
        /// and set aside from the caller's stock (the first record is kept); nothing is
        /// dispensed.
        ///
        /// # Errors
        /// `BatchExpired`, `BatchNotFound`, `BatchQuarantined`, `BatchRecalled`,
        /// `InsufficientStock`, `MissingRole`, `Overflow`, `Paused`, `SerialOutOfRange`;
        /// `Downstream` (a refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `AuditDeferred`, `SerialDispensed`, `SerialFlaggedSuspect`; the audit log's `Appended`.
        #[ink(message)]
        pub fn dispense(&mut self, batch: BatchId, serial: u64) -> Result<DispenseOutcome> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            self.ensure_movable(&record)?;
            ensure!(record.in_range(serial), Error::SerialOutOfRange);
            Self::ensure_roles(self.roles(caller)?, dispenser_roles())?;
            let left = self
                .holding(batch, caller)
                .checked_sub(1)
                .ok_or(Error::InsufficientStock)?;
            self.set_holding(batch, &caller, left);
            let now = self.env().block_timestamp();
            if let Some(mut first) = self.serials.get((batch, serial)) {
                if first.suspect.is_none() {
                    first.suspect = Some((caller, now));
                    self.serials.insert((batch, serial), &first);
                }
                record.set_aside = record.set_aside.checked_add(1).ok_or(Error::Overflow)?;
                self.batches.insert(batch, &record);
                self.log_restriction(
                    caller,
                    AuditAction::SerialSuspect,
                    AuditSubject::Serial(batch, serial),
                );
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
                    suspect: None,
                },
            );
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
        ///
        /// # Errors
        /// `BatchNotFound`, `Empty`, `InsufficientStock`, `MissingRole`, `Overflow`, `Paused`,
        /// `SerialNotAvailable`, `SerialOutOfRange`, `TooMany`; `Downstream` (a refusal or failure
        /// of: access).
        ///
        /// # Events
        /// `PacksDestroyed`.
        #[ink(message)]
        pub fn destroy(&mut self, batch: BatchId, serials: Vec<u64>) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            self.check_serials(&record, &serials, |_| false)?;
            Self::ensure_roles(self.roles(caller)?, trading_partner_roles())?;
            let count = u64::try_from(serials.len()).map_err(|_| Error::Overflow)?;
            let left = self
                .holding(batch, caller)
                .checked_sub(count)
                .ok_or(Error::InsufficientStock)?;
            self.mark(batch, &serials, Some(SerialState::Destroyed));
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

        /// The manufacturer (holding its role) or a regulator, after an investigation: clear a
        /// serial's suspect flag (the second pack was genuine stock after all, or a wrongful
        /// flag). The verdict, credentials of that dose and its billing go back to normal; a
        /// counterfeit stays flagged. Logged to the audit log.
        ///
        /// # Errors
        /// `BatchNotFound`, `NotParty`, `NotSuspect`, `Paused`; `Downstream` (a refusal or failure
        /// of: access, audit log).
        ///
        /// # Events
        /// `SuspectCleared`; the audit log's `Appended`.
        #[ink(message)]
        pub fn clear_suspect(&mut self, batch: BatchId, serial: u64) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            let roles = self.roles(caller)?;
            ensure!(
                roles.contains(Role::Regulator)
                    || (caller == record.manufacturer && roles.contains(Role::Manufacturer)),
                Error::NotParty
            );
            let mut pack = self
                .serials
                .get((batch, serial))
                .filter(|pack| pack.suspect.is_some())
                .ok_or(Error::NotSuspect)?;
            pack.suspect = None;
            self.serials.insert((batch, serial), &pack);
            xcall::audit(
                &mut self.audit,
                ink::prelude::vec![Self::entry(
                    caller,
                    AuditAction::SerialCleared,
                    AuditSubject::Serial(batch, serial),
                )],
            )?;
            self.env().emit_event(SuspectCleared {
                batch,
                serial,
                by: caller,
            });
            Ok(())
        }

        /// An active holder, the manufacturer (holding its role) or a regulator: hold a batch
        /// everywhere. A regulator's quarantine is a regulatory hold, also over a quarantine
        /// someone else placed. A restriction: works while paused.
        ///
        /// # Errors
        /// `BatchNotFound`, `BatchQuarantined`, `BatchRecalled`, `NotParty`; `Downstream` (a
        /// refusal or failure of: access, audit log).
        ///
        /// # Events
        /// `AuditDeferred`, `BatchQuarantined`; the audit log's `Appended`.
        #[ink(message)]
        pub fn quarantine(&mut self, batch: BatchId, reason: QuarantineReason) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let caller = self.env().caller();
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            let roles = self.roles(caller)?;
            let regulator = roles.contains(Role::Regulator);
            let holder =
                self.holding(batch, caller) > 0 && roles.intersects(trading_partner_roles());
            let maker = caller == record.manufacturer && roles.contains(Role::Manufacturer);
            ensure!(holder || regulator || maker, Error::NotParty);
            match record.status {
                BatchStatus::Active => {}
                BatchStatus::Quarantined if regulator && !record.regulatory_hold => {}
                BatchStatus::Quarantined => return Err(Error::BatchQuarantined),
                BatchStatus::Recalled => return Err(Error::BatchRecalled),
            }
            record.status = BatchStatus::Quarantined;
            record.regulatory_hold = regulator;
            self.batches.insert(batch, &record);
            self.log_restriction(
                caller,
                AuditAction::BatchQuarantine,
                AuditSubject::Batch(batch),
            );
            self.env().emit_event(BatchQuarantined {
                batch,
                reason,
                regulatory_hold: regulator,
                by: caller,
            });
            Ok(())
        }

        /// A regulator, or the manufacturer while it holds its role: lift a quarantine. A hold
        /// a regulator placed only a regulator lifts.
        ///
        /// # Errors
        /// `BatchNotFound`, `NotParty`, `NotQuarantined`, `Paused`; `Downstream` (a refusal or
        /// failure of: access, audit log).
        ///
        /// # Events
        /// `BatchStatusChanged`; the audit log's `Appended`.
        #[ink(message)]
        pub fn clear_quarantine(&mut self, batch: BatchId) -> Result<()> {
            self.gov.enter(Pause::Stops)?;
            let caller = self.env().caller();
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            let roles = self.roles(caller)?;
            let regulator = roles.contains(Role::Regulator);
            let manufacturer = caller == record.manufacturer && roles.contains(Role::Manufacturer);
            ensure!(
                regulator || (manufacturer && !record.regulatory_hold),
                Error::NotParty
            );
            ensure!(
                record.status == BatchStatus::Quarantined,
                Error::NotQuarantined
            );
            record.status = BatchStatus::Active;
            record.regulatory_hold = false;
            self.batches.insert(batch, &record);
            xcall::audit(
                &mut self.audit,
                ink::prelude::vec![Self::entry(
                    caller,
                    AuditAction::BatchClear,
                    AuditSubject::Batch(batch),
                )],
            )?;
            self.env().emit_event(BatchStatusChanged {
                batch,
                status: BatchStatus::Active,
                recall_reason: None,
                by: caller,
            });
            Ok(())
        }

        /// The manufacturer (even while suspended: protective) or a regulator: recall a batch,
        /// for every holder at once. Final. A restriction: works while paused.
        ///
        /// # Errors
        /// `BatchNotFound`, `BatchRecalled`, `NotParty`; `Downstream` (a refusal or failure of:
        /// access, audit log).
        ///
        /// # Events
        /// `AuditDeferred`, `BatchStatusChanged`; the audit log's `Appended`.
        #[ink(message)]
        pub fn recall(&mut self, batch: BatchId, reason: RecallReason) -> Result<()> {
            self.gov.enter(Pause::Never)?;
            let caller = self.env().caller();
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            ensure!(
                caller == record.manufacturer || self.roles(caller)?.contains(Role::Regulator),
                Error::NotParty
            );
            ensure!(record.status != BatchStatus::Recalled, Error::BatchRecalled);
            record.status = BatchStatus::Recalled;
            record.recall_reason = Some(reason);
            self.batches.insert(batch, &record);
            self.log_restriction(caller, AuditAction::BatchRecall, AuditSubject::Batch(batch));
            self.env().emit_event(BatchStatusChanged {
                batch,
                status: BatchStatus::Recalled,
                recall_reason: Some(reason),
                by: caller,
            });
            Ok(())
        }

        /// Anyone: verify a pack by GTIN, lot and serial (the GS1 element string of its 2D
        /// barcode). One verdict, most serious finding first.
        ///
        /// # Errors
        /// None: it answers a value, never a refusal.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn verify(&self, gtin: Gtin, lot: LotNumber, serial: u64) -> Verification {
            if !self.gtins.contains(gtin) {
                return Verification::unknown(Verdict::UnknownProduct);
            }
            match self
                .by_gtin_lot
                .get((gtin, lot))
                .and_then(|id| self.batches.get(id))
            {
                Some(batch) => self.verification(&batch, serial),
                None => Verification::unknown(Verdict::UnknownLot),
            }
        }

        /// Anyone: send up to `MAX_AUDIT_BATCH` queued restriction entries to the audit log.
        /// Works while paused.
        ///
        /// # Errors
        /// `Empty`; `Downstream` (a refusal or failure of: audit log).
        ///
        /// # Events
        /// `AuditFlushed`; the audit log's `Appended`.
        #[ink(message)]
        pub fn flush_audit(&mut self) -> Result<u64> {
            self.gov.enter(Pause::Never)?;
            self.deferred.flush(&mut self.audit)
        }

        // ---------------------------------------------------------------- internals

        fn holding(&self, batch: BatchId, holder: AccountId) -> u64 {
            self.holdings.get((batch, holder)).unwrap_or(0)
        }

        fn roles(&self, account: AccountId) -> Result<RoleSet> {
            self.roles_of(account, None).map(|(roles, _)| roles)
        }

        fn roles_of(
            &self,
            first: AccountId,
            second: Option<AccountId>,
        ) -> Result<(RoleSet, RoleSet)> {
            let facts = xcall::read(
                Callee::Access,
                self.access.call().lookup(None, first, second).try_invoke(),
            )?;
            Ok((facts.first.roles, facts.second.roles))
        }

        fn ensure_roles(held: RoleSet, needed: RoleSet) -> Result<()> {
            if held.intersects(needed) {
                Ok(())
            } else {
                Err(Error::MissingRole(needed))
            }
        }

        fn entry(actor: AccountId, action: AuditAction, subject: AuditSubject) -> AuditRecord {
            AuditRecord {
                action,
                actor,
                patient: None,
                subject,
                purpose: None,
                outcome: AuditOutcome::Success,
                initiator: None,
            }
        }

        fn log_restriction(
            &mut self,
            actor: AccountId,
            action: AuditAction,
            subject: AuditSubject,
        ) {
            self.deferred
                .log(&mut self.audit, Self::entry(actor, action, subject));
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

        /// Bounded, distinct, in range, and each serial's record is absent (in the supply chain)
        /// or passes `expected`.
        fn check_serials(
            &self,
            batch: &Batch,
            serials: &[u64],
            expected: impl Fn(&SerialRecord) -> bool,
        ) -> Result<()> {
            ensure!(!serials.is_empty(), Error::Empty);
            ensure!(serials.len() <= MAX_SERIALS_PER_CALL, Error::TooMany);
            for (i, serial) in serials.iter().enumerate() {
                ensure!(batch.in_range(*serial), Error::SerialOutOfRange);
                let duplicate = serials
                    .iter()
                    .skip(i.saturating_add(1))
                    .any(|s| s == serial);
                let available = self
                    .serials
                    .get((batch.id, *serial))
                    .is_none_or(|record| expected(&record));
                ensure!(!duplicate && available, Error::SerialNotAvailable);
            }
            Ok(())
        }

        /// `holder` is the serial-level custodian of each of `serials` (bounded by the caller).
        fn ensure_custodian(
            &self,
            batch: &Batch,
            serials: &[u64],
            holder: AccountId,
        ) -> Result<()> {
            for serial in serials {
                let custodian = self
                    .custody
                    .get((batch.id, *serial))
                    .unwrap_or(batch.manufacturer);
                ensure!(custodian == holder, Error::SerialNotAvailable);
            }
            Ok(())
        }

        /// Record `state` for each serial (by the caller, now), or clear their records.
        fn mark(&mut self, batch: BatchId, serials: &[u64], state: Option<SerialState>) {
            let by = self.env().caller();
            let at = self.env().block_timestamp();
            for serial in serials {
                match state {
                    Some(state) => {
                        self.serials.insert(
                            (batch, *serial),
                            &SerialRecord {
                                state,
                                by,
                                at,
                                suspect: None,
                            },
                        );
                    }
                    None => self.serials.remove((batch, *serial)),
                }
            }
        }

        fn send(
            &mut self,
            batch: BatchId,
            to: AccountId,
            quantity: u64,
            document_hash: Digest,
            (kind, serials): (TransferKind, Vec<u64>),
            (sender_roles, recipient_roles): (RoleSet, RoleSet),
        ) -> Result<u64> {
            let caller = self.env().caller();
            let mut record = self.batches.get(batch).ok_or(Error::BatchNotFound)?;
            self.ensure_movable(&record)?;
            ensure!(quantity != 0, Error::ZeroAmount);
            ensure!(!document_hash.is_zero(), Error::InvalidDigest);
            ensure_nonzero(&to)?;
            ensure!(to != caller, Error::RecipientNotEligible);
            let (sender, recipient) = self.roles_of(caller, Some(to))?;
            Self::ensure_roles(sender, sender_roles)?;
            ensure!(
                recipient.intersects(recipient_roles),
                Error::RecipientNotEligible
            );
            // Listed serials: the caller must be their custodian.
            self.ensure_custodian(&record, &serials, caller)?;
            let left = self
                .holding(batch, caller)
                .checked_sub(quantity)
                .ok_or(Error::InsufficientStock)?;
            self.set_holding(batch, &caller, left);
            let index = next_id(&mut record.transfer_count)?;
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
            ensure!(
                transfer.status == TransferStatus::Pending,
                Error::TransferNotPending
            );
            Ok((record, transfer))
        }

        /// Reject (by the recipient) or cancel (by the sender): the packs go back to the sender,
        /// and a return's reserved serials are released (unless flagged since).
        fn unwind(&mut self, batch: BatchId, index: u64, status: TransferStatus) -> Result<()> {
            let caller = self.env().caller();
            let (mut record, mut transfer) = self.pending(batch, index)?;
            let party = if status == TransferStatus::Rejected {
                transfer.to
            } else {
                transfer.from
            };
            ensure!(caller == party, Error::NotParty);
            for serial in &transfer.serials {
                let reserved = self
                    .serials
                    .get((batch, *serial))
                    .is_some_and(|r| r.state == SerialState::Returning && r.suspect.is_none());
                if reserved {
                    self.serials.remove((batch, *serial));
                }
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

        fn verification(&self, batch: &Batch, serial: u64) -> Verification {
            let record = self.serials.get((batch.id, serial));
            let verdict = if !batch.in_range(serial) {
                Verdict::UnknownSerial
            } else if record.is_some_and(|r| r.suspect.is_some()) {
                Verdict::Suspect
            } else if batch.status == BatchStatus::Recalled {
                Verdict::Recalled
            } else if batch.status == BatchStatus::Quarantined {
                Verdict::Quarantined
            } else {
                match record.map(|r| r.state) {
                    Some(SerialState::Dispensed) => Verdict::Dispensed,
                    Some(SerialState::Destroyed) => Verdict::Destroyed,
                    Some(SerialState::Returning) => Verdict::Returning,
                    _ if batch.expired(self.env().block_timestamp()) => Verdict::Expired,
                    _ => Verdict::Genuine,
                }
            };
            Verification {
                verdict,
                batch: Some(batch.id),
                expiry: Some(batch.expiry),
                dispensed_by: record
                    .filter(|r| r.state == SerialState::Dispensed && batch.in_range(serial))
                    .map(|r| r.by),
            }
        }
    }

    impl ProvenanceView for Provenance {
        ///
        /// # Errors
        /// None: it answers a value, never a refusal.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn verify_serial(&self, batch: BatchId, serial: u64) -> Verification {
            match self.batches.get(batch) {
                Some(record) => self.verification(&record, serial),
                None => Verification::unknown(Verdict::UnknownProduct),
            }
        }
    }

    impl Governed for Provenance {
        ///
        /// # Errors
        /// `GovernorExists`, `GovernorNotFound`, `NoPendingAdmin`, `NotAdmin`, `NotGovernor`,
        /// `NotPendingAccount`, `Overflow`, `ZeroAccount`.
        ///
        /// # Events
        /// `AdminChanged`, `AdminProposed`, `GovernorAdded`, `GovernorRemoved`, `PauseChanged`.
        #[ink(message)]
        fn govern(&mut self, action: GovAction) -> Result<()> {
            self.gov.govern(self.env().caller(), action)
        }
    }
}
