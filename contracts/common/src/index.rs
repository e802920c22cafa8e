//! Per-patient append-only index: `(patient, n) -> id` plus a count per patient. Appending is O(1);
//! clients read a patient's list page by page from storage, so no message ever walks a list a
//! user can grow.

use crate::error::{Error, Result};
use crate::ids::PatientId;
use ink::storage::traits::{AutoKey, StorageKey};
use ink::storage::Mapping;

/// The `KEY` parameter gives every field of this type its own storage keys, so one contract can
/// hold several indexes.
#[ink::storage_item]
#[derive(Debug)]
pub struct PatientIndex<KEY: StorageKey = AutoKey> {
    entries: Mapping<(PatientId, u64), u64>,
    counts: Mapping<PatientId, u64>,
}

impl<KEY: StorageKey> Default for PatientIndex<KEY> {
    fn default() -> Self {
        Self {
            entries: Mapping::default(),
            counts: Mapping::default(),
        }
    }
}

impl<KEY: StorageKey> PatientIndex<KEY> {
    pub fn count(&self, patient: PatientId) -> u64 {
        self.counts.get(patient).unwrap_or(0)
    }

    pub fn push(&mut self, patient: PatientId, id: u64) -> Result<()> {
        let n = self.count(patient);
        self.entries.insert((patient, n), &id);
        self.counts
            .insert(patient, &n.checked_add(1).ok_or(Error::Overflow)?);
        Ok(())
    }
}
