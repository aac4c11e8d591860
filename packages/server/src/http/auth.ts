import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'boocode_session';
const CODE_TTL_MS = 15 * 60_000;
/** A browser login lasts this long; the cookie carries its issue time, signed with the token. */
export const SESSION_TTL_S = 30 * 24 * 3600;

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Token checks for HTTP and WebSockets. A browser cookie is `<issued-at>.<HMAC(token, issued-at)>`:
 * it expires on its own, survives restarts, and rotating the token in config.json logs every
 * browser out. Login codes are single-use and short-lived.
 */
export class Auth {
  private readonly tokenDigest: Buffer;
  private readonly codes = new Map<string, number>();

  constructor(private readonly token: string) {
    this.tokenDigest = digest(token);
  }

  /** A login code that works once, within 15 minutes. */
  issueCode(): string {
    const now = Date.now();
    for (const [c, expires] of this.codes) if (expires <= now) this.codes.delete(c);
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, now + CODE_TTL_MS);
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

  private sign(issuedAt: number): string {
    return createHmac('sha256', this.token).update(`browser-session:${issuedAt}`).digest('base64url');
  }

  sessionCookie(now = Date.now()): string {
    const issuedAt = Math.floor(now / 1000);
    return `${issuedAt}.${this.sign(issuedAt)}`;
  }

  checkCookie(value: string, now = Date.now()): boolean {
    const dot = value.indexOf('.');
    const issuedAt = Number(value.slice(0, dot));
    if (dot <= 0 || !Number.isInteger(issuedAt)) return false;
    const age = Math.floor(now / 1000) - issuedAt;
    if (age < -60 || age > SESSION_TTL_S) return false;
    return timingSafeEqual(digest(value.slice(dot + 1)), digest(this.sign(issuedAt)));
  }

  isAuthorized(req: FastifyRequest): boolean {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) return this.checkToken(header.slice(7).trim());
    const cookie = req.cookies?.[SESSION_COOKIE];
    return typeof cookie === 'string' && this.checkCookie(cookie);
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
