import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/**
 * An address with IPv4-mapped IPv6 (`::ffff:203.0.113.7`, as a dual-stack socket reports an
 * IPv4 client) turned into plain IPv4, so one allowlist entry covers both spellings.
 */
function parseAddress(text: string): Address | undefined {
  try {
    return ipaddr.process(text.trim());
  } catch {
    return undefined;
  }
}

/** A CIDR range, or an exact address as a range of one; a mapped IPv6 range becomes IPv4. */
function parseRange(entry: string): Range | undefined {
  const text = entry.trim();
  if (!text.includes('/')) {
    const address = parseAddress(text);
    return address ? [address, address.kind() === 'ipv4' ? 32 : 128] : undefined;
  }
  let range: Range;
  try {
    range = ipaddr.parseCIDR(text);
  } catch {
    return undefined;
  }
  const [base, bits] = range;
  if (base.kind() === 'ipv6' && (base as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(base as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return range;
}

/** The allowlist entries that are neither an IP address nor a CIDR range. */
export function invalidAllowlistEntries(entries: readonly string[]): string[] {
  return entries.filter((e) => typeof e !== 'string' || parseRange(e) === undefined);
}

/**
 * Whether `ip` (Express's `req.ip`, which follows `trust proxy`) is inside one of the entries.
 * An unparsable client address matches nothing; so does an entry that does not parse.
 */
export function ipAllowed(ip: string | undefined, entries: readonly string[]): boolean {
  const address = ip === undefined ? undefined : parseAddress(ip);
  if (!address) return false;
  return entries.some((entry) => {
    const range = parseRange(entry);
    return range !== undefined && range[0].kind() === address.kind() && address.match(range);
  });
}
