import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import { z } from 'zod';
import { COMMON_ERRORS, errorBody, mergeErrors, type ApiOperation } from './operation';

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = ReturnType<typeof createDocument>;

/** The security schemes every keyward spec may refer to; a spec keeps only those it uses. */
const SECURITY_SCHEMES = {
  cookieAuth: {
    type: 'apiKey',
    in: 'cookie',
    name: 'accessToken',
    description:
      'The access-token cookie set by a sign-in (named `__Host-accessToken` when cookies are host-only).',
  },
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from a sign-in made with `X-Auth-Strategy: bearer`.',
  },
  csrfHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description:
      'With cookie authentication, unsafe methods repeat the `csrfToken` cookie in this header.',
  },
  adminBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin secret (or an admin session) of the admin API.',
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: 'An API key (also accepted as `Authorization: ApiKey <key>`).',
  },
} as const;

/** What a spec is about; `basePath` is where the router is mounted. */
export interface DocumentInfo {
  title: string;
  description: string;
  basePath: string;
}

/** `/sessions/:sessionHandle` → `/sessions/{sessionHandle}`. */
export function openApiPath(basePath: string, path: string): string {
  const base = basePath.replace(/\/+$/, '');
  return base + path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const pathParams = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

function toOperation(op: ApiOperation): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, answer] of Object.entries(op.responses)) {
    const headers = answer.headers
      ? Object.fromEntries(
          Object.entries(answer.headers).map(([name, description]) => [
            name,
            { description, schema: { type: 'string' as const } },
          ]),
        )
      : undefined;
    const other = answer.content;
    const content = other
      ? Object.fromEntries(
          [other.type].flat().map((type) => [type, other.schema ? { schema: other.schema } : {}]),
        )
      : answer.body
        ? { 'application/json': { schema: answer.body } }
        : undefined;
    responses[status] = {
      description: answer.description,
      ...(headers && { headers }),
      ...(content && { content }),
    };
  }
  for (const [status, codes] of Object.entries(mergeErrors(COMMON_ERRORS, op.errors))) {
    // A status the operation documents with its own body (a sign-in's 403) keeps that body.
    if (responses[status]) continue;
    responses[status] = {
      description: `Error: ${codes.join(', ')}`,
      content: { 'application/json': { schema: errorBody(codes, op.appErrors) } },
    };
  }
  if (op.appErrors) {
    responses.default = {
      description: 'An error of the application’s own hook: `{ error, code }` with its own code.',
      content: {
        'application/json': {
          schema: z.looseObject({ error: z.string(), code: z.string() }),
        },
      },
    };
  }
  const params = pathParams(op.path);
  return {
    operationId: `${op.method}${op.path.replace(/[/:{}-]+(\w?)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: op.summary,
    ...(op.description && { description: op.description }),
    tags: [op.tag],
    security: (op.security ?? []).map((alt) => Object.fromEntries(alt.map((s) => [s, []]))),
    ...((params.length > 0 || op.query) && {
      parameters: [
        ...params.map((name) => ({
          name,
          in: 'path' as const,
          required: true,
          schema: { type: 'string' as const },
        })),
      ],
      ...(op.query && { requestParams: { query: op.query } }),
    }),
    ...(op.body && {
      requestBody: {
        required: true,
        content: { [op.bodyType ?? 'application/json']: { schema: op.body } },
      },
    }),
    responses: responses,
  };
}

/**
 * Builds an OpenAPI 3.1 document from operations. Request and response schemas are the routes'
 * own zod schemas, turned into JSON Schema by zod-openapi; only the security schemes the
 * operations use are declared.
 */
export function buildOpenApiDocument(
  info: DocumentInfo,
  operations: readonly ApiOperation[],
): OpenApiDocument {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  const used = new Set<string>();
  for (const op of operations) {
    (paths[openApiPath(info.basePath, op.path)] ??= {})[op.method] = toOperation(op);
    for (const alt of op.security ?? []) for (const s of alt) used.add(s);
  }
  const securitySchemes = Object.fromEntries(
    Object.entries(SECURITY_SCHEMES).filter(([name]) => used.has(name)),
  );
  return createDocument({
    openapi: '3.1.0',
    info: { title: info.title, version: '1', description: info.description },
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    ...(used.size > 0 && { components: { securitySchemes } }),
  });
}
