import { TotpStrategy } from 'keyward';
import { generateSync } from 'otplib';

/** RFC 6238 Appendix B: the ASCII seed "12345678901234567890", base32-encoded. */
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');

/** RFC 4648 base32 without padding, written out so the test does not trust otplib's. */
function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5)
    out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}

const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TotpStrategy', () => {
  const secret = base32(RFC_SECRET);
  const strategy = new TotpStrategy({ digits: 8 });

  it.each(RFC_VECTORS)('generates the RFC 6238 SHA-1 test vector at T=%i', (time, expected) => {
    expect(strategy.generate(secret, time)).toBe(expected);
    expect(generateSync({ secret, digits: 8, epoch: time })).toBe(expected);
  });

  it.each(RFC_VECTORS)('verifies the RFC 6238 SHA-1 test vector at T=%i', (time, code) => {
    expect(strategy.verify(code, secret, time)).toBe(true);
    expect(strategy.matchStep(code, secret, time)).toBe(Math.floor(time / 30));
  });
});

describe('TotpStrategy with the defaults keyward uses (6 digits, ±1 step)', () => {
  const strategy = new TotpStrategy();

  it('generates a 160-bit base32 secret, an otpauth URL naming the app and a PNG QR code', async () => {
    const { secret, otpauthUrl, qrCode } = strategy.generateSecret('ada@example.test', 'Acme');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl).toBe(`otpauth://totp/Acme:ada%40example.test?secret=${secret}&issuer=Acme`);
    expect(await qrCode).toMatch(/^data:image\/png;base64,/);
  });

  it('matches the time step of a code one step early or late, and no further', () => {
    const { secret } = strategy.generateSecret('a@example.test');
    const now = 1_700_000_015;
    const step = Math.floor(now / 30);
    for (const delta of [-1, 0, 1]) {
      const code = generateSync({ secret, epoch: now + delta * 30 });
      expect(strategy.matchStep(code, secret, now)).toBe(step + delta);
    }
    for (const delta of [-2, 2]) {
      expect(strategy.verify(generateSync({ secret, epoch: now + delta * 30 }), secret, now)).toBe(
        false,
      );
    }
  });

  it('answers false, never throws, for malformed codes and secrets', () => {
    const { secret } = strategy.generateSecret('a@example.test');
    for (const code of ['', '12', '1234567', 'abcdef', '12 34 5x']) {
      expect(strategy.verify(code, secret)).toBe(false);
    }
    for (const bad of ['', 'not base32!', 'AAAA', '0189']) {
      expect(strategy.verify('123456', bad)).toBe(false);
    }
  });

  it('accepts a code typed with a space in the middle, as apps display it', () => {
    const { secret } = strategy.generateSecret('a@example.test');
    const code = strategy.generate(secret);
    expect(strategy.verify(`${code.slice(0, 3)} ${code.slice(3)}`, secret)).toBe(true);
  });
});
