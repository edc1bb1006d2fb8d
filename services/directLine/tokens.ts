import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CONVERSATION_ID, USER_ID } from './ids';

/**
 * Direct Line tokens: HS256 JSON Web Tokens signed with DIRECT_LINE_SECRET, each bound to one conversation and
 * one user, with an expiry. A JWT because Web Chat reads the `user` claim to know who "me" is (and then needs
 * no user id from the page), as it does with Azure's tokens. Nothing about a token is stored: a token that has
 * not expired is valid unless its conversation has ended (ConversationLog keeps that mark).
 */

export interface TokenClaims {
  conversationId: string;
  userId: string;
  /** Seconds since the epoch, as JWT writes them. */
  issuedAt: number;
  expiresAt: number;
}

export type TokenCheck =
  | { status: 'valid'; claims: TokenClaims }
  /** Signed by us, but past its expiry: still good for ending its own conversation. */
  | { status: 'expired'; claims: TokenClaims }
  /** Shaped like a token, but not signed with our secret. */
  | { status: 'forged' }
  /** Not a token at all. */
  | { status: 'malformed' };

export interface IssuedToken {
  token: string;
  /** Seconds until it expires (Direct Line's `expires_in`). */
  expiresIn: number;
}

const ISSUER = 'apu-ku-apu/directline';
// The only header we write and accept: a token that names another algorithm (or "none") is not ours.
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Far longer than any token we issue; a longer one is refused before any work is done on it.
const MAX_TOKEN_CHARS = 1024;

const claimsSchema = z.strictObject({
  iss: z.literal(ISSUER),
  conv: z.string().regex(CONVERSATION_ID),
  user: z.string().regex(USER_ID),
  iat: z.int().nonnegative(),
  exp: z.int().positive(),
  jti: z.string().regex(/^[A-Za-z0-9_-]{12}$/),
});

let processSecret: string | undefined;

/**
 * A random secret for this process only, for development: tokens then stop working on restart and on any
 * other instance, which is why production requires DIRECT_LINE_SECRET.
 */
export function developmentSecret(): string {
  processSecret ??= randomBytes(48).toString('base64url');
  return processSecret;
}

export class DirectLineTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => Date,
  ) {
    if (secret.length < 32) throw new RangeError('a Direct Line signing secret needs at least 32 characters');
  }

  issue(binding: { conversationId: string; userId: string }): IssuedToken {
    const nowMs = this.now().getTime();
    // Rounded up, so that a token never lives shorter than the `expires_in` it is given with.
    const claims = {
      iss: ISSUER,
      conv: binding.conversationId,
      user: binding.userId,
      iat: Math.floor(nowMs / 1000),
      exp: Math.ceil(nowMs / 1000) + this.ttlSeconds,
      // Each token is its own, even two for the same conversation in the same second.
      jti: randomBytes(9).toString('base64url'),
    };
    const signed = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return { token: `${signed}.${this.sign(signed)}`, expiresIn: this.ttlSeconds };
  }

  verify(token: string): TokenCheck {
    if (token.length > MAX_TOKEN_CHARS) return { status: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return { status: 'malformed' };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (header !== HEADER || given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 'forged' };
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { status: 'forged' };
    }
    // Signed with our secret yet not what we write: the secret is shared with something else. Refuse it.
    const parsed = claimsSchema.safeParse(decoded);
    if (!parsed.success) return { status: 'forged' };
    const { conv, user, iat, exp } = parsed.data;
    const claims: TokenClaims = { conversationId: conv, userId: user, issuedAt: iat, expiresAt: exp };
    return this.now().getTime() < exp * 1000 ? { status: 'valid', claims } : { status: 'expired', claims };
  }

  /** Whole seconds until the token expires (0 once it has). */
  secondsLeft(claims: TokenClaims): number {
    return Math.max(0, Math.floor((claims.expiresAt * 1000 - this.now().getTime()) / 1000));
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }
}
