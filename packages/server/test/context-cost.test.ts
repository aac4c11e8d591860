import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, Message, MessagePage, ModelCallList, PostMessageResponse, Project, Session, SessionStatsList, Task, UsageSummary, UsageTotals } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm, type RecordedRequest } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, waitTask as waitServerTask } from './agents-env.js';

/** Every request reports the same DeepSeek-style usage: 1000 prompt tokens, 800 of them cached, 100 out. */
const USAGE = { style: 'deepseek', prompt_tokens: 1000, completion_tokens: 100, cached_tokens: 800 } as const;
const SUMMARY_ASK = 'about to be replaced by your summary';

let llm: FakeLlm;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'ok', usage: USAGE } });
  const home = homeWithConfig({
    // A small window so a few turns of long messages reach the compaction threshold.
    native: { contextWindow: 8192, compactAt: 0.55 },
    prices: {
      'house-model': { input: 1, cached_input: 0.5, output: 2 },
      'gpt-4o': { input: 10, output: 10 },
    },
  });
  server = await startTestServer({
    home,
    env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'deepseek-chat', BOOCODE_NATIVE_API_KEY: 'k' },
    writeIntervalMs: 50,
  });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'alpha\n' }) })).body;
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

const waitTask = (id: string, done?: (t: Task) => boolean) => waitServerTask(server, id, done);

async function newChat(): Promise<{ session: Session; chat: Chat }> {
  const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
  const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  return { session, chat };
}

async function say(chat: Chat, content: string, model?: string): Promise<Task> {
  const r = await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content, ...(model ? { model } : {}) });
  expect(r.status).toBe(201);
  const task = await waitTask(r.body.task.id);
  expect(task.status, task.error ?? '').toBe('completed');
  return task;
}

