import { randomBytes } from 'node:crypto';

/**
 * Fresh random names for everything a check creates, so the kit can run against a shared,
 * non-empty database, twice in a row, or in parallel with itself.
 */
export const nonce = (bytes = 6): string => randomBytes(bytes).toString('hex');

/** Shaped like the SHA-256 hex digests keyward stores in token fields. */
export const fakeHash = (): string => randomBytes(32).toString('hex');

/** A unique address with mixed case, so a store that lower-cases it on write is caught. */
export const uniqueEmail = (label: string): string => `Kw.${label}.${nonce()}@Conformance.Example`;

/** Characters that break naive quoting, LIKE patterns, C strings and narrow encodings. */
export const TRICKY_TEXT =
  `O'Brien "quoted" 100% _under_ back\\slash \\\\ nul\u0000byte tab\t line\nbreak ` +
  `emoji 🔐👩🏽‍💻 ünïcødé 日本語 ;-- DROP TABLE users;`;

/** JSON-shaped data with the values stores tend to mangle. */
export function trickyJson(): Record<string, unknown> {
  return {
    text: TRICKY_TEXT,
    empty: '',
    int: 42,
    negative: -7,
    float: 3.25,
    big: Number.MAX_SAFE_INTEGER,
    yes: true,
    no: false,
    nothing: null,
    list: [1, 'two', { three: [3] }, [], {}],
    nested: { deeper: { deepest: 'ok', 'key with "quotes" and ümlaut': 'v' } },
  };
}

/** A timestamp with a non-zero millisecond part, for fields that must keep milliseconds. */
export function msDate(offsetMs: number): Date {
  return new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000 + 437);
}

/** A whole-second timestamp, as keyward writes session dates. */
export function secondDate(offsetSeconds: number): Date {
  return new Date((Math.floor(Date.now() / 1000) + offsetSeconds) * 1000);
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Date check that works across realms: under a test runner that sandboxes globals (jest's
 * node environment), a Date made by `structuredClone` or a driver is not `instanceof` the
 * sandbox's Date, yet is a perfectly good Date.
 */
export const isDate = (value: unknown): value is Date =>
  Object.prototype.toString.call(value) === '[object Date]';

/**
 * Deep equality of JSON-like values that, like JSON, ignores prototypes (see {@link isDate})
 * and keys whose value is undefined; dates compare by instant.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isDate(a) || isDate(b)) return isDate(a) && isDate(b) && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameValue(item, b[i]))
    );
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = (o: object) =>
      Object.entries(o)
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k)
        .sort();
    const [ka, kb] = [keys(a), keys(b)];
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return sameValue(ka, kb) && ka.every((k) => sameValue(ra[k], rb[k]));
  }
  return Object.is(a, b);
}

/** A short, single-line rendering of a value for failure messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (isDate(value)) return `Date(${isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  let text: string;
  try {
    text =
      JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ??
      `<${typeof value}>`;
  } catch {
    text = `<unserialisable ${typeof value}>`;
  }
  return text.length > 120 ? `${text.slice(0, 117)}… (${text.length} chars)` : text;
}

export function fail(message: string): never {
  throw new Error(message);
}

/** {@link sameValue}, failing with a short message naming `what`. */
export function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (!sameValue(actual, expected)) {
    fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function expectNull(actual: unknown, what: string): void {
  if (actual !== null) fail(`${what}: expected null, got ${show(actual)}`);
}

export function expectTrue(condition: boolean, message: string): void {
  if (!condition) fail(message);
}

/** Same elements, any order, no duplicates beyond those expected. */
export function expectSameMembers(
  actual: readonly unknown[],
  expected: readonly unknown[],
  what: string,
): void {
  if (!Array.isArray(actual)) fail(`${what}: expected an array, got ${show(actual)}`);
  const sorted = (list: readonly unknown[]) =>
    list
      .map((v) => [JSON.stringify(v) ?? typeof v, v] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, v]) => v);
  if (!sameValue(sorted(actual), sorted(expected))) {
    fail(`${what}: expected ${show(sorted(expected))} in any order, got ${show(actual)}`);
  }
}

/**
 * The instant `value` stands for: keyward accepts a Date or anything `new Date(value)`
 * understands in user records, so both are allowed there.
 */
export function instantOf(value: unknown): number | undefined {
  if (isDate(value)) return value.getTime();
  if (typeof value === 'string' || typeof value === 'number') {
    const time = new Date(value).getTime();
    return isNaN(time) ? undefined : time;
  }
  return undefined;
}

export function expectSameInstant(actual: unknown, expected: Date, what: string): void {
  if (instantOf(actual) !== expected.getTime()) {
    fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Session and rate-limit dates must be real Date objects (keyward calls getTime on them). */
export function expectDate(actual: unknown, expected: Date, what: string): void {
  if (!isDate(actual)) fail(`${what}: expected a Date, got ${show(actual)}`);
  if (actual.getTime() !== expected.getTime()) {
    fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** The call must reject (or throw); resolves to nothing, fails with `message` otherwise. */
export async function expectRejects(call: () => Promise<unknown>, message: string): Promise<void> {
  let outcome: unknown;
  try {
    outcome = await call();
  } catch {
    return;
  }
  fail(`${message} (it resolved to ${show(outcome)})`);
}

/** Null and undefined both mean "absent" for optional fields a store need not echo. */
export const isAbsent = (value: unknown): boolean => value === null || value === undefined;
