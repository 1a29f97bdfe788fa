import { z } from 'zod';
import { buildOpenApiDocument, type OpenApiDocument } from '../../core/openapi/document';
import { docsOperations } from '../../core/openapi/docs-routes';
import {
  SIGNED_IN_ERRORS,
  SIGNED_IN_READ,
  SIGNED_IN_WRITE,
  mergeErrors,
  type ApiOperation,
} from '../../core/openapi/operation';
import { notifyBody, telemetryQuery, trackBody } from './event-routes';

/** `buildOpenApiSpec`'s first argument: which tools endpoints to document. */
export interface ToolsSpecFeatures {
  telemetry?: boolean;
  notify?: boolean;
  stream?: boolean;
  webhook?: boolean;
  /** GET /openapi.json and /docs themselves. */
  docs?: boolean;
}

const TAG = 'Tools';
const accepted = z.object({ ok: z.literal(true), id: z.string() });
/** Signed in through the router's `authMiddleware`, then the permission hook. */
const CALLER_ERRORS = mergeErrors(SIGNED_IN_ERRORS, { 403: ['FORBIDDEN'] });

function operations(features: ToolsSpecFeatures): ApiOperation[] {
  const ops: ApiOperation[] = [];
  if (features.webhook) {
    ops.push({
      method: 'post',
      path: '/webhook/:provider',
      tag: TAG,
      summary: 'Receive an inbound webhook (authenticated by the provider’s signature)',
      body: z.unknown(),
      responses: {
        200: {
          description: 'Verified and handled (or a replay, acknowledged once more).',
          body: z.looseObject({ ok: z.literal(true) }),
        },
      },
      errors: { 401: ['WEBHOOK_SIGNATURE_INVALID'], 404: ['WEBHOOK_PROVIDER_UNKNOWN'] },
      // An AuthError thrown by your onWebhook is its answer.
      appErrors: true,
    });
  }
  if (features.telemetry) {
    ops.push(
      {
        method: 'post',
        path: '/track/:eventName',
        tag: TAG,
        summary: 'Record an event',
        security: SIGNED_IN_WRITE,
        body: trackBody,
        responses: { 202: { description: 'Recorded.', body: accepted } },
        errors: CALLER_ERRORS,
      },
      {
        method: 'get',
        path: '/telemetry',
        tag: TAG,
        summary: 'Query recorded events',
        security: SIGNED_IN_READ,
        query: telemetryQuery,
        responses: {
          200: {
            description: 'A page of events.',
            body: z.object({
              events: z.array(z.looseObject({ event: z.string() })),
              limit: z.number().int(),
              offset: z.number().int(),
            }),
          },
        },
        errors: CALLER_ERRORS,
      },
    );
  }
  if (features.notify) {
    ops.push({
      method: 'post',
      path: '/notify/:target',
      tag: TAG,
      summary: 'Push a notification to a topic’s subscribers',
      security: SIGNED_IN_WRITE,
      body: notifyBody,
      responses: { 202: { description: 'Published.', body: accepted } },
      errors: CALLER_ERRORS,
    });
  }
  if (features.stream) {
    ops.push({
      method: 'get',
      path: '/stream',
      tag: TAG,
      summary: 'Subscribe to server-sent events (resumes from Last-Event-ID)',
      security: SIGNED_IN_READ,
      responses: {
        200: { description: 'The event stream.', content: { type: 'text/event-stream' } },
      },
      errors: mergeErrors(CALLER_ERRORS, { 429: ['STREAM_LIMIT_REACHED'] }),
    });
  }
  if (features.docs) ops.push(...docsOperations());
  return ops;
}

/**
 * The tools router's OpenAPI 3.1 document: the endpoints `features` enable, under `basePath`
 * (where the router is mounted, default `/tools`).
 */
export function buildOpenApiSpec(
  features: ToolsSpecFeatures = {},
  basePath = '/tools',
): OpenApiDocument {
  return buildOpenApiDocument(
    {
      title: 'keyward tools API',
      description: 'Events, telemetry, notifications, streams and inbound webhooks.',
      basePath,
    },
    operations(features),
  );
}
