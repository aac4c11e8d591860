import type { McpServerRef } from '@boocode/contracts';
import type { McpTokens } from './token.js';

/** Where BooCode's MCP server answers over Streamable HTTP. */
export const MCP_PATH = '/api/mcp';

/**
 * BooCode's MCP server as the agents it starts reach it: known once the HTTP server listens (a
 * worker process without one gives its agents none), with a token scoped to the agent's chat.
 */
export class McpEndpoint {
  private url: string | null = null;

  constructor(readonly tokens: McpTokens) {}

  /** The HTTP server listens at `baseUrl`. */
  serve(baseUrl: string): void {
    this.url = baseUrl + MCP_PATH;
  }

  refFor(sessionId: string, chatId: string): McpServerRef | undefined {
    if (!this.url) return undefined;
    return { name: 'boocode', url: this.url, headers: { Authorization: `Bearer ${this.tokens.mint(sessionId, chatId)}` } };
  }
}
