//! Identifiers and byte types. Every byte field the suite stores, emits or takes as an argument is one
//! of the named types here: a digest, a random pseudonymous id, a public key, a bounded encrypted
//! locator or a GS1 lot number. There is no free-form text anywhere in the suite.

use crate::error::{Error, Result};
use ink::prelude::vec::Vec;

/// Milliseconds since the Unix epoch, as the chain's timestamp pallet reports them.
pub type Timestamp = u64;
/// Native token amount (pallet-balances' `Balance` on the chains we target).
pub type Balance = u128;

pub type GrantId = u64;
pub type RecordId = u64;
pub type BatchId = u64;
pub type PolicyId = u64;
pub type ClaimId = u64;
pub type EmergencyId = u64;
pub type CredentialId = u64;

/// One day in milliseconds.
pub const DAY_MS: Timestamp = 86_400_000;

/// Take the next id from a counter: returns the current value and advances the counter.
pub fn next_id(counter: &mut u64) -> Result<u64> {
    let id = *counter;
    *counter = id.checked_add(1).ok_or(Error::Overflow)?;
    Ok(id)
}

/// A SHA-256 digest (content hash, credential hash, certificate-of-analysis hash, audit chain link).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Digest(pub [u8; 32]);

impl Digest {
    pub const ZERO: Digest = Digest([0u8; 32]);

    pub fn is_zero(&self) -> bool {
        self.0 == [0u8; 32]
    }
}

/// A patient's pseudonymous id: 32 random bytes chosen by the patient's client. It must never be
/// derived from a name, birth date, national id or any other identifier (not even a hash of one).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PatientId(pub [u8; 32]);

impl PatientId {
    /// The all-zero id is reserved (it is what an uninitialised client would send).
    pub fn is_valid(&self) -> bool {
        self.0 != [0u8; 32]
    }
}

/// An X25519 public key a patient's or an organisation's client publishes: record data keys are
/// wrapped to it (HPKE, RFC 9180).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct EncryptionKey(pub [u8; 32]);

impl EncryptionKey {
    pub fn is_valid(&self) -> bool {
        self.0 != [0u8; 32]
    }
}

/// Longest encrypted locator accepted: an HPKE encapsulated key (32), an AEAD tag (16) and up to
/// 208 bytes of sealed locator (a gateway id and an object name are well within that).
pub const MAX_LOCATOR_LEN: usize = 256;

/// Where a record's ciphertext lives (gateway and object), sealed to the patient's side. On-chain
/// storage is public, so this is only ever ciphertext; its length is bounded.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct EncryptedLocator(pub Vec<u8>);

impl EncryptedLocator {
    pub fn is_valid(&self) -> bool {
        !self.0.is_empty() && self.0.len() <= MAX_LOCATOR_LEN
    }
}

/// GS1 GTIN-14 as a number (`< 10^14`, leading zeros implied), with a valid mod-10 check digit.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Gtin(pub u64);

impl Gtin {
    const LIMIT: u64 = 100_000_000_000_000; // 10^14

    /// True when the number has at most 14 digits, is not zero, and its last digit is the GS1
    /// check digit of the 13 before it.
    pub fn is_valid(&self) -> bool {
        if self.0 == 0 || self.0 >= Self::LIMIT {
            return false;
        }
        let mut rest = self.0;
        let check = rest % 10;
        rest /= 10;
        // Weights alternate 3,1,3,... from the digit next to the check digit leftwards.
        let mut sum: u64 = 0;
        let mut weight_three = true;
        for _ in 0..13 {
            let digit = rest % 10;
            rest /= 10;
            let weighted = if weight_three {
                digit.saturating_mul(3)
            } else {
                digit
            };
            sum = sum.saturating_add(weighted);
            weight_three = !weight_three;
        }
        let remainder = sum % 10;
        let expected = if remainder == 0 {
            0
        } else {
            10u64.saturating_sub(remainder)
        };
        expected == check
    }
}

/// Longest GS1 lot/batch number (application identifier 10).
pub const MAX_LOT_LEN: usize = 20;

/// A GS1 lot number: 1 to 20 characters of GS1's character set 82 minus the characters that are
/// awkward in barcodes and URIs; we accept `A-Z a-z 0-9 - . / _`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct LotNumber(pub Vec<u8>);

impl LotNumber {
    pub fn is_valid(&self) -> bool {
        !self.0.is_empty()
            && self.0.len() <= MAX_LOT_LEN
            && self
                .0
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'/' | b'_'))
    }
}

/// Pagination for client-side reads of per-patient lists: the largest page served.
pub const MAX_PAGE: u32 = 32;

/// Clamp a requested page size to `1..=MAX_PAGE` (0 means "a full page").
pub fn page_len(requested: u32) -> u32 {
    if requested == 0 || requested > MAX_PAGE {
        MAX_PAGE
    } else {
        requested
    }
}

/// The positions of one page: `from..min(from + page_len(limit), total)`.
pub fn page_range(from: u64, limit: u32, total: u64) -> core::ops::Range<u64> {
    let end = from.saturating_add(u64::from(page_len(limit))).min(total);
    from..end.max(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_check_digit() {
        // Examples from GS1's check digit calculator.
        assert!(Gtin(10_614_141_000_415).is_valid()); // 10614141000415
        assert!(Gtin(9_506_000_134_352).is_valid()); // 09506000134352
        assert!(!Gtin(9_506_000_134_353).is_valid());
        assert!(!Gtin(0).is_valid());
        assert!(!Gtin(100_000_000_000_000).is_valid());
    }

    #[test]
    fn lot_number_charset_and_length() {
        assert!(LotNumber(b"A1B2-C3.4/5_6".to_vec()).is_valid());
        assert!(!LotNumber(Vec::new()).is_valid());
        assert!(!LotNumber(vec![b'A'; 21]).is_valid());
        assert!(LotNumber(vec![b'A'; 20]).is_valid());
        assert!(!LotNumber(b"lot 1".to_vec()).is_valid());
        assert!(!LotNumber("lot\u{e9}".as_bytes().to_vec()).is_valid());
    }

    #[test]
    fn locator_bounds() {
        assert!(!EncryptedLocator(Vec::new()).is_valid());
        assert!(EncryptedLocator(vec![7; MAX_LOCATOR_LEN]).is_valid());
        assert!(!EncryptedLocator(vec![7; MAX_LOCATOR_LEN + 1]).is_valid());
    }

    #[test]
    fn pages_are_clamped() {
        assert_eq!(page_len(0), MAX_PAGE);
        assert_eq!(page_len(5), 5);
        assert_eq!(page_len(MAX_PAGE + 1), MAX_PAGE);
        assert_eq!(page_range(0, 0, 5), 0..5);
        assert_eq!(page_range(3, 10, 5), 3..5);
        assert_eq!(page_range(7, 10, 5), 7..7);
        assert_eq!(page_range(u64::MAX, 10, 5), u64::MAX..u64::MAX);
    }

    #[test]
    fn ids_advance_and_never_wrap() {
        let mut counter = 7;
        assert_eq!(next_id(&mut counter), Ok(7));
        assert_eq!(counter, 8);
        let mut full = u64::MAX;
        assert_eq!(next_id(&mut full), Err(Error::Overflow));
        assert_eq!(full, u64::MAX);
    }
}
