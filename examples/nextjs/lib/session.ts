import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { AccessTokenPayload } from 'keyward';
import { getAuth } from './auth';

/**
 * The signed-in user's access token claims, from the HttpOnly access cookie that a cookie
 * login set, or null. For Server Components, Server Actions and route handlers; the check is
 * the same signature and expiry check as keyward's middleware (no session look-up).
 */
export async function currentUser(): Promise<AccessTokenPayload | null> {
  const { auth } = getAuth();
  const token = (await cookies()).get(auth.config.cookies.accessName)?.value;
  if (!token) return null;
  return auth.tokenService.verifyAccessToken(token);
}

/**
 * Like {@link currentUser}, but sends a visitor who is not signed in (or whose access token
 * expired: the page's script refreshes it through POST /api/auth/refresh) to `loginPath`.
 *
 *   export default async function Dashboard() {
 *     const user = await requireUser();
 *     return <p>Welcome, {user.email}</p>;
 *   }
 */
export async function requireUser(loginPath = '/login'): Promise<AccessTokenPayload> {
  const user = await currentUser();
  if (!user) redirect(loginPath);
  return user;
}
