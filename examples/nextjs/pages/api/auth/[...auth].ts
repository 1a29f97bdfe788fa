/**
 * Pages Router: keyward's endpoints under /api/auth. Use this or the App Router's
 * app/api/auth/[...auth]/route.ts, not both.
 */
import type { NextApiRequest, NextApiResponse, PageConfig } from 'next';
import { AUTH_PATH, getAuth } from '../../../lib/auth';

export const config: PageConfig = {
  api: {
    // The router reads and limits the body itself (cookies too).
    bodyParser: false,
    // The router sends the answer; Next must not report a route that resolved without one.
    externalResolver: true,
  },
};

export default function handler(req: NextApiRequest, res: NextApiResponse): void {
  // The router's routes are relative to where it is mounted: /api/auth/login is its /login.
  req.url = req.url!.slice(AUTH_PATH.length) || '/';
  if (req.url.startsWith('?')) req.url = '/' + req.url;
  getAuth().router(req, res);
}
