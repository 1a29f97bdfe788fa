import { assertDeliverableUrl } from '../../core/net/public-address';
import type { WebhookConfig } from '../../stores/webhook';
import type { WebhookDeliveryOptions } from './delivery-options';
import { DeliveryAgents, postJson, type PostLimits } from './http-post';
import { signatureHeaders, verifyLegacySignature, verifyStandardSignature } from './signing';

/** Options of {@link WebhookSender}. */
export interface WebhookSenderOptions {
  /** Deliver to private and loopback addresses too (tests, private deployments). Default false. */
  allowPrivateNetworks?: boolean;
  delivery?: WebhookDeliveryOptions;
}

/** What one attempt did. */
export type AttemptResult =
  { ok: true; status: number } | { ok: false; status?: number; error: string };

/**
 * Sends signed webhook attempts and verifies signatures on the receiving side. Receivers use
 * `verify` (the reference's `X-Webhook-Signature`) or `verifyStandard` (the Standard Webhooks
 * headers, with a timestamp tolerance).
 */
export class WebhookSender {
  private readonly allowPrivateNetworks: boolean;
  private readonly limits: PostLimits;
  private readonly toleranceSeconds: number;
  private agents: DeliveryAgents | undefined;

  constructor(options: WebhookSenderOptions = {}) {
    this.allowPrivateNetworks = options.allowPrivateNetworks === true;
    const delivery = options.delivery ?? {};
    this.limits = {
      connectTimeoutMs: delivery.connectTimeoutMs ?? 5_000,
      timeoutMs: delivery.timeoutMs ?? 10_000,
      maxResponseBytes: delivery.maxResponseBytes ?? 4_096,
    };
    this.toleranceSeconds = delivery.toleranceSeconds ?? 300;
  }

  /** Whether `signature` (`X-Webhook-Signature`) is the HMAC-SHA256 of `rawBody` under `secret`. */
  verify(rawBody: string | Buffer, secret: string, signature: string): boolean {
    return verifyLegacySignature(rawBody, secret, signature);
  }

  /** Whether the Standard Webhooks headers sign `rawBody` under `secret`, recently enough. */
  verifyStandard(
    rawBody: string | Buffer,
    secret: string,
    headers: Record<string, string | string[] | undefined>,
  ): boolean {
    return verifyStandardSignature(rawBody, secret, headers, this.toleranceSeconds);
  }

  /**
   * One signed POST of `body` to the webhook. The URL is checked again before sending (and the
   * connection refuses private addresses after resolution); a 2xx answer is success.
   */
  async attempt(
    hook: WebhookConfig,
    deliveryId: string,
    body: string,
    at = new Date(),
  ): Promise<AttemptResult> {
    let url: URL;
    try {
      url = await assertDeliverableUrl(hook.url, {
        allowPrivateNetworks: this.allowPrivateNetworks,
      });
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    const headers: Record<string, string> = hook.secret
      ? { ...signatureHeaders(hook.secret, deliveryId, at, body) }
      : { 'webhook-id': deliveryId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)) };
    try {
      this.agents ??= new DeliveryAgents(this.allowPrivateNetworks);
      const answer = await postJson(url, body, headers, this.agents, this.limits);
      if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status };
      const detail = answer.body.trim().slice(0, 200);
      return {
        ok: false,
        status: answer.status,
        error: `HTTP ${answer.status}${detail ? `: ${detail}` : ''}`,
      };
    } catch (err) {
      return { ok: false, error: (err as Error).message || 'request failed' };
    }
  }

  /** Closes pooled connections. */
  close(): void {
    this.agents?.destroy();
    this.agents = undefined;
  }
}
