import { z } from 'zod';

/**
 * POST /refresh: bearer clients send the refresh token here; browsers send nothing (the
 * refresh cookie) and may send other fields, which are ignored.
 */
export const refreshBody = z.looseObject({ refreshToken: z.string().min(1).max(4096).optional() });
