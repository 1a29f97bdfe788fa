import { z } from 'zod';
import { notFound, ok, type Op } from './openapi-operation';
import {
  apiKey,
  delivery,
  dryRun,
  loggedEvent,
  overview,
  page,
  paging,
  usageEntry,
  webhook,
  webhookActions,
} from './openapi-schemas';
import { createKeyBody } from './routes/api-keys';
import { eventsQuery, overviewQuery } from './routes/events';
import { createInboundBody, dryRunBody, patchInboundBody } from './routes/inbound-webhook-input';
import { createWebhookBody, deliveriesQuery, patchWebhookBody } from './routes/webhook-input';

/** The operations on what connects to other systems: API keys, webhooks, the event log. */
export const INTEGRATION_OPERATIONS: Record<string, Op[]> = {
  'API keys': [
    {
      when: 'apiKeys',
      method: 'get',
      path: '/api-keys',
      summary: 'List API keys',
      query: paging,
      responses: ok(page('apiKeys', apiKey), 'A page.'),
    },
    {
      when: 'apiKeyStore',
      method: 'post',
      path: '/api-keys',
      summary: 'Create an API key (the raw key is shown once)',
      body: createKeyBody,
      responses: {
        201: { description: 'Created.', body: z.object({ rawKey: z.string(), apiKey }) },
      },
    },
    {
      when: 'apiKeyStore',
      method: 'delete',
      path: '/api-keys/:id/revoke',
      summary: 'Revoke an API key',
      responses: ok(z.object({ success: z.literal(true), apiKey })),
      errors: notFound('API_KEY_NOT_FOUND'),
    },
    {
      when: 'apiKeyStore',
      method: 'delete',
      path: '/api-keys/:id',
      summary: 'Delete an API key',
      responses: ok(z.object({ success: z.literal(true), action: z.string() })),
      errors: notFound('API_KEY_NOT_FOUND'),
    },
    {
      when: 'apiKeyUsage',
      method: 'get',
      path: '/api-keys/:id/usage',
      summary: 'An API key’s usage log',
      query: paging,
      responses: ok(page('entries', usageEntry), 'A page.'),
      errors: notFound('API_KEY_NOT_FOUND'),
    },
  ],
  Webhooks: [
    {
      when: 'webhooks',
      method: 'get',
      path: '/webhooks',
      summary: 'List webhooks',
      query: paging,
      responses: ok(page('webhooks', webhook), 'A page.'),
    },
    {
      when: 'webhookStore',
      method: 'post',
      path: '/webhooks',
      summary:
        'Create a webhook: outgoing (`url`), or inbound with a `provider` (the signing secret is shown once)',
      body: z.union([createWebhookBody, createInboundBody]),
      responses: {
        201: {
          description: 'Created.',
          body: z.object({ webhook, secret: z.string().optional() }),
        },
      },
      errors: { 400: ['WEBHOOK_URL_REFUSED'], 409: ['WEBHOOK_PROVIDER_TAKEN'] },
    },
    {
      when: 'webhookStore',
      method: 'patch',
      path: '/webhooks/:id',
      summary: 'Change a webhook (an inbound one: its scheme, secret, actions and script)',
      body: z.union([patchWebhookBody, patchInboundBody]),
      responses: ok(z.object({ success: z.literal(true), webhook })),
      errors: {
        400: ['WEBHOOK_URL_REFUSED'],
        404: ['WEBHOOK_NOT_FOUND'],
        409: ['WEBHOOK_PROVIDER_TAKEN'],
      },
    },
    {
      when: 'webhookStore',
      method: 'post',
      path: '/webhooks/dry-run',
      summary: 'Run a draft inbound script in the sandbox against a sample body (no action made)',
      body: dryRunBody,
      responses: ok(dryRun, 'What the script did.'),
    },
    {
      when: 'webhookStore',
      method: 'post',
      path: '/webhooks/:id/dry-run',
      summary: 'Run an inbound webhook’s script (or a draft of it) against a sample body',
      body: dryRunBody,
      responses: ok(dryRun, 'What the script did.'),
      errors: notFound('WEBHOOK_NOT_FOUND'),
    },
    {
      method: 'get',
      path: '/webhook-actions',
      summary: 'The actions inbound scripts may call, with the Control tab’s switches',
      responses: ok(webhookActions),
    },
    {
      when: 'webhookStore',
      method: 'delete',
      path: '/webhooks/:id',
      summary: 'Delete a webhook',
      responses: ok(),
      errors: notFound('WEBHOOK_NOT_FOUND'),
    },
    {
      when: 'webhookDeliveries',
      method: 'get',
      path: '/webhooks/:id/deliveries',
      summary: 'A webhook’s deliveries',
      query: deliveriesQuery,
      responses: ok(page('deliveries', delivery), 'A page.'),
      errors: notFound('WEBHOOK_NOT_FOUND'),
    },
    {
      when: 'webhookDeliveries',
      method: 'post',
      path: '/webhooks/:id/deliveries/:deliveryId/replay',
      summary: 'Deliver again',
      responses: ok(z.object({ success: z.literal(true), delivery })),
      errors: {
        404: ['WEBHOOK_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND'],
        409: ['WEBHOOK_DELIVERY_PENDING'],
      },
    },
  ],
  Events: [
    {
      when: 'events',
      method: 'get',
      path: '/events',
      summary: 'The event log',
      query: eventsQuery,
      responses: ok(page('events', loggedEvent), 'A page.'),
    },
    {
      when: 'events',
      method: 'get',
      path: '/overview',
      summary: 'Counts for the overview tab',
      query: overviewQuery,
      responses: ok(overview),
    },
  ],
};
