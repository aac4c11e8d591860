import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, Message, MessagePage, ModelCallList, PostMessageResponse, Project, Task } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm, type RecordedRequest } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/**
 * One turn whose tool results outgrow a small context window while it runs: it compacts in the
 * middle (the model summarises the oldest part, the newest step stays) and goes on.
 */

const SUMMARY_ASK = 'about to be replaced by your summary';
/** A file of about 1,600 tokens: two of them and the fixed prefix pass 55 % of an 8,192-token window. */
const chunk = (tag: string) => Array.from({ length: 5 }, (_, i) => `${tag} line ${i}: ` + 'alpha beta gamma delta '.repeat(80)).join('\n') + '\n';

let llm: FakeLlm;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'ok' }, prefixCache: true });
  const home = homeWithConfig({
    native: { contextWindow: 8192, compactAt: 0.55 },
  });
  server = await startTestServer({
    home,
    env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'deepseek-chat', BOOCODE_NATIVE_API_KEY: 'k' },
    writeIntervalMs: 50,
  });
  const huge = Array.from({ length: 40 }, (_, i) => `huge ${i}: ` + 'alpha beta gamma delta '.repeat(80)).join('\n') + '\n';
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'one.txt': chunk('one'), 'two.txt': chunk('two'), 'huge.txt': huge }) })).body;
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

const newChat = async (): Promise<Chat> => (await newSession(server, project, {})).chat;
const say = async (chat: Chat, content: string): Promise<Task> => waitTask(server, (await post(server, chat.id, content)).id);

