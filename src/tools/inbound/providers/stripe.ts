import type { InboundVerifier } from './types';
import { decodeDigest, headerOf, hmac, sameDigest, withinTolerance } from './shared';

/** `t=…` and every `v1=…` of a `Stripe-Signature` header; null when it has no usable pair. */
function parseHeader(header: string): { timestamp: number; signatures: Buffer[] } | null {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at < 0) continue;
    const key = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Only v1 (HMAC-SHA256) counts: v0 is Stripe's test-mode scheme and is never accepted.
    if (key === 'v1') {
      const digest = decodeDigest(value, 'hex');
      if (digest) signatures.push(digest);
    }
  }
  return timestamp === undefined || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, HMAC-SHA256 of `<t>.<raw body>` keyed
 * with the whole `whsec_…` string, and `t` within the tolerance so a captured request cannot be
 * sent again later. The event's `id` in the body is the delivery id (Stripe retries an event
 * with the same id and a fresh signature).
 */
export const stripeVerifier: InboundVerifier = {
  verify({ raw, headers, secrets, toleranceSeconds, now }) {
    const header = headerOf(headers, 'stripe-signature');
    const parsed = header === undefined ? null : parseHeader(header);
    if (!parsed || !withinTolerance(parsed.timestamp, toleranceSeconds, now)) return false;
    const signed = Buffer.from(`${parsed.timestamp}.`, 'utf8');
    return secrets.some((secret) => {
      const expected = hmac('sha256', secret, signed, raw);
      return parsed.signatures.some((given) => sameDigest(given, expected));
    });
  },
  deliveryId(_headers, body) {
    const id =
      typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  },
};
