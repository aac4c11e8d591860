import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'boocode_session';
const CODE_TTL_MS = 15 * 60_000;

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Token checks for HTTP and WebSockets. The cookie holds a value derived from the token, so it
 * survives restarts and rotating the token in config.json logs every browser out.
 */
export class Auth {
  private readonly tokenDigest: Buffer;
  private readonly cookieValue: string;
  private readonly codes = new Map<string, number>();

  constructor(token: string) {
    this.tokenDigest = digest(token);
    this.cookieValue = createHash('sha256').update(`${token}:browser-session`).digest('base64url');
  }

  /** A login code that works once, within 15 minutes. */
  issueCode(): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, Date.now() + CODE_TTL_MS);
    return code;
  }

  redeemCode(code: string): boolean {
    const expires = this.codes.get(code);
    this.codes.delete(code);
    return expires !== undefined && expires > Date.now();
  }

  checkToken(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.tokenDigest);
  }

  sessionCookie(): string {
    return this.cookieValue;
  }

  isAuthorized(req: FastifyRequest): boolean {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) return this.checkToken(header.slice(7).trim());
    const cookie = req.cookies?.[SESSION_COOKIE];
    return typeof cookie === 'string' && timingSafeEqual(digest(cookie), digest(this.cookieValue));
  }
}

/** Browsers send Origin on WebSocket upgrades; it must be this server (or an allowed origin). */
export function originAllowed(req: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser: the token check alone applies
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
