import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// Compiled to dist/test/: the package root is two levels up.
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixture = (name: string) => JSON.parse(readFileSync(join(root, 'test', 'fixtures', name), 'utf8'));
export const metadata = (contract: string) =>
  JSON.parse(readFileSync(join(process.env.CARECHAIN_BUNDLES ?? join(root, '..', 'target', 'ink'), contract, `${contract}.json`), 'utf8'));
export const fromHex = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/^0x/, ''), 'hex'));
export const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
