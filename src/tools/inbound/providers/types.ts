import type { IncomingHttpHeaders } from 'node:http';
import type { GenericHmacVerify, InboundVerify } from '../../../stores/inbound-verify';

export type { GenericHmacVerify, InboundVerify };

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
