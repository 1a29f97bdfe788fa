import type { GenericHmacVerify, InboundVerifier } from './types';
import { decodeDigest, headerOf, hmac, sameDigest } from './shared';

/** An HMAC of the raw body in a header of your choosing ({@link GenericHmacVerify}). */
export function genericHmacVerifier(config: GenericHmacVerify): InboundVerifier {
  const algorithm = config.algorithm ?? 'sha256';
  const encoding = config.encoding ?? 'hex';
  const prefix = config.prefix ?? '';
  return {
    verify({ raw, headers, secrets }) {
      const header = headerOf(headers, config.header);
      if (header === undefined || !header.startsWith(prefix)) return false;
      const given = decodeDigest(header.slice(prefix.length).trim(), encoding);
      if (!given) return false;
      return secrets.some((secret) => sameDigest(given, hmac(algorithm, secret, raw)));
    },
    deliveryId(headers) {
      return config.deliveryIdHeader === undefined
        ? undefined
        : headerOf(headers, config.deliveryIdHeader);
    },
  };
}

/** Problems of a generic configuration, for the router's start-up check. */
export function genericHmacProblems(config: GenericHmacVerify): string[] {
  const problems: string[] = [];
  if (typeof config.header !== 'string' || !/^[A-Za-z0-9-]{1,100}$/.test(config.header))
    problems.push('verify.header must be a header name');
  if (config.algorithm !== undefined && !['sha256', 'sha512'].includes(config.algorithm))
    problems.push('verify.algorithm must be sha256 or sha512');
  if (config.encoding !== undefined && !['hex', 'base64'].includes(config.encoding))
    problems.push('verify.encoding must be hex or base64');
  if (
    config.deliveryIdHeader !== undefined &&
    !/^[A-Za-z0-9-]{1,100}$/.test(config.deliveryIdHeader)
  )
    problems.push('verify.deliveryIdHeader must be a header name');
  return problems;
}
