// @carechain/client: a typed client for the CareChain contracts.
export * from './deployment.js';
export * from './errors.js';
export * from './suite.js';
export * from './audit.js';
export * from './reads.js';
export * from './fhir.js';
export * from './gs1.js';
export * as vault from './vault.js';
export * from './gateway.js';
export type * as Access from './generated/access/index.js';
export type * as AuditLog from './generated/audit-log/index.js';
export type * as Claims from './generated/claims/index.js';
export type * as Consent from './generated/consent/index.js';
export type * as Provenance from './generated/provenance/index.js';
export type * as Registry from './generated/registry/index.js';
export * from './wallet.js';
export * from './storage.js';
