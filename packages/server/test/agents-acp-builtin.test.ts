import { chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGENTS } from '@boocode/agents';
import type { AgentInfo, MessagePage, Project } from '@boocode/contracts';
import { fakeAcpBin, type FakeAcpScript } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/**
 * The built-in `gemini` agent, found by discovery and started as its definition says
 * (`gemini --acp`), played by the fake ACP agent as a `gemini` on PATH (this repository's own
 * gemini-cli in node_modules/.bin is not searched).
 */

let dir: string;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-srv-acp-builtin-')));
  const script: FakeAcpScript = {
    name: 'gemini-cli',
    modes: ['default', 'autoEdit', 'yolo', 'plan'],
    fallback: { steps: [{ text: 'Hello from Gemini.' }], quota: { input_tokens: 120, output_tokens: 8 } },
  };
  writeFileSync(join(dir, 'script.json'), JSON.stringify(script));
  writeFileSync(join(dir, 'gemini'), `#!/bin/sh\nexec "${process.execPath}" "${fakeAcpBin}" --script "${join(dir, 'script.json')}"\n`);
  chmodSync(join(dir, 'gemini'), 0o755);
  const path = `${dir}:${process.env.PATH ?? ''}`;
  server = await startTestServer({
    home: homeWithConfig({}),
    env: { PATH: path },
    writeIntervalMs: 50,
    agents: { discovery: { agents: DEFAULT_AGENTS.filter((a) => a.name === 'gemini'), cwd: dir, path } },
  });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the built-in gemini agent played by the fake ACP agent', () => {
  it('is the gemini on PATH, and runs a turn to the end with the usage it reports', { timeout: 120_000 }, async () => {
    const agents = (await server.api<{ items: AgentInfo[] }>('GET', '/api/agents')).body.items;
    expect(agents.find((a) => a.name === 'gemini')).toMatchObject({
      label: 'Gemini CLI',
      custom: false,
      available: true,
      install_path: join(dir, 'gemini'),
      command: [join(dir, 'gemini'), '--acp'],
    });
    const { chat } = await newSession(server, project, { agent: 'gemini', permission_policy: 'ask' });
    const task = await waitTask(server, (await post(server, chat.id, 'hello')).id, undefined, 90_000);
    expect(task).toMatchObject({ status: 'completed', error: null, output_summary: 'Hello from Gemini.' });
    const reply = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
    expect(reply).toMatchObject({ status: 'complete', content: 'Hello from Gemini.', usage: { input_total: 120, output: 8 } });
  });
});
