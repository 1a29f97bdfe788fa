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

/** Provider names: what a URL path segment can carry safely, and what a store can look up. */
export const PROVIDER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
