// The contracts' `Error` enum as typed errors with a sentence a person understands. The sentences
// are the variants' own documentation (every variant is documented), exported from the Rust
// source into error-docs.json and checked against it by `sdk/tests/error_docs.rs`.

import ERROR_DOCS from './error-docs.json' with { type: 'json' };
import { ROLES, namesOf } from './vocab.js';

export interface ErrorValue {
  type: string;
  value?: unknown;
}

/** A refused call: the contract's error name, a sentence, and the error value itself. */
export class CareChainError extends Error {
  constructor(
    readonly code: string,
    readonly sentence: string,
    readonly detail?: unknown,
  ) {
    super(`${code}: ${sentence}`);
    this.name = 'CareChainError';
  }
}

/** The roles in a `RoleSet` bit mask, as words (`PublicHealth` -> `public health`). */
export function roleNames(bits: number): string[] {
  return namesOf(ROLES, bits).map((r) => r.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
}

/** Variant name → documentation. */
export function errorDocs(): Map<string, string> {
  return new Map(Object.entries(ERROR_DOCS as Record<string, string>));
}

function firstSentence(text: string): string {
  return text.replace(/`/g, '').replace(/\s+/g, ' ').trim();
}

/** A sentence for an error value (nested `Downstream` errors say which contract refused). */
export function describe(error: ErrorValue, docs: Map<string, string>): string {
  if (error.type === 'Downstream') {
    const [callee, failure] = (error.value ?? []) as [string, ErrorValue];
    const who = `the ${callee.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} contract`;
    if (failure?.type === 'Refused') return `${who} refused: ${describe(failure.value as ErrorValue, docs)}`;
    if (failure?.type === 'Trapped') return `${who} failed (trapped or unreachable)`;
    return `${who} did not understand the call`;
  }
  if (error.type === 'MissingRole') {
    const bits = (error.value as number) ?? 0;
    return `the caller lacks the role needed: ${roleNames(bits).join(' or ') || 'none'}`;
  }
  const text = docs.get(error.type);
  return text ? firstSentence(text) : `the contract refused (${error.type})`;
}

/** The typed error for an error value. */
export function toError(error: ErrorValue, docs: Map<string, string>): CareChainError {
  return new CareChainError(error.type, describe(error, docs), error.value);
}

/** A pallet error (the call could not run), with what usually helps. */
export function dispatchError(name: string): CareChainError {
  const hints: Record<string, string> = {
    StorageDepositLimitExhausted: 'the storage deposit limit does not cover what the call stores',
    StorageDepositNotEnoughFunds: 'the account cannot pay the storage deposit',
    OutOfGas: 'the call ran out of gas',
    ContractTrapped: 'the contract failed while running the call',
    ContractNotFound: 'there is no contract at this address (wrong deployment?)',
  };
  return new CareChainError(name, hints[name] ?? `the chain refused the call (${name})`);
}
