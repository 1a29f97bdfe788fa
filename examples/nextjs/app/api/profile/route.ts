/** App Router: a route handler only signed-in users get an answer from. */
import { NextResponse } from 'next/server';
import { currentUser } from '../../../lib/session';

export const runtime = 'nodejs';

export async function GET(): Promise<NextResponse> {
  const user = await currentUser();
  if (!user) {
    return NextResponse.json(
      { error: 'Authentication required', code: 'UNAUTHORIZED' },
      { status: 401 },
    );
  }
  return NextResponse.json({ message: `Hello ${user.email}`, claims: user });
}
