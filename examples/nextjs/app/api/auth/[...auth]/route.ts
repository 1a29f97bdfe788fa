/** App Router: keyward's endpoints under /api/auth (POST /api/auth/login, GET /api/auth/me, ...). */
import type { NextRequest } from 'next/server';
import { AUTH_PATH, getAuth } from '../../../../lib/auth';
import { forwardToNodeHandler } from '../../../../lib/express-bridge';

// keyward needs Node.js (crypto keys, worker threads), not the Edge runtime, and answers every
// request afresh.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function handle(request: NextRequest): Promise<Response> {
  // The router's routes are relative to where it is mounted: /api/auth/login is its /login.
  const path = request.nextUrl.pathname.slice(AUTH_PATH.length) || '/';
  return forwardToNodeHandler(getAuth().router, request, path + request.nextUrl.search);
}

export {
  handle as GET,
  handle as POST,
  handle as PUT,
  handle as PATCH,
  handle as DELETE,
  handle as OPTIONS,
};
