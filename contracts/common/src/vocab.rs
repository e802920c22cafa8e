//! The suite's fixed vocabularies: organisation roles, data categories, purposes of use, and the sets
//! (bitmasks) of each that grants and organisations carry.

/// Declares `$set`, a set of `$item`s as a bitmask over `$repr` (bit `i` is variant number `i`
/// of the `$count`-variant vocabulary), and `$item::bit`.
macro_rules! bit_set {
    ($(#[$meta:meta])* $set:ident, $item:ty, $repr:ty, $count:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
        #[ink::scale_derive(Encode, Decode, TypeInfo)]
        #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
        pub struct $set(pub $repr);

        impl $item {
            pub fn bit(self) -> $repr {
                <$repr>::from(1u8).wrapping_shl(self as u32)
            }
        }

        impl $set {
            pub const EMPTY: $set = $set(0);
            /// Every bit of the vocabulary.
            pub const ALL_BITS: $repr = <$repr>::MAX.wrapping_shr(<$repr>::BITS.wrapping_sub($count));

            pub fn of(items: &[$item]) -> $set {
                $set(items.iter().fold(0, |acc, item| acc | item.bit()))
            }
            pub fn contains(self, item: $item) -> bool {
                self.0 & item.bit() != 0
            }
            pub fn intersects(self, other: $set) -> bool {
                self.0 & other.0 != 0
            }
            pub fn is_empty(self) -> bool {
                self.0 == 0
            }
            /// Non-empty and no bit outside the vocabulary.
            pub fn is_valid(self) -> bool {
                self.0 != 0 && self.0 & Self::ALL_BITS == self.0
            }
        }
    };
}

pub(crate) use bit_set;

/// What an organisation is credentialed as. An organisation may hold several.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Role {
    Provider,
    Manufacturer,
    Distributor,
    Pharmacy,
    Insurer,
    Researcher,
    Regulator,
    /// A public-health organisation (immunisation programme, health authority): issues
    /// immunisation credentials and receives data for public-health purposes.
    PublicHealth,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Provider,
        Role::Manufacturer,
        Role::Distributor,
        Role::Pharmacy,
        Role::Insurer,
        Role::Researcher,
        Role::Regulator,
        Role::PublicHealth,
    ];
}

bit_set!(
    /// A set of roles (bit `i` is `Role` number `i`).
    RoleSet,
    Role,
    u8,
    8
);

/// Data categories of a patient's record (the consent vocabulary).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum DataCategory {
    Demographics,
    Conditions,
    Medications,
    Allergies,
    Laboratory,
    Imaging,
    ClinicalNotes,
    Genomics,
    MentalHealth,
    SexualReproductiveHealth,
    SubstanceUse,
    Immunisations,
}

impl DataCategory {
    pub const ALL: [DataCategory; 12] = [
        DataCategory::Demographics,
        DataCategory::Conditions,
        DataCategory::Medications,
        DataCategory::Allergies,
        DataCategory::Laboratory,
        DataCategory::Imaging,
        DataCategory::ClinicalNotes,
        DataCategory::Genomics,
        DataCategory::MentalHealth,
        DataCategory::SexualReproductiveHealth,
        DataCategory::SubstanceUse,
        DataCategory::Immunisations,
    ];

    /// Code used in exports (FHIR AuditEvent.entity.securityLabel-style sensitivity tags where
    /// HL7 has one, otherwise a plain code).
    pub fn code(self) -> &'static str {
        match self {
            DataCategory::Demographics => "DEMO",
            DataCategory::Conditions => "COND",
            DataCategory::Medications => "MED",
            DataCategory::Allergies => "ALLERGY",
            DataCategory::Laboratory => "LABS",
            DataCategory::Imaging => "IMAGING",
            DataCategory::ClinicalNotes => "NOTES",
            DataCategory::Genomics => "GDIS",
            DataCategory::MentalHealth => "PSY",
            DataCategory::SexualReproductiveHealth => "SEX",
            DataCategory::SubstanceUse => "SUD",
            DataCategory::Immunisations => "IMMUN",
        }
    }
}

