import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcpBackend } from '@boocode/agents';
import type { MessagePage, Project } from '@boocode/contracts';
import { fakeAcpBin, type FakeAcpScript } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/**
 * ACP agents that stop answering without exiting: a turn on them still ends, with a sentence
 * saying why, and the chat's next turn starts the agent again.
 */

const AGENT = 'stuck';
/** Long enough for an ordinary turn on a busy machine, short enough to wait for. */
const TURN_TIMEOUT_MS = 15_000;

let dir: string;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-srv-acp-stuck-')));
  const script: FakeAcpScript = {
    turns: [
      { match: 'hang', steps: [{ text: 'Thinking. ' }, { hang: true }] },
      { match: 'go quiet', steps: [{ text: 'Going quiet. ' }, { closeOutput: true }] },
    ],
    fallback: { steps: [{ text: 'Back again.' }] },
  };
  writeFileSync(join(dir, 'script.json'), JSON.stringify({ ...script, stateFile: join(dir, 'state.json') }));
  const home = homeWithConfig({ agents: { [AGENT]: { command: fakeAcpBin, args: ['--script', join(dir, 'script.json')], kind: 'acp' } }, acp: { cancelGraceMs: 500 } });
  server = await startTestServer({ home, env: { BOOCODE_TURN_TIMEOUT_MS: String(TURN_TIMEOUT_MS) }, writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pidOf = async (chatId: string): Promise<number | null> => {
  const b = await server.ctx.registry.backendFor(AGENT);
  if (!(b instanceof AcpBackend)) throw new Error('the fake agent is not served by the ACP backend');
  return b.processInfo({ chatId, agent: AGENT })?.pid ?? null;
};

const lastReply = async (chatId: string) => (await server.api<MessagePage>('GET', `/api/chats/${chatId}/messages`)).body.items.at(-1)!;

describe('an ACP agent that stops answering', { timeout: 4 * TURN_TIMEOUT_MS }, () => {
  it('deaf to session/cancel: the turn times out, the agent is killed, and the next turn starts it again', async () => {
    const { chat } = await newSession(server, project, { agent: AGENT });
    const task = await waitTask(server, (await post(server, chat.id, 'hang')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(task).toMatchObject({ status: 'timed_out', error: expect.stringContaining('BOOCODE_TURN_TIMEOUT_MS') });
    expect(await lastReply(chat.id)).toMatchObject({ role: 'assistant', content: 'Thinking. ' });
    expect(await pidOf(chat.id)).toBeNull();
    const after = await waitTask(server, (await post(server, chat.id, 'after')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(after).toMatchObject({ status: 'completed', output_summary: 'Back again.' });
  });

  it('closing its output while running: the turn fails saying so, and the process is stopped', async () => {
    const { chat } = await newSession(server, project, { agent: AGENT });
    const first = await waitTask(server, (await post(server, chat.id, 'first')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(first.status).toBe('completed');
    const pid = (await pidOf(chat.id))!;
    const task = await waitTask(server, (await post(server, chat.id, 'go quiet')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(task).toMatchObject({ status: 'failed', error: expect.stringMatching(/^agent_crashed: .*closed its output \(stdout\) while still running, so it was stopped/) });
    expect(await lastReply(chat.id)).toMatchObject({ role: 'assistant', status: 'failed', content: 'Going quiet. ' });
    expect(() => process.kill(pid, 0)).toThrow();
    const after = await waitTask(server, (await post(server, chat.id, 'after')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(after).toMatchObject({ status: 'completed', output_summary: 'Back again.' });
  });
});
