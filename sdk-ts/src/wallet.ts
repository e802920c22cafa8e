// Who signs: a polkadot{.js}-compatible browser extension (`window.injectedWeb3`), or — for
// tests and local development only — a development key pair whose secret URI is handed over at
// run time (by a test, or typed by a developer), never built into a bundle.

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import type { InjectedSigner, IKeyringPair } from 'dedot/types';
import type { Sender } from './suite.js';
import type { SignBytes } from './gateway.js';

export interface Identity {
  address: string;
  name: string;
  sender: Sender;
  /** Sign arbitrary bytes (gateway requests). */
  signBytes: SignBytes;
}

const hex = (bytes: Uint8Array) => '0x' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string) => new Uint8Array((text.replace(/^0x/, '').match(/../g) ?? []).map((b) => parseInt(b, 16)));

/** A development identity from a secret URI (e.g. `//Alice`). */
export async function devIdentity(suri: string, name = suri): Promise<Identity> {
  await cryptoWaitReady();
  const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);
  return {
    address: pair.address,
    name,
    sender: pair as unknown as IKeyringPair,
    signBytes: async (payload) => pair.sign(payload),
  };
}

interface InjectedAccount {
  address: string;
  name?: string;
}

interface InjectedExtension {
  accounts: { get(): Promise<InjectedAccount[]> };
  signer: InjectedSigner & {
    signRaw?: (raw: { address: string; data: string; type: 'bytes' }) => Promise<{ signature: string }>;
  };
}

/** The accounts of every injected extension that lets this page in. */
export async function extensionIdentities(appName: string): Promise<Identity[]> {
  const injected = (globalThis as any).injectedWeb3 as Record<string, { enable(app: string): Promise<InjectedExtension> }> | undefined;
  if (!injected) return [];
  const found: Identity[] = [];
  for (const [source, provider] of Object.entries(injected)) {
    let extension: InjectedExtension;
    try {
      extension = await provider.enable(appName);
    } catch {
      continue;
    }
    for (const account of await extension.accounts.get()) {
      found.push({
        address: account.address,
        name: `${account.name ?? account.address.slice(0, 8)} (${source})`,
        sender: { address: account.address, signer: extension.signer },
        signBytes: async (payload) => {
          if (!extension.signer.signRaw) throw new Error(`${source} cannot sign bytes`);
          const { signature } = await extension.signer.signRaw({ address: account.address, data: hex(payload), type: 'bytes' });
          return fromHex(signature);
        },
      });
    }
  }
  return found;
}