bit_set!(
    /// A set of data categories.
    CategorySet,
    DataCategory,
    u16,
    12
);

/// Purpose of use, after HL7 v3 PurposeOfUse (the FHIR `purposeOfEvent` codes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Purpose {
    Treatment,
    Payment,
    Operations,
    Research,
    PublicHealth,
    EmergencyTreatment,
}

impl Purpose {
    pub const ALL: [Purpose; 6] = [
        Purpose::Treatment,
        Purpose::Payment,
        Purpose::Operations,
        Purpose::Research,
        Purpose::PublicHealth,
        Purpose::EmergencyTreatment,
    ];

    /// HL7 v3 ActReason code.
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Treatment => "TREAT",
            Purpose::Payment => "HPAYMT",
            Purpose::Operations => "HOPERAT",
            Purpose::Research => "HRESCH",
            Purpose::PublicHealth => "PUBHLTH",
            Purpose::EmergencyTreatment => "ETREAT",
        }
    }

    /// The organisation roles that may receive data for this purpose. A grantee must hold one of
    /// them when the grant is made and again when access is checked.
    pub fn eligible_roles(self) -> RoleSet {
        match self {
            Purpose::Treatment => RoleSet::of(&[Role::Provider, Role::Pharmacy]),
            Purpose::Payment => RoleSet::of(&[Role::Insurer]),
            Purpose::Operations => RoleSet::of(&[Role::Provider, Role::Pharmacy, Role::Insurer]),
            Purpose::Research => RoleSet::of(&[Role::Researcher]),
            Purpose::PublicHealth => RoleSet::of(&[Role::Regulator, Role::PublicHealth]),
            Purpose::EmergencyTreatment => RoleSet::of(&[Role::Provider]),
        }
    }
}

bit_set!(
    /// A set of purposes of use.
    PurposeSet,
    Purpose,
    u8,
    6
);

impl PurposeSet {
    /// True when `roles` holds an eligible role for every purpose in the set.
    pub fn fits(self, roles: RoleSet) -> bool {
        Purpose::ALL
            .iter()
            .filter(|p| self.contains(**p))
            .all(|p| p.eligible_roles().intersects(roles))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sets() {
        let set = RoleSet::of(&[Role::Provider, Role::Regulator]);
        assert!(set.contains(Role::Provider));
        assert!(set.contains(Role::Regulator));
        assert!(!set.contains(Role::Insurer));
        assert!(set.is_valid());
        assert!(!RoleSet(0).is_valid());
        assert_eq!(RoleSet::of(&Role::ALL).0, 0b1111_1111);
        assert_eq!(RoleSet::ALL_BITS, 0xff);
    }

    #[test]
    fn category_and_purpose_sets() {
        assert_eq!(CategorySet::of(&DataCategory::ALL).0, 0x0fff);
        assert!(!CategorySet(0x1000).is_valid());
        assert!(CategorySet::of(&[DataCategory::Laboratory]).contains(DataCategory::Laboratory));
        assert!(!CategorySet::of(&[DataCategory::Laboratory]).contains(DataCategory::Genomics));
        assert_eq!(PurposeSet::of(&Purpose::ALL).0, 0x3f);
        assert!(!PurposeSet(0x40).is_valid());
    }

    #[test]
    fn purposes_fit_roles() {
        let hospital = RoleSet::of(&[Role::Provider]);
        let insurer = RoleSet::of(&[Role::Insurer]);
        let treat = PurposeSet::of(&[Purpose::Treatment]);
        let treat_and_research = PurposeSet::of(&[Purpose::Treatment, Purpose::Research]);
        assert!(treat.fits(hospital));
        assert!(!treat.fits(insurer));
        assert!(!treat_and_research.fits(hospital));
        assert!(PurposeSet::of(&[Purpose::Payment]).fits(insurer));
        assert!(!treat.fits(RoleSet::EMPTY));
    }
}
