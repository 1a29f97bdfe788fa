import cookieParser from 'cookie-parser';
import type { Request, Response } from 'express';

// Apart from cookies.ts, which writes cookies (and issues CSRF tokens): csrf.ts reads them, so
// the two would otherwise import each other.

const parseCookies = cookieParser();
const noop = () => undefined;

/**
 * Reads one cookie, parsing the header only when no cookie parser ran before us. `res` may be
 * left out: cookie-parser only reads the request.
 */
export function readCookie(
  req: Request,
  res: Response | undefined,
  name: string,
): string | undefined {
  if (req.cookies === undefined) parseCookies(req, res ?? ({} as Response), noop);
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
