//! Turning the outcome of a cross-contract call into the suite's typed error.
//!
//! `try_invoke` gives `Result<MessageResult<R>, ink::env::Error>`: the outer error is a trap or a
//! failed call (callee panicked, ran out of gas, is not a contract), the middle one a `LangError`
//! (the callee did not understand the call), and for messages returning `Result` the inner one is
//! the callee's own refusal. Each becomes `Error::Downstream(callee, how)`, the callee's own error
//! carried inside; callers never see a half-understood answer.

use crate::audit::AuditRecord;
use crate::error::{CallFailure, Callee, Error, Result};
use crate::traits::{AuditRef, AuditSink};
use ink::codegen::TraitCallBuilder;
use ink::prelude::boxed::Box;
use ink::prelude::vec::Vec;

type Invoked<R> = core::result::Result<ink::MessageResult<R>, ink::env::Error>;

/// A call to a message that cannot fail on its own (a read).
pub fn read<T>(callee: Callee, outcome: Invoked<T>) -> Result<T> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(Error::Downstream(callee, CallFailure::LangError)),
        Err(_) => Err(Error::Downstream(callee, CallFailure::Trapped)),
    }
}

/// A call to a message returning `Result<T, Error>`.
pub fn fallible<T>(callee: Callee, outcome: Invoked<Result<T>>) -> Result<T> {
    read(callee, outcome)?
        .map_err(|inner| Error::Downstream(callee, CallFailure::Refused(Box::new(inner))))
}

/// Append `records` to the audit log: the first entry's sequence number, or the log's refusal
/// (or failure) as `Downstream(AuditLog, ..)`.
pub fn audit(log: &mut AuditRef, records: Vec<AuditRecord>) -> Result<u64> {
    fallible(
        Callee::AuditLog,
        log.call_mut().append(records).try_invoke(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_is_typed() {
        let trapped: Invoked<Result<u8>> = Err(ink::env::Error::ReturnError(
            ink::env::ReturnErrorCode::CalleeTrapped,
        ));
        assert_eq!(
            fallible(Callee::AuditLog, trapped),
            Err(Error::Downstream(Callee::AuditLog, CallFailure::Trapped))
        );
        let lang: Invoked<Result<u8>> = Ok(Err(ink::LangError::CouldNotReadInput));
        assert_eq!(
            fallible(Callee::Access, lang),
            Err(Error::Downstream(Callee::Access, CallFailure::LangError))
        );
        let refused: Invoked<Result<u8>> = Ok(Ok(Err(Error::NotWriter)));
        let error = fallible(Callee::AuditLog, refused).unwrap_err();
        assert_eq!(
            error,
            Error::Downstream(
                Callee::AuditLog,
                CallFailure::Refused(Box::new(Error::NotWriter))
            )
        );
        assert!(!error.is_paused());
        let paused: Invoked<Result<u8>> = Ok(Ok(Err(Error::Paused)));
        assert!(fallible(Callee::AuditLog, paused).unwrap_err().is_paused());
        let fine: Invoked<Result<u8>> = Ok(Ok(Ok(7)));
        assert_eq!(fallible(Callee::AuditLog, fine), Ok(7));
        assert_eq!(read::<u8>(Callee::Provenance, Ok(Ok(3))), Ok(3));
    }
}
