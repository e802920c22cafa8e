// dedot 1.3 types a contract's storage fields in camelCase, while its lazy-storage objects at run
// time are keyed by the Rust field names (snake_case). `field` reads either, so the typed
// accessors keep working whichever way a dedot release settles it.

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function field<T>(object: unknown, camelName: string): T {
  const o = object as Record<string, unknown>;
  const value = o?.[camelName] ?? o?.[snake(camelName)];
  if (value === undefined) throw new Error(`no storage field ${camelName} (or ${snake(camelName)})`);
  return value as T;
}

/** A decoded enum's variant name (dedot decodes a unit variant as its name, others as `{ type, value }`). */
export function enumName(value: unknown): string {
  return typeof value === 'string' ? value : String((value as { type?: unknown } | undefined)?.type ?? value);
}

/** A decoded value as JSON text (dedot decodes integers above 2^53 as bigint, which JSON lacks). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** An account as SS58 text (dedot decodes accounts as `AccountId32` objects). */
export function accountText(account: unknown): string {
  const a = account as { address?: () => string } | string | undefined;
  if (a && typeof a === 'object' && typeof a.address === 'function') return a.address();
  return String(a ?? '');
}
