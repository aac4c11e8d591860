import type { Command } from 'commander';
import { withExamples } from '../command.js';
import { addConnectionOptions, connect, type ConnectionOptions } from '../connection.js';
import { resolve } from '../ids.js';

/**
 * `boocode mcp`: BooCode's MCP server over stdio, for agents that start their MCP servers as
 * commands. It holds no tools of its own: every message goes to the running server's `/api/mcp`
 * and every answer comes back, so each tool behaves as it does over HTTP, checks and all.
 */
export function registerMcp(program: Command): void {
  withExamples(addConnectionOptions(program.command('mcp')), [
    'boocode mcp',
    'boocode mcp --session 1a2b3c4d',
    'BOOCODE_URL=http://127.0.0.1:7345 BOOCODE_TOKEN=<token> boocode mcp',
  ])
    .description("BooCode's MCP server over stdio (JSON-RPC on stdin and stdout), forwarded to the running server")
    .option('--session <id>', 'scope the tools to one session, as its own agents see them (a session id or a prefix of one)')
    .action(async (opts: ConnectionOptions & { session?: string }) => {
      const { api, server } = await connect(opts);
      const [{ StdioServerTransport }, { StreamableHTTPClientTransport }, { MCP_PATH, MCP_SESSION_HEADER }] = await Promise.all([
        import('@modelcontextprotocol/sdk/server/stdio.js'),
        import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
        import('@boocode/contracts'),
      ]);
      const headers: Record<string, string> = { authorization: `Bearer ${server.token}` };
      // Checked with the main token, before any agent relies on it; a token BooCode scoped to a
      // session is that session's already.
      if (opts.session !== undefined) {
        const session = await api.call('getSession', { params: { id: await resolve(api, opts.session, 'session') } });
        headers[MCP_SESSION_HEADER] = session.id;
      }

      const stdio = new StdioServerTransport();
      const http = new StreamableHTTPClientTransport(new URL(server.baseUrl + MCP_PATH), { requestInit: { headers } });
      const stop = (code: number) => {
        void Promise.allSettled([http.close(), stdio.close()]).then(() => process.exit(code));
      };
      http.onmessage = (message) => {
        // The version the two ends agreed on goes on every later request, as the transport asks.
        const result = 'result' in message ? (message.result as { protocolVersion?: unknown }) : undefined;
        if (typeof result?.protocolVersion === 'string') http.setProtocolVersion(result.protocolVersion);
        void stdio.send(message);
      };
      http.onerror = (err) => process.stderr.write(`boocode mcp: ${err.message}\n`);
      stdio.onmessage = (message) => {
        http.send(message).catch((err: unknown) => {
          const text = err instanceof Error ? err.message : String(err);
          // A request must be answered, or the agent waits for ever: the server's refusal is the answer.
          if ('method' in message && 'id' in message) void stdio.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `BooCode server at ${server.baseUrl}: ${text}` } });
          else process.stderr.write(`boocode mcp: ${text}\n`);
        });
      };
      stdio.onerror = (err) => process.stderr.write(`boocode mcp: ${err.message}\n`);
      // The agent closing our stdin is the end of the connection.
      process.stdin.on('end', () => stop(0));
      process.on('SIGTERM', () => stop(0));
      process.on('SIGINT', () => stop(0));
      await http.start();
      await stdio.start();
    });
}
