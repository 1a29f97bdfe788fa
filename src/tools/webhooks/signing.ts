import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The Standard Webhooks secret prefix: the rest is the key, base64-encoded. */
const STANDARD_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The Standard Webhooks signer for a secret. A `whsec_…` secret carries its key in base64, as
 * the specification defines (so receivers can pass it to their library unchanged); any other
 * string is used as raw UTF-8 key bytes, as the reference's HMAC secrets are.
 */
function standardSigner(secret: string): Webhook {
  const encoded = secret.startsWith(STANDARD_PREFIX)
    ? secret.slice(STANDARD_PREFIX.length)
    : undefined;
  if (encoded !== undefined && encoded.length > 0 && BASE64.test(encoded))
    return new Webhook(secret);
  return new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' });
}

/** The headers that sign one delivery attempt. */
export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'x-webhook-signature': string;
}

/** `sha256=<hex>` HMAC-SHA256 of the body, the reference's `X-Webhook-Signature`. */
export function legacySignature(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** Both signature forms for one attempt: Standard Webhooks (`v1,…`) and `X-Webhook-Signature`. */
export function signatureHeaders(
  secret: string,
  id: string,
  at: Date,
  body: string,
): SignatureHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': standardSigner(secret).sign(id, at, body),
    'x-webhook-signature': legacySignature(secret, body),
  };
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Checks an `X-Webhook-Signature` (with or without its `sha256=` prefix) in constant time. */
export function verifyLegacySignature(
  body: string | Buffer,
  secret: string,
  signature: string,
): boolean {
  if (typeof signature !== 'string' || signature.length === 0 || secret.length === 0) return false;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const expected = legacySignature(secret, text);
  const given = signature.startsWith('sha256=') ? signature : `sha256=${signature}`;
  return constantTimeEqual(given.toLowerCase(), expected);
}

/**
 * Checks the Standard Webhooks headers: any `v1,` signature of `id.timestamp.body` matches, and
 * the timestamp is within `toleranceSeconds` of now (a captured delivery cannot be replayed
 * later).
 */
export function verifyStandardSignature(
  body: string | Buffer,
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  toleranceSeconds = 300,
  now = new Date(),
): boolean {
  const header = (name: string): string | undefined => {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestamp || !signatures || secret.length === 0 || !/^\d{1,12}$/.test(timestamp))
    return false;
  const at = new Date(Number(timestamp) * 1000);
  if (Math.abs(now.getTime() - at.getTime()) > toleranceSeconds * 1000) return false;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const expected = standardSigner(secret).sign(id, at, text);
  return signatures
    .split(' ')
    .some((candidate) => candidate.startsWith('v1,') && constantTimeEqual(candidate, expected));
}