const lastAssistant = async (chat: Chat): Promise<Message> =>
  (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages?limit=200`)).body.items.filter((m) => m.role === 'assistant').at(-1)!;
const wire = (r: RecordedRequest): string[] => (r.body as { messages: unknown[] }).messages.map((m) => JSON.stringify(m));
const read = (id: string, file: string) => ({ id, name: 'read_file', arguments: { path: file } });

describe('compaction within a turn', () => {
  it('compacts when the next request would pass the threshold, keeps the prefix and the newest step, and the turn and the chat go on', async () => {
    const chat = await newChat();
    const prompt = 'read both files';
    const start = llm.requests.length;
    llm.push(
      { match: { lastUserIncludes: prompt }, toolCalls: [read('r_one', 'one.txt')] },
      { match: { lastUserIncludes: prompt }, toolCalls: [read('r_two', 'two.txt')] },
      { match: { lastUserIncludes: SUMMARY_ASK }, text: 'SUMMARY: the user asked to read both files; one.txt is read.' },
      { match: { lastUserIncludes: 'SUMMARY: the user asked' }, text: 'Both files are read.' },
    );
    const task = await say(chat, prompt);
    expect(task.status, task.error ?? '').toBe('completed');

    const [first, second, ask, after, ...rest] = llm.requests.slice(start);
    expect(rest).toHaveLength(0);
    // The summary request replays the part it replaces exactly as the last request sent it (a cache
    // hit), then asks; the newest step is not in it.
    expect(wire(ask!).slice(0, -1)).toEqual(wire(second!));
    expect(String(ask!.messages.at(-1)!.content)).toContain(SUMMARY_ASK);
    expect(JSON.stringify(ask!.tools)).toBe(JSON.stringify(first!.tools));
    // After it: the same system prompt and tools, the summary, then the newest step verbatim (call and result).
    expect(JSON.stringify(after!.tools)).toBe(JSON.stringify(first!.tools));
    expect(after!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(after!.messages[0]!.content).toBe(first!.messages[0]!.content);
    expect(String(after!.messages[1]!.content)).toContain('SUMMARY: the user asked to read both files');
    expect(after!.messages[2]!.tool_calls?.map((c) => c.id)).toEqual(['r_two']);
    expect(after!.messages[3]!.tool_call_id).toBe('r_two');
    expect(String(after!.messages[3]!.content)).toContain('two line 4');
    expect(JSON.stringify(after!.messages)).not.toContain('r_one');

    // The prompt's stable prefix (tool schemas, system prompt) is still a cache hit.
    const calls = (await server.api<ModelCallList>('GET', `/api/chats/${chat.id}/model-calls`)).body.items;
    expect(calls.map((c) => [c.step, c.kind])).toEqual([
      [1, 'step'],
      [2, 'step'],
      [3, 'compaction'],
      [4, 'step'],
    ]);
    const afterCall = calls[3]!;
    const hit = afterCall.usage.cache_read / afterCall.usage.input_total;
    console.log(`request after the compaction: ${afterCall.usage.cache_read} of ${afterCall.usage.input_total} prompt tokens cached (${(hit * 100).toFixed(1)} %)`);
    expect(afterCall.usage.cache_read).toBeGreaterThan(0);
    const summaryCall = calls[2]!;
    console.log(`summary request: ${summaryCall.usage.cache_read} of ${summaryCall.usage.input_total} cached (${((summaryCall.usage.cache_read / summaryCall.usage.input_total) * 100).toFixed(1)} %)`);

    // The turn shows the compaction the way a compaction between turns is shown.
    const msg = await lastAssistant(chat);
    expect(msg.content).toBe('Both files are read.');
    const notices = msg.metadata.notices as { title: string; description?: string }[];
    expect(notices.find((n) => n.title === 'Context compacted')?.description).toMatch(/newest step .* the turn goes on/);

    // The next turn replays what the model saw after the compaction, and extends it.
    llm.push({ match: { lastUserIncludes: 'and then?' }, text: 'Nothing more.' });
    expect((await say(chat, 'and then?')).status).toBe('completed');
    const next = llm.requests.at(-1)!;
    expect(wire(next).slice(0, wire(after!).length)).toEqual(wire(after!));
    expect(next.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
    const nextCall = (await server.api<ModelCallList>('GET', `/api/chats/${chat.id}/model-calls`)).body.items.at(-1)!;
    console.log(`next turn: ${nextCall.usage.cache_read} of ${nextCall.usage.input_total} cached (${((nextCall.usage.cache_read / nextCall.usage.input_total) * 100).toFixed(1)} %)`);
    expect(nextCall.usage.cache_read / nextCall.usage.input_total).toBeGreaterThan(0.9);
  });

  /** A turn that compacts after reading both files, then fails on the request after the summary. */
  async function failAfterCompacting(chat: Chat, prompt: string, summary: string): Promise<Task> {
    llm.push(
      { match: { lastUserIncludes: prompt }, toolCalls: [read('r_one', 'one.txt')] },
      { match: { lastUserIncludes: prompt }, text: 'Now the second. ', toolCalls: [read('r_two', 'two.txt')] },
      { match: { lastUserIncludes: SUMMARY_ASK }, text: summary },
      // 400: not retried, the turn fails at once.
      { match: { lastUserIncludes: summary }, error: { status: 400 } },
    );
    const task = await say(chat, prompt);
    expect(task.status).toBe('failed');
    return task;
  }
  /** How many of the request's messages are exactly `text`, and how many hold it. */
  const occurrences = (r: RecordedRequest, text: string) => ({
    exact: r.messages.filter((m) => m.content === text).length,
    holding: r.messages.filter((m) => typeof m.content === 'string' && m.content.includes(text)).length,
  });
  const recover = async (task: Task, action: 'retry' | 'continue'): Promise<Task> =>
    waitTask(server, (await server.api<PostMessageResponse>('POST', `/api/tasks/${task.id}/recover`, { action })).body.task.id);

  it('a turn that failed after compacting: the next turn has its prompt once, in the summary, not again after it', async () => {
    const chat = await newChat();
    const prompt = 'failing compaction: read both files';
    const summary = 'SUMMARY OF THE FAILED TURN: the user asked to read both files; one.txt is read.';
    await failAfterCompacting(chat, prompt, summary);

    llm.push({ match: { lastUserIncludes: 'what went wrong?' }, text: 'The provider failed.' });
    expect((await say(chat, 'what went wrong?')).status).toBe('completed');
    const next = llm.requests.at(-1)!;
    // System prompt, the summary (which stands for the prompt and the first steps), the failed turn's text, the new message.
    expect(next.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(occurrences(next, summary).holding).toBe(1);
    expect(occurrences(next, prompt).exact).toBe(0);
    expect(next.messages[2]!.content).toBe('Now the second. ');
  });

  it('Retry and Continue after a turn that failed after compacting: the earlier prompt is not replayed beside its summary', async () => {
    const chat = await newChat();
    const prompt = 'retried compaction: read both files';
    const summary = 'SUMMARY BEFORE THE RETRY: the user asked to read both files; one.txt is read.';
    const failed = await failAfterCompacting(chat, prompt, summary);

    // Retry sends the prompt again as a new message: it is there once, after the summary.
    llm.push({ match: { lastUserIncludes: prompt }, text: 'Retried.' });
    expect((await recover(failed, 'retry')).status).toBe('completed');
    const retried = llm.requests.at(-1)!;
    expect(retried.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(occurrences(retried, prompt).exact).toBe(1);
    expect(retried.messages.at(-1)!.content).toBe(prompt);
    expect(occurrences(retried, summary).holding).toBe(1);

    // Continue after a second such failure (its compaction is now the newest).
    const chat2 = await newChat();
    const prompt2 = 'continued compaction: read both files';
    const summary2 = 'SUMMARY BEFORE CONTINUE: the user asked to read both files; one.txt is read.';
    const failed2 = await failAfterCompacting(chat2, prompt2, summary2);
    llm.push({ match: { lastUserIncludes: 'Your previous answer stopped' }, text: 'Continued.' });
    expect((await recover(failed2, 'continue')).status).toBe('completed');
    const continued = llm.requests.at(-1)!;
    expect(continued.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(occurrences(continued, prompt2).exact).toBe(0);
    expect(occurrences(continued, summary2).holding).toBe(1);
    expect(String(continued.messages.at(-1)!.content)).toContain('Your previous answer stopped');
  });

  it('fails readably when one step alone does not fit the window, without asking for a summary', async () => {
    const chat = await newChat();
    const prompt = 'read the huge file';
    const start = llm.requests.length;
    llm.push({ match: { lastUserIncludes: prompt }, toolCalls: [read('r_huge', 'huge.txt')] });
    const task = await say(chat, prompt);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/more than the model's context window of 8,192 tokens/);
    // One request, then nothing: no summary, no loop.
    expect(llm.requests.slice(start)).toHaveLength(1);
    expect((await lastAssistant(chat)).status).toBe('failed');
  });
});
