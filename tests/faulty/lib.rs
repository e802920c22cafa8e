#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A test double for the suite's cross-contract tests (not part of the suite). It implements every
//! cross-contract trait of the suite and, depending on its mode, refuses (returns `Err`), traps
//! (panics), or tries to call back into its caller (re-entrancy, which the suite never allows).
//! It also relays arbitrary calls (`relay`), so tests can act as "a contract of the suite" — an
//! audit-log writer or a relying contract — where plain accounts are refused.

#[ink::contract]
mod faulty {
    use carechain_common::{
        AccessGate, AuditRecord, AuditSink, BatchId, Disclosure, Error, Facts, PatientId,
        ProvenanceView, Purpose, RecordId, Result, Update, Verdict, Verification,
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

    /// A callee's answer, kept as raw bytes.
    struct RawOutput(Vec<u8>);

    impl ink::scale::Decode for RawOutput {
        fn decode<I: ink::scale::Input>(
            input: &mut I,
        ) -> core::result::Result<Self, ink::scale::Error> {
            let mut bytes = Vec::new();
            while let Ok(byte) = input.read_byte() {
                bytes.push(byte);
            }
            Ok(RawOutput(bytes))
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

    fn call_raw(callee: AccountId, input: &[u8]) -> core::result::Result<Vec<u8>, ()> {
        let (selector, args) = input.split_at(4.min(input.len()));
        let selector: [u8; 4] = selector.try_into().unwrap_or([0; 4]);
        build_call::<ink::env::DefaultEnvironment>()
            .call(callee)
            .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(RawBytes(args)))
            .returns::<RawOutput>()
            .try_invoke()
            .map(|output| {
                // Re-wrap as the callee encoded it: `Result<T, LangError>`.
                let mut bytes = Vec::new();
                match output {
                    Ok(raw) => {
                        bytes.push(0);
                        bytes.extend_from_slice(&raw.0);
                    }
                    Err(lang) => {
                        bytes.push(1);
                        ink::scale::Encode::encode_to(&lang, &mut bytes);
                    }
                }
                bytes
            })
            .map_err(|_| ())
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

        /// Call `callee` with `input` (selector and arguments) and answer its raw output
        /// (`Result<T, LangError>` encoded). Traps when the call could not be made.
        #[ink(message)]
        pub fn relay(&mut self, callee: AccountId, input: Vec<u8>) -> Vec<u8> {
            match call_raw(callee, &input) {
                Ok(output) => output,
                Err(()) => panic!("relayed call failed"),
            }
        }

        /// Fail as the mode says; returns only in `Refuse` mode.
        fn misbehave(&self) {
            match self.mode {
                Mode::Refuse => {}
                Mode::Trap => panic!("faulty callee traps"),
                Mode::Reenter => {
                    // The suite's contracts never allow re-entry, so this fails; make it loud.
                    assert!(
                        call_raw(self.env().caller(), &self.callback).is_ok(),
                        "re-entry refused"
                    );
                }
            }
        }
    }

    impl AuditSink for Faulty {
        #[ink(message)]
        fn append(&mut self, _records: Vec<AuditRecord>) -> Result<u64> {
            self.misbehave();
            Err(Error::Paused)
        }
    }

    impl AccessGate for Faulty {
        #[ink(message)]
        fn lookup(
            &self,
            _patient: Option<PatientId>,
            _first: AccountId,
            _second: Option<AccountId>,
        ) -> Facts {
            self.misbehave();
            Facts::default()
        }
        #[ink(message)]
        fn update(&mut self, _update: Update, _restricts: bool) -> Result<()> {
            self.misbehave();
            Err(Error::Paused)
        }
        #[ink(message)]
        fn authorize_disclosure(
            &mut self,
            _patient: PatientId,
            _record: RecordId,
            _claimant: AccountId,
            _recipient: AccountId,
            _purpose: Purpose,
        ) -> Result<Disclosure> {
            self.misbehave();
            Err(Error::Paused)
        }
    }

    impl ProvenanceView for Faulty {
        #[ink(message)]
        fn verify_serial(&self, _batch: BatchId, _serial: u64) -> Verification {
            self.misbehave();
            Verification::unknown(Verdict::UnknownProduct)
        }
    }
}
