import type { Request } from 'express';
import { AuthError } from '../../core/errors';
import type { IWebhookStore, WebhookConfig } from '../../stores/webhook';
import { parseInput } from '../input';
import { createInboundBody, patchInboundBody } from './inbound-webhook-input';
import { generateWebhookId, generateWebhookSecret } from './webhook-input';

const PROVIDER_TAKEN = (provider: string) =>
  new AuthError(
    `Provider ${provider} has an active inbound webhook already: deactivate it first`,
    'WEBHOOK_PROVIDER_TAKEN',
    409,
    { provider },
  );

/**
 * Requests to `/tools/webhook/:provider` go to the provider's oldest active webhook: a second
 * active one would never run, so it is refused rather than silently shadowed.
 */
async function assertProviderFree(
  store: IWebhookStore,
  provider: string,
  exceptId?: string,
): Promise<void> {
  const active = store.findByProvider ? await store.findByProvider(provider) : null;
  if (active && active.id !== exceptId) throw PROVIDER_TAKEN(provider);
}

/**
 * `POST /webhooks` with a provider. Stripe issues its signing secret, so it must be given; for
 * the other schemes keyward generates one when none is, to be pasted into the provider's
 * settings (answered once, like an outgoing webhook's).
 */
export async function registerInbound(
  req: Request,
  store: IWebhookStore,
  add: (hook: WebhookConfig) => Promise<void>,
): Promise<{ hook: WebhookConfig; generated: string | undefined }> {
  const body = parseInput(req, createInboundBody);
  const verify = body.verify ?? 'standard';
  if (verify === 'stripe' && body.secret === undefined) {
    throw new AuthError(
      'Stripe issues the signing secret of an endpoint (whsec_…): give it as secret',
      'INVALID_INPUT',
      400,
      { details: [{ field: 'secret', message: 'required for Stripe' }] },
    );
  }
  const isActive = body.isActive ?? true;
  if (isActive) await assertProviderFree(store, body.provider);
  const generated = body.secret === undefined ? generateWebhookSecret() : undefined;
  const hook: WebhookConfig = {
    id: generateWebhookId(),
    // Inbound webhooks send nothing: no URL, no events, so the delivery worker never picks them.
    url: '',
    events: [],
    secret: body.secret ?? generated,
    isActive,
    createdAt: new Date(),
    provider: body.provider,
    verify,
    allowedActions: body.allowedActions ?? [],
    ...(body.jsScript !== undefined && { jsScript: body.jsScript }),
    ...(body.tenantId !== undefined && { tenantId: body.tenantId }),
  };
  await add(hook);
  return { hook, generated };
}

/** `PATCH /webhooks/:id` of an inbound webhook: re-activating one checks its provider is free. */
export async function patchInbound(
  req: Request,
  store: IWebhookStore,
  hook: WebhookConfig,
): Promise<Partial<WebhookConfig>> {
  const patch = parseInput(req, patchInboundBody);
  if (patch.verify === 'stripe' && patch.secret === undefined && !hook.secret) {
    throw new AuthError('Stripe needs its signing secret: give it as secret', 'INVALID_INPUT', 400);
  }
  if (patch.isActive === true && hook.isActive === false) {
    await assertProviderFree(store, hook.provider!, hook.id);
  }
  return patch;
}
