// The record vault's formats in TypeScript, byte for byte those of the Rust `carechain-vault`
// (interoperability is tested both ways): XChaCha20-Poly1305 blobs with the record id and
// version as associated data, data keys wrapped with HPKE (RFC 9180 base mode,
// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305) and locators sealed the same way.
//
//   blob        = "CCV2" || commitment(32) || nonce(24) || ciphertext || tag(16)
//   commitment  = SHA-256("carechain/key-commit/v1" || data key || record (u64 LE) || version (u32 LE))
//   aad         = "carechain/record/v1" || record (u64 LE) || version (u32 LE)
//
// The commitment makes decryption key-committing: a reader checks it before decrypting, so one
// anchored blob opens under one key only, for every recipient. The retired format without it
// ("CCV1") is refused.
//   wrapped key = enc(32) || ciphertext(32) || tag(16); info = "carechain/key-wrap/v1" || record || version
//   locator     = enc(32) || ciphertext || tag;            info = "carechain/locator/v1"

import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha';
import { x25519 } from '@noble/curves/ed25519';
import { extract, expand } from '@noble/hashes/hkdf';
import { sha256 } from '@noble/hashes/sha2';
import { randomBytes } from '@noble/hashes/utils';

const enc = new TextEncoder();
const MAGIC = enc.encode('CCV2');
const MAGIC_V1 = enc.encode('CCV1');
export const WRAPPED_LEN = 80;

