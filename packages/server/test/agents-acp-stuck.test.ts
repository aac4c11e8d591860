import { describe, expect, it } from 'vitest';
import type { FakeAcpScript } from '@boocode/testkit';
import { acpPid, lastMessage, newSession, post, useFakeAcpServer, waitTask } from './agents-env.js';

/**
 * ACP agents that stop answering without exiting: a turn on them still ends, with a sentence
 * saying why, and the chat's next turn starts the agent again.
 */

const AGENT = 'stuck';
/** Long enough for an ordinary turn on a busy machine, short enough to wait for. */
const TURN_TIMEOUT_MS = 15_000;

const script: FakeAcpScript = {
  turns: [
    { match: 'hang', steps: [{ text: 'Thinking. ' }, { hang: true }] },
    { match: 'go quiet', steps: [{ text: 'Going quiet. ' }, { closeOutput: true }] },
  ],
  fallback: { steps: [{ text: 'Back again.' }] },
};
const env = useFakeAcpServer(AGENT, script, { acp: { cancelGraceMs: 500 }, env: { BOOCODE_TURN_TIMEOUT_MS: String(TURN_TIMEOUT_MS) } });
const pidOf = (chatId: string) => acpPid(env.server, AGENT, chatId);

describe('an ACP agent that stops answering', { timeout: 4 * TURN_TIMEOUT_MS }, () => {
  it('deaf to session/cancel: the turn times out, the agent is killed, and the next turn starts it again', async () => {
    const { chat } = await newSession(env.server, env.project, { agent: AGENT });
    const task = await waitTask(env.server, (await post(env.server, chat.id, 'hang')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(task).toMatchObject({ status: 'timed_out', error: expect.stringContaining('BOOCODE_TURN_TIMEOUT_MS') });
    expect(await lastMessage(env.server, chat.id)).toMatchObject({ role: 'assistant', content: 'Thinking. ' });
    expect(await pidOf(chat.id)).toBeNull();
    const after = await waitTask(env.server, (await post(env.server, chat.id, 'after')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(after).toMatchObject({ status: 'completed', output_summary: 'Back again.' });
  });

  it('closing its output while running: the turn fails saying so, and the process is stopped', async () => {
    const { chat } = await newSession(env.server, env.project, { agent: AGENT });
    const first = await waitTask(env.server, (await post(env.server, chat.id, 'first')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(first.status).toBe('completed');
    const pid = (await pidOf(chat.id))!;
    const task = await waitTask(env.server, (await post(env.server, chat.id, 'go quiet')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(task).toMatchObject({ status: 'failed', error: expect.stringMatching(/^agent_crashed: .*closed its output \(stdout\) while still running, so it was stopped/) });
    expect(await lastMessage(env.server, chat.id)).toMatchObject({ role: 'assistant', status: 'failed', content: 'Going quiet. ' });
    expect(() => process.kill(pid, 0)).toThrow();
    const after = await waitTask(env.server, (await post(env.server, chat.id, 'after')).id, undefined, 3 * TURN_TIMEOUT_MS);
    expect(after).toMatchObject({ status: 'completed', output_summary: 'Back again.' });
  });
});
