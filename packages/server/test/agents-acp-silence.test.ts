import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcpBackend } from '@boocode/agents';
import type { MessagePage, Project } from '@boocode/contracts';
import { fakeAcpBin, type FakeAcpScript } from '@boocode/testkit';
import { makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, joined, newSession, post, waitTask } from './agents-env.js';

/**
 * The silence watchdog (config.json `acp.silenceMs`) through the server against the fake ACP
 * agent: a turn whose agent stays connected but says nothing shows a notice, is cancelled after as
 * long again, and is stopped when the agent does not answer the cancel either. Words reset it.
 */

const AGENT = 'silent';
/** Long enough that the fake's updates arrive well within it on a busy machine. */
const SILENCE_MS = 1_500;

let dir: string;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-srv-acp-silence-')));
  const talk = { delayMs: 900 };
  const script: FakeAcpScript = {
    turns: [
      { match: 'hang', steps: [{ text: 'Thinking. ' }, { hang: true }] },
      { match: 'wait', steps: [{ text: 'Waiting. ' }, { waitForCancel: true }] },
      // 3.6 s in all, more than two silences, with a word every 0.9 s.
      { match: 'talk', steps: [{ text: 'a' }, talk, { text: 'b' }, talk, { text: 'c' }, talk, { text: 'd' }, talk, { text: 'e' }] },
    ],
    fallback: { steps: [{ text: 'Back again.' }] },
  };
  writeFileSync(join(dir, 'script.json'), JSON.stringify(script));
  const home = homeWithConfig({
    agents: { [AGENT]: { command: fakeAcpBin, args: ['--script', join(dir, 'script.json')], kind: 'acp' } },
    acp: { cancelGraceMs: 500, silenceMs: SILENCE_MS },
  });
  server = await startTestServer({ home, writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
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

describe('an ACP agent that goes silent', { timeout: 60_000 }, () => {
  it('shows a notice, is cancelled, is stopped when deaf to the cancel, and the next turn starts it again', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT });
    const stream = await openStream(server.url, session.id, { token: server.token });
    const task = await post(server, chat.id, 'hang');
    const notice = await stream.waitFor((f) => f.type === 'notice', 30_000);
    expect(notice).toMatchObject({
      severity: 'warning',
      title: 'No word from silent for 1.5 seconds',
      description: 'It is still running but has sent nothing since. If it stays silent for another 1.5 seconds, BooCode cancels the turn.',
    });
    const done = await waitTask(server, task.id, undefined, 30_000);
    stream.close();
    expect(done).toMatchObject({
      status: 'timed_out',
      error: 'No word from silent for 3 seconds, so BooCode cancelled the turn; it did not answer that either, so it was stopped.',
    });
    expect(await lastReply(chat.id)).toMatchObject({ role: 'assistant', content: 'Thinking. ' });
    expect(await pidOf(chat.id)).toBeNull();
    const after = await waitTask(server, (await post(server, chat.id, 'after')).id, undefined, 30_000);
    expect(after).toMatchObject({ status: 'completed', output_summary: 'Back again.' });
  });

  it('ends the turn with a sentence when the agent obeys the cancel, and keeps it running', async () => {
    const { chat } = await newSession(server, project, { agent: AGENT });
    const done = await waitTask(server, (await post(server, chat.id, 'wait')).id, undefined, 30_000);
    expect(done).toMatchObject({ status: 'timed_out', error: 'No word from silent for 3 seconds, so BooCode cancelled the turn.' });
    expect(await pidOf(chat.id)).not.toBeNull();
  });

  it('starts the clock over on every update: a slow agent that keeps talking finishes without a notice', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT });
    const stream = await openStream(server.url, session.id, { token: server.token });
    const done = await waitTask(server, (await post(server, chat.id, 'talk')).id, undefined, 30_000);
    const complete = await stream.waitFor((f) => f.type === 'message_complete');
    stream.close();
    expect(done).toMatchObject({ status: 'completed', error: null });
    expect(joined(stream.frames, 'message_delta', complete.message_id as string)).toBe('abcde');
    expect(stream.frames.filter((f) => f.type === 'notice')).toEqual([]);
  });
});
