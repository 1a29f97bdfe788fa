import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { AuthError } from '../errors';

/**
 * Whether an address is an ordinary public unicast one. Loopback, private (RFC 1918), link-local
 * (the cloud metadata address 169.254.169.254 among them), unique-local, multicast, carrier-grade
 * NAT, unspecified and reserved ranges are not: a URL pointing there is how a server is talked
 * into requesting its own network (SSRF). IPv4-mapped IPv6 addresses are judged as IPv4.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast';
}

/** Options of {@link assertDeliverableUrl}. */
export interface DeliverableUrlOptions {
  /** Accept private and loopback targets too (tests, private deployments). */
  allowPrivateNetworks?: boolean;
}

function refuse(message: string): AuthError {
  return new AuthError(message, 'WEBHOOK_URL_REFUSED', 400);
}

/**
 * Checks a webhook URL at registration: http(s) only, no credentials, and every address its
 * host resolves to is public (unless private networks are allowed). Delivery checks again after
 * its own resolution, since DNS can change between the two (rebinding).
 */
export async function assertDeliverableUrl(
  raw: string,
  options: DeliverableUrlOptions = {},
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('The webhook URL is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse('Webhook URLs must use http or https');
  if (url.username || url.password) throw refuse('Webhook URLs must not carry credentials');
  if (options.allowPrivateNetworks) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (ipaddr.isValid(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw refuse(`The webhook host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw refuse(`The webhook host ${host} resolves to a private, loopback or link-local address`);
  }
  return url;
}
