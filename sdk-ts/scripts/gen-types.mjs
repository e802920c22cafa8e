// Generate the contracts' TypeScript types with `dedot typink` from the built metadata
// (target/ink/<name>/<name>.json) into src/generated/<name>/. The generator exits 0 even when it
// fails, so its output is checked for its success line and for failure words.
//   node scripts/gen-types.mjs            regenerate
//   node scripts/gen-types.mjs --check    fail when the committed types differ from the metadata's
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, cpSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CONTRACT_NAMES as CONTRACTS } from './contract-names.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const bundles = process.env.CARECHAIN_BUNDLES ?? join(root, '..', 'target', 'ink');
// The generator names each folder after the contract, with dashes.
const folder = (name) => name.replaceAll('_', '-');
const check = process.argv.includes('--check');
const target = join(root, 'src', 'generated');
const out = check ? mkdtempSync(join(tmpdir(), 'carechain-gen-')) : target;

function files(dir, prefix = '') {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, join(prefix, name)) : [join(prefix, name)];
  });
}

let failed = false;
for (const name of CONTRACTS) {
  const metadata = join(bundles, name, `${name}.json`);
  if (!existsSync(metadata)) {
    console.error(`[gen-types] ${metadata} is missing: build the contracts first (scripts/build.sh)`);
    process.exit(1);
  }
  if (!check) rmSync(join(target, folder(name)), { recursive: true, force: true });
  const run = spawnSync('npx', ['--no-install', 'dedot', 'typink', '-m', metadata, '-o', out], {
    cwd: root,
    encoding: 'utf8',
  });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0 || !output.includes('Done!') || /fail|error/i.test(output)) {
    console.error(`[gen-types] generating ${name} failed:\n${output}`);
    failed = true;
    continue;
  }
  console.log(`[gen-types] ${name}: types generated`);
}
if (failed) process.exit(1);

if (check) {
  const differ = [];
  for (const name of CONTRACTS) {
    const fresh = join(out, folder(name));
    const committed = join(target, folder(name));
    const a = existsSync(committed) ? files(committed).sort() : [];
    const b = files(fresh).sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) differ.push(`${name}: files differ`);
    for (const file of b) {
      const path = join(committed, file);
      if (!existsSync(path) || readFileSync(path, 'utf8') !== readFileSync(join(fresh, file), 'utf8')) {
        differ.push(`${name}/${file}`);
      }
    }
  }
  rmSync(out, { recursive: true, force: true });
  if (differ.length) {
    console.error(`[gen-types] the committed types do not match the built metadata:\n  ${differ.join('\n  ')}\nrun: (cd sdk-ts && npm run gen)`);
    process.exit(1);
  }
  console.log('[gen-types] committed types match the built metadata');
}
