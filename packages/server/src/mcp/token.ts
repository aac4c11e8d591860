import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Who is calling the MCP server: the user (the main token), or an agent scoped to one session's chat. */
export type McpScope = { kind: 'full' } | { kind: 'session'; sessionId: string; chatId: string };

const PREFIX = 'bcmcp1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Tokens BooCode hands the agents it starts: `bcmcp1.<session>.<chat>.<HMAC(main token, ...)>`.
 * One reaches the MCP endpoint only, for that session only (never the REST API: it is not the main
 * token). Derived rather than stored, so it survives restarts; rotating the main token revokes all.
 */
export class McpTokens {
  constructor(private mainToken: string) {}

  /** The main token was rotated: what the old one signed stops working. */
  rekey(mainToken: string): void {
    this.mainToken = mainToken;
  }

  private mac(sessionId: string, chatId: string): string {
    return createHmac('sha256', this.mainToken).update(`mcp-scope:${sessionId}:${chatId}`).digest('base64url');
  }

  mint(sessionId: string, chatId: string): string {
    return `${PREFIX}.${sessionId}.${chatId}.${this.mac(sessionId, chatId)}`;
  }

  /** The session scope a minted token grants, or null (the main token is checked by the caller, against the current one). */
  scopeOf(token: string): McpScope | null {
    const [prefix, sessionId, chatId, mac, ...rest] = token.split('.');
    if (prefix !== PREFIX || rest.length > 0 || !sessionId || !chatId || !mac || !UUID.test(sessionId) || !UUID.test(chatId)) return null;
    return timingSafeEqual(digest(mac), digest(this.mac(sessionId, chatId))) ? { kind: 'session', sessionId, chatId } : null;
  }
}
