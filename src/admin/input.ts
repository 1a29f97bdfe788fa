import type { Request } from 'express';
import type { z } from 'zod';
import { AuthError } from '../core/errors';

/** Page size when none is asked for, and the largest one served. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
const MAX_FILTER_LENGTH = 200;

/** A listing page as the store is asked for it. */
export interface Paging {
  limit: number;
  offset: number;
  filter: string | undefined;
}

function invalid(message: string, details?: Array<{ field: string; message: string }>): AuthError {
  return new AuthError(message, 'INVALID_INPUT', 400, details ? { details } : undefined);
}

/** One query parameter as a string; repeated or nested ones (`?a=1&a=2`, `?a[b]=1`) are refused. */
export function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be given once, as plain text`);
  return value;
}

function wholeNumber(req: Request, name: string): number | undefined {
  const raw = queryParam(req, name);
  if (raw === undefined || raw === '') return undefined;
  // Digits only: '1e3', '0x10', '-1' and '2.5' are mistakes, not numbers to reinterpret.
  if (!/^\d{1,9}$/.test(raw))
    throw invalid(`${name} must be a whole number, got "${raw.slice(0, 20)}"`);
  return Number(raw);
}

/** `?limit=&offset=&filter=`: limit 1–100 (larger ones are served as 100), default 20. */
export function parsePaging(req: Request): Paging {
  const limit = wholeNumber(req, 'limit') ?? DEFAULT_PAGE_SIZE;
  if (limit < 1) throw invalid('limit must be at least 1');
  const offset = wholeNumber(req, 'offset') ?? 0;
  const filter = queryParam(req, 'filter');
  if (filter !== undefined && filter.length > MAX_FILTER_LENGTH) {
    throw invalid(`filter must be at most ${MAX_FILTER_LENGTH} characters`);
  }
  return { limit: Math.min(limit, MAX_PAGE_SIZE), offset, filter: filter || undefined };
}

/**
 * Fetches one page of a listing. The store is asked for one row more than the page: whether it
 * comes tells whether another page follows, without a second query.
 */
export async function fetchPage<T>(
  paging: Paging,
  list: (page: Paging) => Promise<T[]>,
): Promise<{ rows: T[]; hasMore: boolean }> {
  const rows = await list({ ...paging, limit: paging.limit + 1 });
  return { rows: rows.slice(0, paging.limit), hasMore: rows.length > paging.limit };
}

/**
 * Keys that, copied with `Object.assign` or `obj[key] = …` by a store, would change an object's
 * prototype rather than add a field. JSON.parse makes them ordinary own keys, so they arrive.
 */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True for `{…}` (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses top-level keys a store could mistake for the prototype. */
export function assertSafeKeys(value: Record<string, unknown>, what: string): void {
  for (const key of Object.keys(value)) {
    if (UNSAFE_KEYS.has(key)) throw invalid(`${what} may not contain the key "${key}"`);
  }
}

/** Deepest nesting a stored JSON document may have (a profile needs a handful of levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses JSON nested deeper than {@link MAX_JSON_DEPTH}: copying (structuredClone) and
 * answering (JSON.stringify) such a value recurse once per level and overflow the stack.
 * Walks the value with a queue, so the check itself cannot overflow.
 */
export function assertShallow(value: unknown, what: string): void {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth += 1) {
    if (depth > MAX_JSON_DEPTH) {
      throw invalid(`${what} may be nested at most ${MAX_JSON_DEPTH} levels deep`);
    }
    const next: unknown[] = [];
    for (const v of level) {
      if (typeof v === 'object' && v !== null) next.push(...(Object.values(v) as unknown[]));
    }
    level = next;
  }
}

/** A schema's refusal as 400 INVALID_INPUT, naming each field (`whole` when none is). */
function refusal(error: z.ZodError, whole: string): AuthError {
  const details = error.issues.map((i) => ({
    field: i.path.map(String).join('.') || whole,
    message: i.message,
  }));
  return invalid(
    `Invalid request: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`,
    details,
  );
}

/** Parses a JSON body with a schema; anything else is 400 INVALID_INPUT naming the fields. */
export function parseInput<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const body: unknown = req.body;
  if (isPlainObject(body)) assertSafeKeys(body, 'The body');
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw refusal(result.error, 'body');
}

/**
 * Parses the query parameters a schema names (each given once, as plain text; empty ones count
 * as absent), with the same 400 INVALID_INPUT as a body. Other parameters are ignored.
 */
export function parseQuery<S extends z.ZodObject>(req: Request, schema: S): z.infer<S> {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = queryParam(req, name);
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw refusal(result.error, 'query');
}

/**
 * Refuses a request without a JSON object body, for actions that need no input: a cross-site
 * form can only send form encodings or text, so it can never trigger them.
 */
export function requireJsonBody(req: Request): void {
  if (!isPlainObject(req.body)) {
    throw invalid('Send a JSON object body ({}) with Content-Type: application/json');
  }
}

/** A path parameter (Express types allow arrays for wildcards; our routes have none). */
export function pathParam(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown>)[name];
  if (typeof value !== 'string' || value === '') throw invalid(`${name} is missing from the path`);
  return value;
}
