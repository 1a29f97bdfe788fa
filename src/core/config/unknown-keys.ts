import { z } from 'zod';

/** A key the schema does not know, with the nearest known key when one is obviously meant. */
export interface UnknownKey {
  /** Dotted path, e.g. `email.siteURL`. */
  path: string;
  suggestion?: string;
}

/**
 * The keys of `value` that `schema` does not describe, at every level of nested objects. Zod
 * strips them silently, so a misspelt option (or one of another SDK) would otherwise do nothing
 * without a word. Objects listed in `open` (such as the logger, which may be any object with
 * `error` and `warn`) are not inspected.
 */
export function findUnknownKeys(
  schema: z.ZodType,
  value: unknown,
  open: ReadonlySet<string>,
  prefix = '',
): UnknownKey[] {
  const object = unwrap(schema);
  if (!(object instanceof z.ZodObject) || !isPlainObject(value)) return [];
  const shape = object.shape as Record<string, z.ZodType>;
  const known = Object.keys(shape);
  const found: UnknownKey[] = [];
  for (const key of Object.keys(value)) {
    const path = prefix + key;
    const child = shape[key];
    if (child === undefined) {
      found.push({ path, suggestion: nearest(key, known) });
    } else if (!open.has(path)) {
      found.push(...findUnknownKeys(child, value[key], open, `${path}.`));
    }
  }
  return found;
}

/** "unknown config key 'x' (ignored); did you mean 'y'?" */
export function describeUnknownKey({ path, suggestion }: UnknownKey): string {
  const dot = path.lastIndexOf('.');
  const hint =
    suggestion === undefined
      ? ''
      : `; did you mean '${dot < 0 ? '' : path.slice(0, dot + 1)}${suggestion}'?`;
  return `unknown config key '${path}' (keyward ignores it)${hint}`;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The known key a typo most likely meant: the same letters in another case, or within two edits
 * (one for short keys, where two edits would reach unrelated words).
 */
export function nearest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const limit = key.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const above = d[i - 1]!;
      row[j] = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}
