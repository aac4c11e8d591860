import { describe, expect, it } from 'vitest';
import type { FakeAcpScript } from '@boocode/testkit';
import { openStream } from '@boocode/testkit/server';
import { acpPid, joined, lastMessage, newSession, post, useFakeAcpServer, waitTask } from './agents-env.js';

/**
 * The silence watchdog (config.json `acp.silenceMs`) through the server against the fake ACP
 * agent: a turn whose agent stays connected but says nothing shows a notice, is cancelled after as
 * long again, and is stopped when the agent does not answer the cancel either. Words reset it.
 */

const AGENT = 'silent';
/** Long enough that the fake's updates arrive well within it on a busy machine. */
const SILENCE_MS = 2_500;

const talk = { delayMs: 900 };
const script: FakeAcpScript = {
  turns: [
    { match: 'hang', steps: [{ text: 'Thinking. ' }, { hang: true }] },
    { match: 'wait', steps: [{ text: 'Waiting. ' }, { waitForCancel: true }] },
    // A tool that runs silently for longer than two silences: a long build.
    { match: 'build', steps: [{ tool: { id: 'b1', title: 'npm run build', kind: 'execute', runMs: 6_000, output: 'built' } }, { text: 'Built.' }] },
    // 3.6 s in all, more than one silence, with a word every 0.9 s.
    { match: 'talk', steps: [{ text: 'a' }, talk, { text: 'b' }, talk, { text: 'c' }, talk, { text: 'd' }, talk, { text: 'e' }] },
  ],
  fallback: { steps: [{ text: 'Back again.' }] },
};
const env = useFakeAcpServer(AGENT, script, { acp: { cancelGraceMs: 500, silenceMs: SILENCE_MS } });
const pidOf = (chatId: string) => acpPid(env.server, AGENT, chatId);

describe('an ACP agent that goes silent', { timeout: 60_000 }, () => {
  it('shows a notice, is cancelled, is stopped when deaf to the cancel, and the next turn starts it again', async () => {
    const { session, chat } = await newSession(env.server, env.project, { agent: AGENT });
    const stream = await openStream(env.server.url, session.id, { token: env.server.token });
    const task = await post(env.server, chat.id, 'hang');
    const notice = await stream.waitFor((f) => f.type === 'notice', 30_000);
    expect(notice).toMatchObject({
      severity: 'warning',
      title: 'No word from silent for 2.5 seconds',
      description: 'It is still running but has sent nothing since. If it stays silent for another 2.5 seconds, BooCode cancels the turn.',
    });
    const done = await waitTask(env.server, task.id, undefined, 30_000);
    stream.close();
    expect(done).toMatchObject({
      status: 'timed_out',
      error: 'No word from silent for 5 seconds, so BooCode cancelled the turn; it did not answer that either, so it was stopped.',
    });
    expect(await lastMessage(env.server, chat.id)).toMatchObject({ role: 'assistant', content: 'Thinking. ' });
    expect(await pidOf(chat.id)).toBeNull();
    const after = await waitTask(env.server, (await post(env.server, chat.id, 'after')).id, undefined, 30_000);
    expect(after).toMatchObject({ status: 'completed', output_summary: 'Back again.' });
  });

  it('ends the turn with a sentence when the agent obeys the cancel, and keeps it running', async () => {
    const { chat } = await newSession(env.server, env.project, { agent: AGENT });
    const done = await waitTask(env.server, (await post(env.server, chat.id, 'wait')).id, undefined, 30_000);
    expect(done).toMatchObject({ status: 'timed_out', error: 'No word from silent for 5 seconds, so BooCode cancelled the turn.' });
    expect(await pidOf(chat.id)).not.toBeNull();
  });

  it('waits for a tool that runs silently: the notice says so, and the turn is not cancelled', async () => {
    const { session, chat } = await newSession(env.server, env.project, { agent: AGENT });
    const stream = await openStream(env.server.url, session.id, { token: env.server.token });
    const done = await waitTask(env.server, (await post(env.server, chat.id, 'build')).id, undefined, 30_000);
    stream.close();
    expect(done).toMatchObject({ status: 'completed', error: null, output_summary: 'Built.' });
    const notices = stream.frames.filter((f) => f.type === 'notice');
    expect(notices.length).toBeGreaterThan(0);
    expect(notices[0]).toMatchObject({
      title: 'No word from silent for 2.5 seconds',
      description: 'One of its tools is still running. BooCode waits for it: stop the turn if it is stuck.',
    });
  });

  it('starts the clock over on every update: a slow agent that keeps talking finishes without a notice', async () => {
    const { session, chat } = await newSession(env.server, env.project, { agent: AGENT });
    const stream = await openStream(env.server.url, session.id, { token: env.server.token });
    const done = await waitTask(env.server, (await post(env.server, chat.id, 'talk')).id, undefined, 30_000);
    const complete = await stream.waitFor((f) => f.type === 'message_complete');
    stream.close();
    expect(done).toMatchObject({ status: 'completed', error: null });
    expect(joined(stream.frames, 'message_delta', complete.message_id as string)).toBe('abcde');
    expect(stream.frames.filter((f) => f.type === 'notice')).toEqual([]);
  });
});
