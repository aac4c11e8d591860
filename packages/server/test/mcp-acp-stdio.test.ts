import { readFileSync, realpathSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Project, Session } from '@boocode/contracts';
import { loadServerConfig } from '@boocode/server';
import { McpTokens } from '@boocode/server/internals';
import { fakeAcpBin, type FakeAcpScript } from '@boocode/testkit';
import { CLI_BIN, makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/**
 * An ACP agent that takes MCP servers over stdio only (the fake agent declares no HTTP MCP) is
 * given `boocode mcp` with a token scoped to its session, unless its config turns it off.
 */

let dir: string;
let server: TestServer;
let project: Project;

const script: FakeAcpScript = { fallback: { steps: [{ text: 'ok' }] } };

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-mcp-acp-')));
  const scriptFile = (name: string) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ ...script, logFile: join(dir, `${name}.jsonl`) }));
    return file;
  };
  const home = homeWithConfig({
    agents: {
      given: { command: fakeAcpBin, args: ['--script', scriptFile('given')], kind: 'acp' },
      without: { command: fakeAcpBin, args: ['--script', scriptFile('without')], kind: 'acp', mcp: false },
    },
  });
  server = await startTestServer({ home, agents: { discovery: { agents: [] } }, mcpCommand: { command: process.execPath, args: [CLI_BIN, 'mcp'] } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
});
afterAll(async () => {
  await server?.close();
});

interface StdioMcpServer {
  name: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
}

/** The `mcpServers` of the agent's `session/new`, after one turn of it in a fresh session. */
async function mcpServersGiven(agent: string): Promise<{ session: Session; servers: StdioMcpServer[] }> {
  const { session, chat } = await newSession(server, project, { agent });
  expect((await waitTask(server, (await post(server, chat.id, 'hello')).id)).status).toBe('completed');
  const requests = readFileSync(join(dir, `${agent}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { method: string; params: { mcpServers?: StdioMcpServer[] } });
  const created = requests.filter((r) => r.method === 'session/new');
  return { session, servers: created.at(-1)!.params.mcpServers ?? [] };
}

describe('BooCode MCP server for stdio-only ACP agents', () => {
  it('is given as `boocode mcp`, whose scoped token reaches the agent session only', async () => {
    const { session, servers } = await mcpServersGiven('given');
    expect(servers).toHaveLength(1);
    const [given] = servers;
    expect(given).toMatchObject({ name: 'boocode', command: process.execPath, args: [CLI_BIN, 'mcp'] });
    const env = Object.fromEntries(given!.env.map((e) => [e.name, e.value]));
    expect(env.BOOCODE_URL).toBe(server.url);
    expect(env.BOOCODE_TOKEN).toMatch(new RegExp(`^bcmcp1\\.${session.id}\\.`));

    // Started as the agent would start it.
    const client = new Client({ name: 'agent', version: '1' });
    await client.connect(new StdioClientTransport({ command: given!.command, args: given!.args, env: { PATH: process.env.PATH ?? '', ...env }, stderr: 'pipe' }));
    const answer = (await client.callTool({ name: 'list_sessions', arguments: {} })) as { content: { text: string }[] };
    expect((JSON.parse(answer.content[0]!.text) as { items: Session[] }).items.map((s) => s.id)).toEqual([session.id]);
    await client.close();
  });

  it('is not given to an agent whose config says `mcp: false`', async () => {
    expect((await mcpServersGiven('without')).servers).toEqual([]);
  });

  it('refuses settings for an agent that is neither built in nor given a command', async () => {
    const home = homeWithConfig({ agents: { nosuch: { mcp: false } } });
    await expect(loadServerConfig({ env: {}, flags: { home } })).rejects.toThrow(/agents\.nosuch\.command.*no built-in agent/);
    // A built-in agent's settings alone are fine.
    await expect(loadServerConfig({ env: {}, flags: { home: homeWithConfig({ agents: { claude: { mcp: false } } }) } })).resolves.toMatchObject({ agents: { claude: { mcp: false } } });
  });

  // Last: it rotates the server's token.
  it('stops taking scoped tokens once the main token is rotated', async () => {
    const { session, chat } = await newSession(server, project, { agent: 'given' });
    const scoped = new McpTokens(server.token).mint(session.id, chat.id);
    const initialize = () =>
      fetch(`${server.url}/api/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${scoped}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
      });
    expect((await initialize()).status).toBe(200);
    const rotated = await server.api<{ token: string }>('POST', '/api/auth/token/rotate');
    expect(rotated.status).toBe(200);
    expect((await initialize()).status).toBe(401);
    // What the new token signs works.
    const fresh = new McpTokens(rotated.body.token).mint(session.id, chat.id);
    const again = await fetch(`${server.url}/api/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fresh}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(again.status).toBe(200);
  });
});