const lastAssistant = async (chat: Chat): Promise<Message> =>
  (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages?limit=200`)).body.items.filter((m) => m.role === 'assistant').at(-1)!;

const close = (a: number | null, b: number) => expect(a).toBeCloseTo(b, 12);

describe('cache shape and cost', () => {
  it('records each model call with its prompt segments, and prices turns, sessions and projects', async () => {
    const a = await newChat();
    llm.push({ match: { lastUserIncludes: 'read it' }, toolCalls: [{ id: 'c1', name: 'read_file', arguments: { path: 'a.txt' } }], usage: USAGE });
    await say(a.chat, 'hello');
    await say(a.chat, 'read it please');

    const calls = (await server.api<ModelCallList>('GET', `/api/chats/${a.chat.id}/model-calls`)).body.items;
    expect(calls.map((c) => [c.turn_number, c.step, c.kind])).toEqual([
      [1, 1, 'step'],
      [2, 1, 'step'],
      [2, 2, 'step'],
    ]);
    for (const c of calls) {
      expect(c.tokenizer).toBe('o200k_base');
      expect(c.segments!.system).toBeGreaterThan(50);
      expect(c.segments!.tools).toBeGreaterThan(200);
      expect(c.usage).toMatchObject({ input_total: 1000, cache_read: 800, no_cache: 200, output: 100 });
      expect(c.first_token_at).not.toBeNull();
      // deepseek-chat from the bundled table: 200 uncached at 0.28, 800 cached at 0.028, 100 out at 0.42 per million.
      close(c.cost, (200 * 0.28 + 800 * 0.028 + 100 * 0.42) / 1e6);
      close(c.saved, (800 * (0.28 - 0.028)) / 1e6);
    }
    const [first, second, third] = calls as [ModelCallList['items'][number], ModelCallList['items'][number], ModelCallList['items'][number]];
    expect(first.segments!.history).toBe(0);
    expect(second.segments!.history).toBeGreaterThan(0);
    expect(second.segments!.tool_results).toBe(0);
    expect(third.segments!.tool_results).toBeGreaterThan(0);
    expect(third.segments!.history).toBe(second.segments!.history);

    const usage = (await server.api<UsageSummary>('GET', `/api/chats/${a.chat.id}/usage`)).body;
    close(usage.turns[1]!.cost, (2 * (200 * 0.28 + 800 * 0.028 + 100 * 0.42)) / 1e6);
    close(usage.cost, (3 * (200 * 0.28 + 800 * 0.028 + 100 * 0.42)) / 1e6);
    close(usage.saved, (3 * 800 * (0.28 - 0.028)) / 1e6);

    // A second session: a model priced in config.json, a bundled one overridden there (dated id), one with no price.
    const b = await newChat();
    await say(b.chat, 'house', 'house-model');
    await say(b.chat, 'dated', 'gpt-4o-2024-08-06');
    await say(b.chat, 'mystery', 'mystery-model');
    const bUsage = (await server.api<UsageSummary>('GET', `/api/chats/${b.chat.id}/usage`)).body;
    close(bUsage.turns[0]!.cost, (200 * 1 + 800 * 0.5 + 100 * 2) / 1e6);
    // No cached price in the override: cached tokens cost the input price, and nothing is saved.
    close(bUsage.turns[1]!.cost, (1000 * 10 + 100 * 10) / 1e6);
    close(bUsage.turns[1]!.saved, 0);
    expect(bUsage.turns[2]!.cost).toBeNull();
    expect(bUsage.turns[2]!.saved).toBeNull();
    expect(bUsage.turns[2]!.usage.input_total).toBe(1000);

    const sessionB = (await server.api<UsageTotals>('GET', `/api/sessions/${b.session.id}/usage`)).body;
    expect(sessionB.turns).toBe(3);
    expect(sessionB.unpriced_turns).toBe(1);
    close(sessionB.cost, (800 + 11000) / 1e6);
    expect(sessionB.total.input_total).toBe(3000);
    expect(sessionB.cache_hit_ratio).toBeCloseTo(0.8, 6);

    const proj = (await server.api<UsageTotals>('GET', `/api/projects/${project.id}/usage`)).body;
    expect(proj.turns).toBeGreaterThanOrEqual(5);
    const sessionA = (await server.api<UsageTotals>('GET', `/api/sessions/${a.session.id}/usage`)).body;
    expect(proj.cost).toBeGreaterThanOrEqual(sessionA.cost! + sessionB.cost! - 1e-12);

    // The board's figures for every session at once agree with the session's own totals.
    const stats = (await server.api<SessionStatsList>('GET', '/api/sessions/stats')).body.items;
    const statsB = stats.find((s) => s.session_id === b.session.id)!;
    expect(statsB).toMatchObject({ diff: null, turns: 3, unpriced_turns: 1, unreported_turns: 0 });
    close(statsB.cost, sessionB.cost!);
    close(stats.find((s) => s.session_id === a.session.id)!.cost, sessionA.cost!);

    expect((await server.api('GET', `/api/sessions/00000000-0000-4000-8000-000000000000/usage`)).status).toBe(404);
    expect((await server.api('GET', `/api/projects/not-an-id/usage`)).status).toBe(404);
    expect((await server.api('GET', `/api/chats/00000000-0000-4000-8000-000000000000/model-calls`)).status).toBe(404);
  });
});

const long = (turn: number) => `step ${turn}: ` + 'alpha beta gamma delta '.repeat(200);
const wire = (r: RecordedRequest): string[] => (r.body as { messages: unknown[] }).messages.map((m) => JSON.stringify(m));

describe('compaction', () => {
  it('summarises the oldest turns near the threshold with the model, keeps the newest verbatim, and goes on', async () => {
    const { chat } = await newChat();
    const start = llm.requests.length;
    llm.push({ match: { lastUserIncludes: SUMMARY_ASK }, text: 'SUMMARY OF THE EARLY TURNS', usage: USAGE });
    let compactedAt = 0;
    for (let turn = 1; turn <= 8 && !compactedAt; turn++) {
      const before = llm.requests.length;
      await say(chat, long(turn));
      if (llm.requests.slice(before).some((r) => JSON.stringify(r.messages).includes(SUMMARY_ASK))) compactedAt = turn;
    }
    expect(compactedAt, 'a compaction happened').toBeGreaterThan(1);
    const turnRequests = llm.requests.slice(start);
    const summaryIdx = turnRequests.findIndex((r) => JSON.stringify(r.messages).includes(SUMMARY_ASK));
    const ask = turnRequests[summaryIdx]!;
    const main = turnRequests[summaryIdx + 1]!;
    // The summary request replays the old turns exactly as the last request did: its prefix is cached.
    const prev = wire(turnRequests[summaryIdx - 1]!);
    expect(wire(ask).slice(0, 2)).toEqual(prev.slice(0, 2));
    expect(JSON.stringify(ask.tools)).toBe(JSON.stringify(main.tools));
    // The turn goes on with system prompt, the summary, the newest turns verbatim and this turn's input.
    expect(main.messages[0]!.role).toBe('system');
    expect(main.messages[0]!.content).toBe(ask.messages[0]!.content);
    expect(String(main.messages[1]!.content)).toContain('SUMMARY OF THE EARLY TURNS');
    expect(JSON.stringify(main.messages)).not.toContain('step 1:');
    expect(JSON.stringify(main.messages)).toContain(`step ${compactedAt - 1}:`);

    const msg = await lastAssistant(chat);
    const notices = msg.metadata.notices as { title: string; description?: string }[];
    expect(notices.map((n) => n.title)).toContain('Context compacted');

    // The next turn replays the stored summary: its request extends the compacted one.
    await say(chat, 'and then?');
    const next = llm.requests.at(-1)!;
    expect(wire(next).slice(0, wire(main).length)).toEqual(wire(main));

    const calls = (await server.api<ModelCallList>('GET', `/api/chats/${chat.id}/model-calls`)).body.items;
    expect(calls.filter((c) => c.kind === 'compaction').map((c) => c.turn_number)).toEqual([compactedAt]);
  });

  it('compacts on /compact, with the user\'s instructions, and later turns start from the summary', async () => {
    const { chat } = await newChat();
    await say(chat, 'first thing');
    await say(chat, 'second thing');
    llm.push({ match: { lastUserIncludes: SUMMARY_ASK }, text: 'USER-ASKED SUMMARY', usage: USAGE });
    await say(chat, '/compact keep the file names');
    const ask = llm.requests.at(-1)!;
    expect(String(ask.messages.at(-1)!.content)).toContain('The user adds: keep the file names');
    const msg = await lastAssistant(chat);
    expect(msg.content).toMatch(/^Compacted the conversation/);

    await say(chat, 'third thing');
    const next = llm.requests.at(-1)!;
    expect(next.messages.map((m) => m.role)).toEqual(['system', 'user', 'user']);
    expect(String(next.messages[1]!.content)).toContain('USER-ASKED SUMMARY');
    expect(String(next.messages[1]!.content)).toContain('turns 1 to 3');
    expect(next.messages[2]!.content).toBe('third thing');
  });

  it('answers /compact in a chat with nothing to compact without calling the model', async () => {
    const { chat } = await newChat();
    const before = llm.requests.length;
    await say(chat, '/compact');
    expect(llm.requests.length).toBe(before);
    expect((await lastAssistant(chat)).content).toMatch(/Nothing to compact yet/);
  });

  it("lists each session's pending change size beside its cost, and a session without turns as unknown", async () => {
    const c = await newChat();
    const idle = await newChat();
    llm.push({ match: { lastUserIncludes: 'write it' }, toolCalls: [{ id: 'w1', name: 'write_file', arguments: { path: 'b.txt', content: 'one\ntwo\n' } }], usage: USAGE });
    await say(c.chat, 'write it');
    const stats = (await server.api<SessionStatsList>('GET', '/api/sessions/stats')).body.items;
    expect(stats.find((s) => s.session_id === c.session.id)).toMatchObject({ diff: { files: 1, additions: 2, deletions: 0 }, turns: 1, unpriced_turns: 0 });
    expect(stats.find((s) => s.session_id === idle.session.id)).toEqual({ session_id: idle.session.id, diff: null, turns: 0, cost: null, unpriced_turns: 0, unreported_turns: 0 });
    // Newest session first, like the session list.
    expect(stats.findIndex((s) => s.session_id === idle.session.id)).toBeLessThan(stats.findIndex((s) => s.session_id === c.session.id));
  });
});
