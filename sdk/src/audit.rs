//! Off-chain audit tools: read the whole log from storage, verify the hash chain with an
//! independent SHA-256 (FHIR R4 `AuditEvent` export: [`crate::fhir::audit_event`]).

use crate::ledger::ChainRead;
use crate::view;
use carechain_common::verify::{verify_chain, ChainError};
use carechain_common::AuditEntry;

/// Every entry of the log, chunk by chunk (each append is stored under its first entry).
pub fn fetch_all(chain: &mut impl ChainRead) -> Vec<AuditEntry> {
    let count = view::audit_root(chain).count;
    let mut entries = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut next = 0u64;
    while next < count {
        let chunk = view::audit_chunk(chain, next)
            .unwrap_or_else(|| panic!("the log has no chunk at {next} of {count}"));
        assert!(!chunk.is_empty(), "an empty chunk at {next}");
        next += chunk.len() as u64;
        entries.extend(chunk);
    }
    entries
}

/// Recompute the chain from genesis and compare with the contract's stored head and count.
/// Returns the number of entries verified.
pub fn verify_deployed(chain: &mut impl ChainRead) -> Result<u64, ChainError> {
    let entries = fetch_all(chain);
    let root = view::audit_root(chain);
    verify_chain(&entries, root.head, root.count).map(|()| root.count)
}
