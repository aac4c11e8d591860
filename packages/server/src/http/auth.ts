import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Sql } from '../db/connection.js';
import { insertLoginSession, loginSessionValid, revokeAllLoginSessions, revokeLoginSession } from '../db/login-sessions.js';

export const SESSION_COOKIE = 'boocode_session';
const CODE_TTL_MS = 15 * 60_000;
/** A browser login lasts this long unless it is logged out first. */
export const SESSION_TTL_S = 30 * 24 * 3600;

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface AuthOptions {
  token: string;
  sql: Sql;
  /** Stores a new token where the server and the CLI read it (config.json). */
  persistToken(token: string): Promise<void>;
}

/**
 * Token checks for HTTP and WebSockets. A browser cookie is a random secret whose hash is a row of
 * `login_sessions`: logging out revokes it at once, in every server sharing the database, and
 * rotating the token revokes every login. Login codes are single-use and short-lived.
 */
export class Auth {
  private tokenDigest: Buffer;
  private readonly codes = new Map<string, number>();

  constructor(private readonly opts: AuthOptions) {
    this.tokenDigest = digest(opts.token);
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

  /** A new browser login: the cookie value to set. */
  async startLogin(): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await insertLoginSession(this.opts.sql, digest(secret), SESSION_TTL_S);
    return secret;
  }

  async checkCookie(value: string): Promise<boolean> {
    // Not one of ours (a forged or truncated value): no need to ask the database.
    if (!/^[A-Za-z0-9_-]{43}$/.test(value)) return false;
    return loginSessionValid(this.opts.sql, digest(value));
  }

  async logout(cookie: string | undefined): Promise<void> {
    if (cookie) await revokeLoginSession(this.opts.sql, digest(cookie));
  }

  /** Logs every browser out; returns how many were logged in. */
  logoutAll(): Promise<number> {
    return revokeAllLoginSessions(this.opts.sql);
  }

  /**
   * Replaces the API token: the new one is stored first (a failure leaves the old one working),
   * then the old one stops being accepted and every browser login is revoked.
   */
  async rotateToken(): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.opts.persistToken(token);
    this.tokenDigest = digest(token);
    await this.logoutAll();
    return token;
  }

  async isAuthorized(req: FastifyRequest): Promise<boolean> {
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
