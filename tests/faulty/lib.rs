#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A deliberately failing callee for the fault tests: it implements every cross-contract trait
//! of the suite and, depending on its mode, refuses (returns `Err`), traps (panics), or tries to
//! call back into its caller (re-entrancy, which the suite never allows). Only built for tests.

#[ink::contract]
mod faulty {
    use carechain_common::{
        AccessContext, AuditRecord, AuditSink, ConsentGate, Decision, Error, IdentityView,
        PatientId, ProvenanceView, Purpose, RecordId, Result, Role, RoleSet, Verification,
    };
    use ink::env::call::{build_call, ExecutionInput, Selector};
    use ink::prelude::vec::Vec;

    /// Already encoded arguments, passed through as they are.
    struct RawBytes<'a>(&'a [u8]);

    impl ink::scale::Encode for RawBytes<'_> {
        fn size_hint(&self) -> usize {
            self.0.len()
        }
        fn encode_to<T: ink::scale::Output + ?Sized>(&self, dest: &mut T) {
            dest.write(self.0);
        }
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum Mode {
        /// Messages returning `Result` answer `Err(Error::Paused)`; reads answer "nothing".
        Refuse,
        /// Every message panics.
        Trap,
        /// Every message calls its caller back with `callback` (selector and arguments).
        Reenter,
    }

    #[ink(storage)]
    pub struct Faulty {
        mode: Mode,
        callback: Vec<u8>,
    }

    impl Faulty {
        #[ink(constructor)]
        pub fn new(mode: Mode) -> Self {
            Self {
                mode,
                callback: Vec::new(),
            }
        }

        /// The call to make back into the caller in `Reenter` mode: 4 selector bytes, then
        /// SCALE-encoded arguments.
        #[ink(message)]
        pub fn set_callback(&mut self, callback: Vec<u8>) {
            self.callback = callback;
        }

        #[ink(message)]
        pub fn set_mode(&mut self, mode: Mode) {
            self.mode = mode;
        }

        /// Fail as the mode says; returns only in `Refuse` mode.
        fn misbehave(&self) {
            match self.mode {
                Mode::Refuse => {}
                Mode::Trap => panic!("faulty callee traps"),
                Mode::Reenter => {
                    let (selector, args) = self.callback.split_at(4.min(self.callback.len()));
                    let selector: [u8; 4] = selector.try_into().unwrap_or([0; 4]);
                    let outcome = build_call::<ink::env::DefaultEnvironment>()
                        .call(self.env().caller())
                        .exec_input(
                            ExecutionInput::new(Selector::new(selector)).push_arg(RawBytes(args)),
                        )
                        .returns::<()>()
                        .try_invoke();
                    // The suite's contracts never allow re-entry, so this fails; make it loud.
                    assert!(outcome.is_ok(), "re-entry refused");
                }
            }
        }
    }

    impl IdentityView for Faulty {
        #[ink(message)]
        fn roles_of(&self, _account: AccountId) -> RoleSet {
            self.misbehave();
            RoleSet::EMPTY
        }
        #[ink(message)]
        fn roles_of_pair(&self, _first: AccountId, _second: AccountId) -> (RoleSet, RoleSet) {
            self.misbehave();
            (RoleSet::EMPTY, RoleSet::EMPTY)
        }
        #[ink(message)]
        fn has_role(&self, _account: AccountId, _role: Role) -> bool {
            self.misbehave();
            false
        }
        #[ink(message)]
        fn patient_registration(&self, _patient: PatientId) -> Option<u64> {
            self.misbehave();
            None
        }
        #[ink(message)]
        fn is_patient_manager(&self, _patient: PatientId, _account: AccountId) -> bool {
            self.misbehave();
            false
        }
        #[ink(message)]
        fn access_context(&self, _patient: PatientId, _account: AccountId) -> AccessContext {
            self.misbehave();
            AccessContext {
                registration: None,
                roles: RoleSet::EMPTY,
                manager: None,
            }
        }
    }

    impl AuditSink for Faulty {
        #[ink(message)]
        fn append(&mut self, _record: AuditRecord) -> Result<u64> {
            self.misbehave();
            Err(Error::Paused)
        }
        #[ink(message)]
        fn append_batch(&mut self, _records: Vec<AuditRecord>) -> Result<u64> {
            self.misbehave();
            Err(Error::Paused)
        }
    }

    impl ConsentGate for Faulty {
        #[ink(message)]
        fn authorize_disclosure(
            &mut self,
            _patient: PatientId,
            _record: RecordId,
            _recipient: AccountId,
            _purpose: Purpose,
        ) -> Result<Decision> {
            self.misbehave();
            Err(Error::Paused)
        }
    }

    impl ProvenanceView for Faulty {
        #[ink(message)]
        fn verify_serial(&self, _batch: u64, _serial: u64) -> Verification {
            self.misbehave();
            Verification::UNKNOWN
        }
    }
}
