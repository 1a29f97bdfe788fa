import express, { type Express, type RequestHandler } from 'express';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { resolve, sep } from 'node:path';
import request from 'supertest';

/**
 * Checks answers of the HTTP suites against the OpenAPI document the router serves: the path
 * and method must be an operation, the status one it declares, the content type one it lists
 * and a JSON body must match the declared schema. Anything undocumented is a failure.
 */

/** One answer as the recording middleware saw it. */
export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string | undefined;
  /** The JSON body (as sent over the wire), when the answer was JSON. */
  body?: unknown;
}

interface SpecMediaType {
  schema?: object;
}
interface SpecResponse {
  content?: Record<string, SpecMediaType>;
}
interface SpecOperation {
  responses?: Record<string, SpecResponse>;
}
/** The parts of an OpenAPI document the check reads. */
export interface SpecDocument {
  paths?: Record<string, Record<string, SpecOperation>>;
}

interface CompiledSpec {
  routes: Array<{ pattern: RegExp; template: string; item: Record<string, SpecOperation> }>;
  validators: Map<string, ValidateFunction>;
  guardCodes?: Set<string>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
/** By content, so apps with the same configuration share validators; by object, to skip the key. */
const compiledSpecs = new Map<string, CompiledSpec>();
const compiledObjects = new WeakMap<SpecDocument, CompiledSpec>();

function compile(spec: SpecDocument): CompiledSpec {
  const known = compiledObjects.get(spec);
  if (known) return known;
  const key = JSON.stringify(spec);
  let compiled = compiledSpecs.get(key);
  if (compiled) {
    compiledObjects.set(spec, compiled);
    return compiled;
  }
  const routes = Object.entries(spec.paths ?? {}).map(([template, item]) => ({
    template,
    item,
    // As Express matches: case-insensitive, a trailing slash allowed.
    pattern: new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`,
      'i',
    ),
  }));
  // Literal paths before templated ones: /sessions/cleanup is not /sessions/{sessionHandle}.
  routes.sort((a, b) => Number(a.template.includes('{')) - Number(b.template.includes('{')));
  compiled = { routes, validators: new Map() };
  compiledSpecs.set(key, compiled);
  compiledObjects.set(spec, compiled);
  return compiled;
}

const baseType = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * What a router answers before any route is matched, whatever the path: the origin guard's
 * refusal of a forged unsafe request, the admin guard's of a missing secret, the body parser's
 * refusals of a bad body; and a route of a part that is switched off (so not in the spec).
 */
const ROUTER_WIDE: Record<number, string[]> = {
  400: ['INVALID_JSON', 'VALIDATION_ERROR'],
  403: ['CSRF_ORIGIN_MISMATCH', 'CSRF_INVALID'],
  501: ['NOT_SUPPORTED', 'FEATURE_NOT_ENABLED'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
};

/**
 * The 401 codes the spec's operations document: a guard that stands before the routes (the
 * admin secret, the tools router's sign-in) answers a path or method no route serves with one
 * of them before any route is matched.
 */
function guardCodes(compiled: CompiledSpec): Set<string> {
  if (compiled.guardCodes) return compiled.guardCodes;
  const codes = new Set<string>();
  for (const { item } of compiled.routes) {
    for (const op of Object.values(item)) {
      const schema = op.responses?.['401']?.content?.['application/json']?.schema as
        { properties?: { code?: { enum?: unknown[] } } } | undefined;
      for (const code of schema?.properties?.code?.enum ?? []) codes.add(String(code));
    }
  }
  compiled.guardCodes = codes;
  return codes;
}

function isRouterWide(compiled: CompiledSpec, res: RecordedResponse): boolean {
  const code = (res.body as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return false;
  if (res.status === 401) return guardCodes(compiled).has(code);
  return (ROUTER_WIDE[res.status] ?? []).includes(code);
}

/** The problems with one answer; empty when the spec documents it exactly. */
export function checkResponse(spec: SpecDocument, res: RecordedResponse): string[] {
  const compiled = compile(spec);
  const where = `${res.method} ${res.path} → ${res.status}`;
  // HEAD is answered by the GET route (Express), without a body.
  const method = res.method === 'HEAD' ? 'get' : res.method.toLowerCase();
  // The first path that has this method: DELETE /sessions/cleanup is /sessions/{sessionHandle}.
  const route = compiled.routes.find((r) => r.pattern.test(res.path) && r.item[method]);
  const operation = route?.item[method];
  if (!route || !operation) {
    // No such operation: a 404 says exactly that (Express's own answer for unknown paths).
    if (res.status === 404 || isRouterWide(compiled, res)) return [];
    return [`${where}: no such operation in the spec: ${JSON.stringify(res.body ?? null)}`];
  }
  const declared = operation.responses?.[String(res.status)] ?? operation.responses?.default;
  if (!declared) return [`${where}: status not documented for ${route.template}`];
  const content = declared.content ?? {};
  const type = baseType(res.contentType);
  if (Object.keys(content).length === 0) {
    // A redirect's short text body is Express's courtesy, not part of the API.
    if (res.status >= 300 && res.status < 400) return [];
    return res.body === undefined && type === ''
      ? []
      : [`${where}: a body (${type || 'untyped'}) where none is documented`];
  }
  const media = content[type];
  if (!media) return [`${where}: content type ${type || '(none)'} not documented`];
  if (!media.schema || type !== 'application/json') return [];
  const key = `${route.template} ${res.method} ${res.status}`;
  let validate = compiled.validators.get(key);
  if (!validate) {
    validate = ajv.compile(media.schema);
    compiled.validators.set(key, validate);
  }
  if (validate(res.body)) return [];
  const errors = (validate.errors ?? [])
    .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`)
    .join('; ');
  return [`${where}: body does not match the spec (${errors}): ${JSON.stringify(res.body)}`];
}

/** An app whose answers under `basePath` are recorded, and later checked by {@link verifyAll}. */
interface Watched {
  app: Express;
  basePath: string;
  recorded: RecordedResponse[];
  spec?: SpecDocument;
  /** True while the check itself fetches the spec, so that request is not recorded. */
  fetching: boolean;
  /** The spec was looked for (a mount without one is not looked for again). */
  looked?: boolean;
  /**
   * The spec to check against when the router serves none (`swagger: false`); without one (a
   * mount found by {@link watchEveryMount}), an app that serves no spec there is not checked.
   */
  fallback?: () => SpecDocument;
}

const watched: Watched[] = [];

/**
 * A middleware for the test app, mounted before the router: it records every answer under
 * `basePath` (status, content type, JSON body), to be checked after the test.
 */
export function recordResponses(
  app: Express,
  basePath: string,
  fallback?: () => SpecDocument,
): RequestHandler {
  const entry: Watched = { app, basePath, recorded: [], fetching: false, fallback };
  watched.push(entry);
  return function recordForOpenApiCheck(req, res, next) {
    const path = req.originalUrl.split('?')[0]!;
    if (entry.fetching || req.method === 'OPTIONS' || !path.startsWith(`${basePath}/`)) {
      next();
      return;
    }
    let body: unknown;
    const json = res.json.bind(res);
    res.json = (value: unknown) => {
      // As the client reads it: dates become strings, undefined fields disappear.
      body = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
      return json(value);
    };
    res.on('finish', () => {
      const contentType = res.getHeader('content-type');
      entry.recorded.push({
        method: req.method,
        path,
        status: res.statusCode,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        ...(body !== undefined && { body }),
      });
    });
    next();
  };
}

/** keyward's own source folder (not an example app's `src/`). */
const KEYWARD_SOURCE = resolve(__dirname, '..', '..', 'src') + sep;

const isSpec = (body: unknown): body is SpecDocument =>
  typeof body === 'object' && body !== null && 'openapi' in body && 'paths' in body;

/**
 * The spec the app's router serves, at the mount or (the admin router's API) under `/api`,
 * which then narrows the base path; a router without one is checked against its fallback, and
 * a mount with neither is not a keyward router.
 */
async function specOf(entry: Watched): Promise<SpecDocument | undefined> {
  if (entry.looked) return entry.spec;
  entry.looked = true;
  entry.fetching = true;
  try {
    for (const base of [entry.basePath, `${entry.basePath}/api`]) {
      const res = await request(entry.app).get(`${base}/openapi.json`);
      if (res.status === 200 && isSpec(res.body)) {
        entry.basePath = base;
        entry.spec = res.body;
        return entry.spec;
      }
    }
  } finally {
    entry.fetching = false;
  }
  entry.spec = entry.fallback?.();
  return entry.spec;
}

/**
 * Whether the `use` being made comes from a test file rather than from keyward itself (the
 * admin router is an app that mounts its API at `/api`: that mount is part of the router).
 */
function mountedByTestCode(): boolean {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const caller = frames.find(
    (f) => f.includes(sep) && !f.includes('node_modules') && !f.includes('openapi-check'),
  );
  return caller !== undefined && !caller.includes(KEYWARD_SOURCE);
}

/**
 * Makes every router an app mounts at a path watched, as if the suite had mounted
 * {@link recordResponses} before it: an answer of a router built by a test file itself is
 * checked as those of the shared fixtures are. A mount already watched is left alone.
 */
export function watchEveryMount(): void {
  const proto = express.application as unknown as { use: (...args: unknown[]) => unknown };
  const use = proto.use;
  if ((use as { watching?: boolean }).watching) return;
  const watchingUse = function (this: Express, ...args: unknown[]) {
    const [path, ...handlers] = args;
    // A router (it has a stack) or a sub-app such as the auth router (it has a handle).
    const isRouter = (h: unknown) => typeof h === 'function' && ('stack' in h || 'handle' in h);
    if (
      typeof path === 'string' &&
      path !== '/' &&
      handlers.some(isRouter) &&
      mountedByTestCode()
    ) {
      const basePath = path.replace(/\/$/, '');
      const known = watched.some((w) => w.app === this && w.basePath === basePath);
      if (!known) use.call(this, basePath, recordResponses(this, basePath));
    }
    return use.apply(this, args);
  };
  (watchingUse as { watching?: boolean }).watching = true;
  proto.use = watchingUse;
}

/**
 * Checks everything recorded since the last call, then forgets it; throws listing every
 * answer the spec does not document.
 */
export async function verifyAll(): Promise<void> {
  const problems: string[] = [];
  for (const entry of watched) {
    if (entry.recorded.length === 0) continue;
    const spec = await specOf(entry);
    const answers = entry.recorded.splice(0);
    if (!spec) continue;
    for (const answer of answers) {
      if (answer.path.startsWith(`${entry.basePath}/`))
        problems.push(...checkResponse(spec, answer));
    }
  }
  if (problems.length > 0) {
    throw new Error(`Answers the OpenAPI spec does not document:\n  ${problems.join('\n  ')}`);
  }
}

/** Stops watching every app (between test files, apps are not reused). */
export function forgetAll(): void {
  watched.splice(0);
}
