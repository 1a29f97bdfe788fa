import type { InboundVerifier } from './types';
import { decodeDigest, headerOf, hmac, sameDigest } from './shared';

const PREFIX = 'sha256=';

/** GitHub: `X-Hub-Signature-256: sha256=<hex>` over the raw body; `X-GitHub-Delivery` is the id. */
export const githubVerifier: InboundVerifier = {
  verify({ raw, headers, secrets }) {
    const header = headerOf(headers, 'x-hub-signature-256');
    if (!header?.startsWith(PREFIX)) return false;
    const given = decodeDigest(header.slice(PREFIX.length), 'hex');
    if (!given) return false;
    return secrets.some((secret) => sameDigest(given, hmac('sha256', secret, raw)));
  },
  deliveryId(headers) {
    return headerOf(headers, 'x-github-delivery');
  },
};
