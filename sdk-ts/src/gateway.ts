// The record gateway's client: requests signed by the caller's chain account (sr25519 over the
// gateway's payload, which already carries the `<Bytes>` wrapper a wallet's `signRaw` adds), and
// the vault's whole read and write path on top of it.

import { sha256 } from '@noble/hashes/sha2';
import { randomBytes } from '@noble/hashes/utils';
import { decodeAddress } from 'dedot/utils';
import { contentHash, open, openCandidates, seal, wrap } from './vault.js';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Signs the payload bytes with the account's sr25519 key (a key pair, or a wallet's signRaw). */
export type SignBytes = (payload: Uint8Array) => Promise<Uint8Array>;

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
  ) {
    super(`${status} ${code}: ${reason}`);
    this.name = 'GatewayError';
  }
}

/** The header carrying the signed body's SHA-256 (lower-case hex): the gateway authenticates a
 * request from its headers before it reads a body. */
export const CONTENT_SHA256 = 'x-carechain-content-sha256';

export function signingPayload(gateway: string, method: string, path: string, body: Uint8Array, ts: number, nonce: Uint8Array): Uint8Array {
  return new TextEncoder().encode(
    `<Bytes>carechain-gateway/v1\n${gateway}\n${method}\n${path}\n${hex(sha256(body))}\n${ts}\n${hex(nonce)}</Bytes>`,
  );
}

export class Gateway {
  constructor(
    readonly base: string,
    readonly id: string,
  ) {}

  async request(account: string, sign: SignBytes, method: string, path: string, body: Uint8Array = new Uint8Array(0)): Promise<Uint8Array> {
    const ts = Date.now();
    const nonce = randomBytes(16);
    const signature = await sign(signingPayload(this.id, method, path, body, ts, nonce));
    const header = `CareChain-Sr25519 account=${hex(decodeAddress(account))},ts=${ts},nonce=${hex(nonce)},sig=${hex(signature)}`;
    const response = await fetch(`${this.base.replace(/\/$/, '')}${path}`, {
      method,
      headers: { authorization: header, [CONTENT_SHA256]: hex(sha256(body)) },
      body: method === 'GET' ? undefined : new Uint8Array(body),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) {
      let code = 'http';
      let reason = new TextDecoder().decode(bytes);
      try {
        const parsed = JSON.parse(reason);
        code = parsed.error;
        reason = parsed.reason;
      } catch {
        // not the gateway's JSON: keep the text
      }
      throw new GatewayError(response.status, code, reason);
    }
    return bytes;
  }

  putBlob(account: string, sign: SignBytes, record: bigint, blob: Uint8Array) {
    return this.request(account, sign, 'PUT', `/v1/records/${record}`, blob);
  }

  /** Upload the signer's wrapped key for the recipient key `slot` (`keySlot`): each writer has
   *  its own position in a slot, so nobody replaces another's. */
  putKey(account: string, sign: SignBytes, record: bigint, slot: string, wrapped: Uint8Array) {
    return this.request(account, sign, 'PUT', `/v1/records/${record}/keys/${slot}`, wrapped);
  }

  getBlob(account: string, sign: SignBytes, record: bigint, entry: bigint) {
    return this.request(account, sign, 'GET', `/v1/records/${record}?entry=${entry}`);
  }

  /** The wrapped keys (every writer's, concatenated) for the signer's registered key, or for
   *  `forSlot`, a former key of the signer's after it rotated. */
  getKey(account: string, sign: SignBytes, record: bigint, entry: bigint, forSlot?: string) {
    const query = forSlot === undefined ? '' : `&for=${forSlot}`;
    return this.request(account, sign, 'GET', `/v1/records/${record}/key?entry=${entry}${query}`);
  }
}

/** The key slot of a recipient's X25519 public key (lower-case hex): slots are addressed by
 *  key, so a patient's new key after a recovery, or an organisation's after a rotation, gets
 *  slots of its own. */
export function keySlot(key: Uint8Array): string {
  return hex(key);
}

/** Encrypt a record version and wrap its key for each recipient: what the author uploads after
 *  anchoring `contentHash(blob)` on chain. */
export function prepareRecord(record: bigint, version: number, plaintext: Uint8Array, recipients: Uint8Array[]) {
  const { blob, key } = seal(record, version, plaintext);
  const wrapped = recipients.map((to) => ({ slot: keySlot(to), wrapped: wrap(key, to, record, version) }));
  key.fill(0);
  return { blob, hash: contentHash(blob), wrapped };
}

/** Download and decrypt a record against a granted decision entry. */
export async function fetchRecord(
  gateway: Gateway,
  account: string,
  sign: SignBytes,
  secret: Uint8Array,
  record: bigint,
  version: number,
  anchored: Uint8Array,
  entry: bigint,
): Promise<Uint8Array> {
  const wrapped = await gateway.getKey(account, sign, record, entry);
  const blob = await gateway.getBlob(account, sign, record, entry);
  return openCandidates(secret, wrapped, record, version, anchored, blob);
}

export { open };
