import type { Request, Response } from 'restify';
import type { ZodType } from 'zod';

/** The staff session cookie: HttpOnly, SameSite=Strict, Path=/, and Secure whenever the page came over HTTPS. */
export const SESSION_COOKIE = 'aka_staff';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined; // broken percent-encoding: no cookie of ours
      }
    }
  }
  return undefined;
}

export function sessionCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return [`${SESSION_COOKIE}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${options.maxAgeSeconds}`, ...(options.secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { secure, maxAgeSeconds: 0 });
}

/** Whether the request reached us over HTTPS: directly, or through a proxy we were told to trust. */
export function isHttps(req: Request, trustProxy: boolean): boolean {
  if (req.isSecure()) return true;
  return trustProxy && String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https';
}

/**
 * The client's address, for rate limits: the socket's, or behind a trusted proxy the last X-Forwarded-For
 * entry — the one that proxy added. Entries before it are the client's own to write.
 */
export function clientAddress(req: Request, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',').pop()?.trim() : '';
  return forwarded || req.socket.remoteAddress || 'unknown';
}

/** Strict headers for the console's pages and API: its own scripts and styles only, no framing, no referrer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export function setSecurityHeaders(res: Response, https: boolean): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.header(name, value);
  if (https) res.header('Strict-Transport-Security', 'max-age=31536000');
}

/** A 400 that names the field, from a zod schema; undefined when the value is valid. */
export function parseOr400<T>(schema: ZodType<T>, value: unknown, res: Response): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'body';
  res.send(400, { error: `${field}: ${issue?.message ?? 'invalid'}` });
  return undefined;
}