export class VaultError extends Error {
  constructor(
    readonly code: 'malformed' | 'wrong-key' | 'key-mismatch' | 'tampered' | 'hash-mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u64le(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, true);
  return out;
}

function u32le(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

function i2osp(value: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1, v = value; i >= 0; i--, v >>= 8) out[i] = v & 0xff;
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---------------------------------------------------------------------------------- HPKE

const KEM_ID = 0x0020;
const KDF_ID = 0x0001;
const AEAD_ID = 0x0003;
const KEM_SUITE = concat(enc.encode('KEM'), i2osp(KEM_ID, 2));
const HPKE_SUITE = concat(enc.encode('HPKE'), i2osp(KEM_ID, 2), i2osp(KDF_ID, 2), i2osp(AEAD_ID, 2));
const V1 = enc.encode('HPKE-v1');

function labeledExtract(suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
  return extract(sha256, concat(V1, suite, enc.encode(label), ikm), salt);
}

function labeledExpand(suite: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array {
  return expand(sha256, prk, concat(i2osp(length, 2), V1, suite, enc.encode(label), info), length);
}

const EMPTY = new Uint8Array(0);

function sharedSecret(dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
  const prk = labeledExtract(KEM_SUITE, EMPTY, 'eae_prk', dh);
  return labeledExpand(KEM_SUITE, prk, 'shared_secret', kemContext, 32);
}

function keySchedule(shared: Uint8Array, info: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const pskIdHash = labeledExtract(HPKE_SUITE, EMPTY, 'psk_id_hash', EMPTY);
  const infoHash = labeledExtract(HPKE_SUITE, EMPTY, 'info_hash', info);
  const context = concat(new Uint8Array([0]), pskIdHash, infoHash);
  const secret = labeledExtract(HPKE_SUITE, shared, 'secret', EMPTY);
  return {
    key: labeledExpand(HPKE_SUITE, secret, 'key', context, 32),
    nonce: labeledExpand(HPKE_SUITE, secret, 'base_nonce', context, 12),
  };
}

/** RFC 9180 DeriveKeyPair for X25519: the secret key from input keying material. */
export function deriveSecret(ikm: Uint8Array): Uint8Array {
  const prk = labeledExtract(KEM_SUITE, EMPTY, 'dkp_prk', ikm);
  return labeledExpand(KEM_SUITE, prk, 'sk', EMPTY, 32);
}

export function publicKey(secret: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secret);
}

/** A fresh X25519 secret key. */
export function generateSecret(): Uint8Array {
  return deriveSecret(randomBytes(32));
}

/** The demo secret of a named actor (the Rust demo derives the same key). */
export function demoSecret(name: string): Uint8Array {
  return deriveSecret(enc.encode(`carechain demo x25519 key of ${name}`));
}

function hpkeSeal(recipient: Uint8Array, info: Uint8Array, plaintext: Uint8Array, ephemeral?: Uint8Array): Uint8Array {
  const skE = ephemeral ?? generateSecret();
  const pkE = x25519.getPublicKey(skE);
  const dh = x25519.getSharedSecret(skE, recipient);
  const { key, nonce } = keySchedule(sharedSecret(dh, concat(pkE, recipient)), info);
  return concat(pkE, chacha20poly1305(key, nonce).encrypt(plaintext));
}

function hpkeOpen(secret: Uint8Array, info: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (sealed.length < 48) throw new VaultError('malformed', 'sealed bytes too short');
  const pkE = sealed.slice(0, 32);
  let dh: Uint8Array;
  try {
    dh = x25519.getSharedSecret(secret, pkE);
  } catch {
    throw new VaultError('malformed', 'bad encapsulated key');
  }
  const { key, nonce } = keySchedule(sharedSecret(dh, concat(pkE, publicKey(secret))), info);
  try {
    return chacha20poly1305(key, nonce).decrypt(sealed.slice(32));
  } catch {
    throw new VaultError('wrong-key', 'the key does not open this (not addressed to it, or altered)');
  }
}

// ---------------------------------------------------------------------------------- records

function recordAad(record: bigint, version: number): Uint8Array {
  return concat(enc.encode('carechain/record/v1'), u64le(record), u32le(version));
}

function wrapInfo(record: bigint, version: number): Uint8Array {
  return concat(enc.encode('carechain/key-wrap/v1'), u64le(record), u32le(version));
}

export function contentHash(blob: Uint8Array): Uint8Array {
  return sha256(blob);
}

/** Encrypt a record version under a fresh data key. */
export function seal(record: bigint, version: number, plaintext: Uint8Array): { blob: Uint8Array; key: Uint8Array } {
  const key = randomBytes(32);
  return { blob: sealWith(key, record, version, plaintext), key };
}

/** The commitment a blob carries to its data key, record id and version. */
export function keyCommitment(key: Uint8Array, record: bigint, version: number): Uint8Array {
  return sha256(concat(enc.encode('carechain/key-commit/v1'), key, u64le(record), u32le(version)));
}

export function sealWith(key: Uint8Array, record: bigint, version: number, plaintext: Uint8Array): Uint8Array {
  const nonce = randomBytes(24);
  const ciphertext = xchacha20poly1305(key, nonce, recordAad(record, version)).encrypt(plaintext);
  return concat(MAGIC, keyCommitment(key, record, version), nonce, ciphertext);
}

export function open(key: Uint8Array, record: bigint, version: number, blob: Uint8Array): Uint8Array {
  if (blob.length >= 4 && equal(blob.slice(0, 4), MAGIC_V1)) {
    throw new VaultError('malformed', 'a record blob of the retired format CCV1 (no key commitment): migrate it');
  }
  if (blob.length < 76) throw new VaultError('malformed', 'not a record blob');
  if (!equal(blobCommitment(blob), keyCommitment(key, record, version))) {
    throw new VaultError('key-mismatch', 'the data key is not the one the record commits to');
  }
  try {
    return xchacha20poly1305(key, blob.slice(36, 60), recordAad(record, version)).decrypt(blob.slice(60));
  } catch {
    throw new VaultError('tampered', "the record does not authenticate: altered, or another record's");
  }
}

function checkAnchor(anchored: Uint8Array, blob: Uint8Array): void {
  if (!equal(contentHash(blob), anchored)) throw new VaultError('hash-mismatch', "the record's hash is not the anchored one");
}

/** Check a blob against the anchored content hash, then decrypt. */
export function openAnchored(key: Uint8Array, record: bigint, version: number, anchored: Uint8Array, blob: Uint8Array): Uint8Array {
  checkAnchor(anchored, blob);
  return open(key, record, version, blob);
}

export function wrap(key: Uint8Array, recipient: Uint8Array, record: bigint, version: number): Uint8Array {
  return hpkeSeal(recipient, wrapInfo(record, version), key);
}

export function unwrap(secret: Uint8Array, wrapped: Uint8Array, record: bigint, version: number): Uint8Array {
  if (wrapped.length !== WRAPPED_LEN) throw new VaultError('malformed', 'a wrapped key is 80 bytes');
  return hpkeOpen(secret, wrapInfo(record, version), wrapped);
}

/** The data-key commitment a blob carries (its bytes after the magic). */
export function blobCommitment(blob: Uint8Array): Uint8Array {
  if (blob.length < 36 || !equal(blob.slice(0, 4), MAGIC)) throw new VaultError('malformed', 'not a record blob');
  return blob.slice(4, 36);
}

/** Of several wrapped keys for one recipient key (a gateway answers each writer's, 80 bytes
 *  each, concatenated), the data key the record commits to: one that does not open for
 *  `secret`, or opens to another data key (written to spoil the record), is passed over. */
export function unwrapCommitted(secret: Uint8Array, candidates: Uint8Array, record: bigint, version: number, commitment: Uint8Array): Uint8Array {
  if (candidates.length === 0 || candidates.length % WRAPPED_LEN !== 0) throw new VaultError('malformed', 'wrapped keys');
  let openedAnother = false;
  for (let at = 0; at < candidates.length; at += WRAPPED_LEN) {
    let key: Uint8Array;
    try {
      key = unwrap(secret, candidates.slice(at, at + WRAPPED_LEN), record, version);
    } catch {
      continue;
    }
    if (equal(keyCommitment(key, record, version), commitment)) return key;
    key.fill(0);
    openedAnother = true;
  }
  throw openedAnother
    ? new VaultError('key-mismatch', 'no wrapped key holds the data key the record commits to')
    : new VaultError('wrong-key', 'the key does not open this (not addressed to it, or altered)');
}

/** Check a blob against its anchor, pick the committed data key among the wrapped keys a
 *  gateway answered, and decrypt. */
export function openCandidates(secret: Uint8Array, candidates: Uint8Array, record: bigint, version: number, anchored: Uint8Array, blob: Uint8Array): Uint8Array {
  checkAnchor(anchored, blob);
  const key = unwrapCommitted(secret, candidates, record, version, blobCommitment(blob));
  try {
    return open(key, record, version, blob);
  } finally {
    key.fill(0);
  }
}

export function sealLocator(patient: Uint8Array, locator: string): Uint8Array {
  return hpkeSeal(patient, enc.encode('carechain/locator/v1'), enc.encode(locator));
}

export function openLocator(secret: Uint8Array, sealed: Uint8Array): string {
  return new TextDecoder().decode(hpkeOpen(secret, enc.encode('carechain/locator/v1'), sealed));
}
