import { verifyStandardSignature } from '../../webhooks/signing';
import type { InboundVerifier } from './types';
import { headerOf } from './shared';

/**
 * Standard Webhooks, as keyward's own outgoing webhooks sign: `webhook-id`, `webhook-timestamp`
 * (within the tolerance) and `webhook-signature`; `webhook-id` is the delivery id.
 */
export const standardVerifier: InboundVerifier = {
  verify({ raw, headers, secrets, toleranceSeconds, now }) {
    return secrets.some((secret) =>
      verifyStandardSignature(raw, secret, headers, toleranceSeconds, now),
    );
  },
  deliveryId(headers) {
    return headerOf(headers, 'webhook-id');
  },
};
