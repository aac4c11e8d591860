import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Chat, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { waitTask as waitServerTask, nativeEnv } from './agents-env.js';

/** A native turn on a real server: its commands run in the sandbox the configuration asks for. */

let llm: FakeLlm;
let server: TestServer;
let repo: string;
let project: Project;

beforeAll(async () => {
  llm = await startFakeLlm();
  server = await startTestServer({ env: nativeEnv(llm), writeIntervalMs: 50 });
  repo = await makeGitRepo({ 'a.txt': 'alpha\n' });
  project = (await server.api<Project>('POST', '/api/projects', { path: repo })).body;
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

const waitTask = (id: string, done?: (t: Task) => boolean) => waitServerTask(server, id, done);

const sh = (id: string, script: string, timeout_ms?: number) => ({ id, name: 'run_command', arguments: { command: 'sh', args: ['-c', script], ...(timeout_ms ? { timeout_ms } : {}) } });

async function sleepers(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8');
      const state = (await readFile(`/proc/${name}/stat`, 'utf8')).replace(/^.*\) /s, '')[0];
      if (cmd.startsWith(`sleep\0${marker}`) && state !== 'Z') pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

describe('native agent commands in the sandbox', () => {
  it('cannot read the token or the server environment, nor reach the project git config; background processes end and the turn returns', async () => {
    const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
    const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
    const gitConfig = await readFile(path.join(repo, '.git', 'config'), 'utf8');
    llm.push(
      {
        match: { lastUserIncludes: 'escape' },
        toolCalls: [
          sh('c1', `cat ${server.home}/config.json; echo; tr "\\0" "\\n" < /proc/$PPID/environ; git config core.hooksPath /tmp/evil; echo hooks=$?`),
          sh('c2', '(setsid sleep 970031 &); nohup setsid sleep 970032 & setsid -f sleep 970033; echo started'),
          sh('c3', 'setsid sleep 970034', 2000),
        ],
      },
      { text: 'done' },
    );
    const r = await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'escape please' });
    expect((await waitTask(r.body.task.id)).status).toBe('completed');
    const results = llm.requests.at(-1)!.messages.filter((m) => m.role === 'tool').map((m) => JSON.stringify(m.content));
    expect(results).toHaveLength(3);
    expect(results.join('\n')).not.toContain(server.token);
    expect(results.join('\n')).not.toContain('BOOCODE_NATIVE_API_KEY');
    expect(results[0]).not.toContain('hooks=0');
    expect(results[2]).toContain('timed out after 2000 ms');
    expect(await readFile(path.join(repo, '.git', 'config'), 'utf8')).toBe(gitConfig);
    await vi.waitFor(async () => expect(await sleepers('97003')).toEqual([]), { timeout: 10_000, interval: 100 });
  });
});
