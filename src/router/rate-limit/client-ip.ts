import ipaddr from 'ipaddr.js';

/**
 * The address the per-IP counters use for `req.ip` (which Express derives from `trust proxy`):
 * IPv4 as is (IPv4-mapped IPv6 such as `::ffff:203.0.113.7` counts as the IPv4 address), IPv6
 * grouped by its /64, since one subscriber usually holds a whole /64 and could otherwise pick a
 * fresh address for every attempt. Anything unparsable is used verbatim.
 */
export function clientAddressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return ip;
  }
  if (addr.kind() === 'ipv4') return addr.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/64`).toString()}/64`;
}
