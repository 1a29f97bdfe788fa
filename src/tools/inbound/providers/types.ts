import type { IncomingHttpHeaders } from 'node:http';

/**
 * A signature in one header of your choosing: an HMAC of the raw body, hex or base64, maybe
 * after a prefix (`sha256=`). For providers that sign this way without a timestamp, which also
 * means a captured request can be replayed unless `deliveryIdHeader` names a unique id.
 */
export interface GenericHmacVerify {
  kind: 'hmac';
  /** The header carrying the signature (case-insensitive). */
  header: string;
  /** Default `sha256`. */
  algorithm?: 'sha256' | 'sha512';
  /** Default `hex`. */
  encoding?: 'hex' | 'base64';
  /** Text before the digest (`sha256=`); required in the header when set. */
  prefix?: string;
  /** A header with a unique id per delivery, for replay protection. */
  deliveryIdHeader?: string;
}

/**
 * How a provider's requests are authenticated:
 * - `github`: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body;
 * - `stripe`: `Stripe-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `t.body`, within a tolerance;
 * - `standard`: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`);
 * - a {@link GenericHmacVerify};
 * - `none`: no verification at all. Anyone who can reach the URL then runs your handler with a
 *   body of their choosing; use it only behind something that authenticates the sender.
 */
export type InboundVerify = 'github' | 'stripe' | 'standard' | 'none' | GenericHmacVerify;

/** How one provider of `POST /webhook/:provider` is verified (the router's `providers`). */
export interface InboundProviderConfig {
  verify: InboundVerify;
  /**
   * The signing secret (several while you rotate it: any one matching is enough). Default: the
   * `secret` of the provider's webhook in the webhook store. Required unless `verify` is `none`.
   */
  secret?: string | string[];
  /** Stripe and Standard Webhooks: how far the signed timestamp may be from now. Default 300 s. */
  toleranceSeconds?: number;
  /**
   * Pins the provider to a tenant: its events are recorded in this tenant, and a result naming
   * another tenant is refused.
   */
  tenantId?: string;
}

/** What a verifier is given: the exact bytes received, before any parsing. */
export interface VerifyInput {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  secrets: string[];
  toleranceSeconds: number;
  now: Date;
}

/** One verification scheme. */
export interface InboundVerifier {
  /** True when some secret signs `raw` as the headers claim (constant-time comparisons). */
  verify(input: VerifyInput): boolean;
  /** The provider's id of this delivery (for replay protection), read once verified. */
  deliveryId(headers: IncomingHttpHeaders, body: unknown): string | undefined;
}
