import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** One header's value; a repeated header counts by its first value. */
export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.length > 0 ? first : undefined;
}

export function hmac(algorithm: 'sha256' | 'sha512', secret: string, ...parts: Buffer[]): Buffer {
  const mac = createHmac(algorithm, Buffer.from(secret, 'utf8'));
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Compares digests in constant time (a length mismatch says nothing about the secret). */
export function sameDigest(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Decodes a digest strictly; null when it is not well-formed (Buffer.from would guess). */
export function decodeDigest(text: string, encoding: 'hex' | 'base64'): Buffer | null {
  if (encoding === 'hex') {
    return HEX.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : null;
  }
  // Node's base64 decoder reads the URL-safe alphabet too.
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

/** Within `toleranceSeconds` of now, either way (a clock a little ahead is no attack). */
export function withinTolerance(unixSeconds: number, toleranceSeconds: number, now: Date): boolean {
  return Math.abs(now.getTime() - unixSeconds * 1000) <= toleranceSeconds * 1000;
}
