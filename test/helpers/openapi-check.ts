import type { Express, RequestHandler } from 'express';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
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
  // The admin guard, and the tools router's sign-in, which stands before all its routes but the
  // inbound webhook: a method or path it does not serve is answered 401 before any route.
  401: ['ADMIN_UNAUTHORIZED', 'UNAUTHORIZED'],
  403: ['CSRF_ORIGIN_MISMATCH', 'CSRF_INVALID'],
  501: ['NOT_SUPPORTED', 'FEATURE_NOT_ENABLED'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
};

function isRouterWide(res: RecordedResponse): boolean {
  const code = (res.body as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (ROUTER_WIDE[res.status] ?? []).includes(code);
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
    if (res.status === 404 || isRouterWide(res)) return [];
    return [`${where}: no such operation in the spec`];
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
  /** The spec to check against when the router serves none (`swagger: false`). */
  fallback: () => SpecDocument;
}

const watched: Watched[] = [];

/**
 * A middleware for the test app, mounted before the router: it records every answer under
 * `basePath` (status, content type, JSON body), to be checked after the test.
 */
export function recordResponses(
  app: Express,
  basePath: string,
  fallback: () => SpecDocument,
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

/** The spec the app's router serves; a router without one is checked against its fallback. */
async function specOf(entry: Watched): Promise<SpecDocument> {
  if (entry.spec) return entry.spec;
  entry.fetching = true;
  try {
    const res = await request(entry.app).get(`${entry.basePath}/openapi.json`);
    entry.spec = res.status === 200 ? (res.body as SpecDocument) : entry.fallback();
  } finally {
    entry.fetching = false;
  }
  return entry.spec;
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
    for (const answer of answers) problems.push(...checkResponse(spec, answer));
  }
  if (problems.length > 0) {
    throw new Error(`Answers the OpenAPI spec does not document:\n  ${problems.join('\n  ')}`);
  }
}

/** Stops watching every app (between test files, apps are not reused). */
export function forgetAll(): void {
  watched.splice(0);
}
