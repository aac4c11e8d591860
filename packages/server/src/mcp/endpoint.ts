import { MCP_PATH, type McpServerRef } from '@boocode/contracts';
import type { McpTokens } from './token.js';

/** How to start `boocode mcp` (the stdio bridge to this server): the CLI knows its own binary. */
export interface McpCommand {
  command: string;
  args: string[];
}

/**
 * BooCode's MCP server as the agents it starts reach it: known once the HTTP server listens (a
 * worker process without one gives its agents none), with a token scoped to the agent's chat.
 */
export class McpEndpoint {
  private baseUrl: string | null = null;
  private command: McpCommand | undefined;

  constructor(readonly tokens: McpTokens) {}

  /** The HTTP server listens at `baseUrl`; `command` runs `boocode mcp`, when this program knows how. */
  serve(baseUrl: string, command?: McpCommand): void {
    this.baseUrl = baseUrl;
    this.command = command;
  }

  refFor(sessionId: string, chatId: string): McpServerRef | undefined {
    if (!this.baseUrl) return undefined;
    const token = this.tokens.mint(sessionId, chatId);
    // Over stdio, the bridge finds the server and its scoped token as any client does.
    const stdio = this.command && { ...this.command, env: { BOOCODE_URL: this.baseUrl, BOOCODE_TOKEN: token } };
    return { name: 'boocode', url: this.baseUrl + MCP_PATH, headers: { Authorization: `Bearer ${token}` }, ...(stdio ? { stdio } : {}) };
  }
}
