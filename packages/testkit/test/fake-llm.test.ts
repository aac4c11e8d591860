import { afterEach, describe, expect, it } from 'vitest';
import { isTitleRequest, startFakeLlm, type FakeLlm } from '@boocode/testkit';

/** Reads an SSE body into its `data:` payloads (parsed JSON, or the raw string for `[DONE]`). */
async function sse(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => b.startsWith('data: '))
    .map((b) => b.slice(6))
    .map((d) => (d === '[DONE]' ? d : (JSON.parse(d) as unknown)));
}

function post(llm: FakeLlm, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
  return fetch(`${llm.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], ...body }),
    signal,
  });
}

type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: Record<string, unknown> };

let llm: FakeLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

describe('fake LLM server', () => {
  it('lists its models', async () => {
    llm = await startFakeLlm({ models: ['a', 'b'] });
    expect(llm.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${llm.url}/models`);
    const body = (await res.json()) as { data: { id: string }[] };
    expect(body.data.map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('streams reasoning, text, two tool calls and OpenAI-style usage in order', async () => {
    llm = await startFakeLlm({
      script: [
        {
          reasoning: ['think'],
          text: ['Hel', 'lo'],
          toolCalls: [
            { id: 'c1', name: 'read_file', arguments: { path: 'a.txt' } },
            { name: 'list_dir', arguments: '{"path":"."}' },
          ],
          usage: { prompt_tokens: 100, completion_tokens: 7, cached_tokens: 60, reasoning_tokens: 3 },
        },
      ],
    });
    const events = await sse(await post(llm, { stream: true }));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Chunk[];
    const deltas = chunks.flatMap((c) => c.choices.map((ch) => ch.delta));
    expect(deltas.filter((d) => d.reasoning_content).map((d) => d.reasoning_content)).toEqual(['think']);
    expect(deltas.filter((d) => d.content).map((d) => d.content)).toEqual(['Hel', 'lo']);
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    for (const d of deltas) {
      for (const tc of (d.tool_calls ?? []) as { index: number; id?: string; function: { name?: string; arguments?: string } }[]) {
        const cur = calls.get(tc.index) ?? { args: '' };
        calls.set(tc.index, {
          id: tc.id ?? cur.id,
          name: tc.function.name ?? cur.name,
          args: cur.args + (tc.function.arguments ?? ''),
        });
      }
    }
    expect([...calls.values()]).toEqual([
      { id: 'c1', name: 'read_file', args: '{"path":"a.txt"}' },
      { id: 'call_0_1', name: 'list_dir', args: '{"path":"."}' },
    ]);
    expect(chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 7,
      total_tokens: 107,
      prompt_tokens_details: { cached_tokens: 60 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });

  it('answers without streaming, with DeepSeek-style usage', async () => {
    llm = await startFakeLlm({
      script: [{ text: 'whole', reasoning: 'why', usage: { style: 'deepseek', prompt_tokens: 10, completion_tokens: 2, cached_tokens: 4 } }],
    });
    const res = await post(llm, { stream: false });
    const body = (await res.json()) as { choices: { message: Record<string, unknown> }[]; usage: Record<string, unknown> };
    expect(body.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'whole', reasoning_content: 'why' });
    expect(body.usage).toMatchObject({ prompt_cache_hit_tokens: 4, prompt_cache_miss_tokens: 6 });
    expect(body.usage.prompt_tokens_details).toBeUndefined();
    expect(llm.requests[0]?.stream).toBe(false);
  });

  it('returns scripted HTTP errors with an OpenAI error body', async () => {
    llm = await startFakeLlm({ script: [{ error: { status: 429, headers: { 'retry-after': '1' } } }, { error: { status: 500 } }] });
    const r1 = await post(llm, { stream: true });
    expect(r1.status).toBe(429);
    expect(r1.headers.get('retry-after')).toBe('1');
    expect(((await r1.json()) as { error: { type: string } }).error.type).toBe('rate_limit_exceeded');
    const r2 = await post(llm, {});
    expect(r2.status).toBe(500);
  });

  it('breaks the socket after N chunks', async () => {
    llm = await startFakeLlm({ script: [{ text: ['a', 'b', 'c', 'd'], breakAfter: 2 }] });
    const res = await post(llm, { stream: true });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('breaks or stalls a non-streamed answer when told to at chunk 0', async () => {
    llm = await startFakeLlm({ script: [{ text: 'x', breakAfter: 0 }, { text: 'y', stallAfter: 0 }] });
    await expect(post(llm, {})).rejects.toThrow();
    const ac = new AbortController();
    const pending = post(llm, {}, ac.signal);
    // Abort only once the server holds the stalled request.
    while (llm.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await expect(pending).rejects.toThrow();
    expect(llm.requests.map((r) => r.servedBy)).toEqual([0, 1]);
  });

  it('stalls after N chunks while keeping the connection open', async () => {
    llm = await startFakeLlm({ script: [{ text: ['a', 'b', 'c'], stallAfter: 2 }] });
    const ac = new AbortController();
    const res = await post(llm, { stream: true }, ac.signal);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let got = '';
    while ((got.match(/data: /g) ?? []).length < 2) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      got += decoder.decode(value);
    }
    // Nothing more arrives: a further read only settles because we abort it.
    const next = reader.read();
    setTimeout(() => ac.abort(), 150);
    await expect(next).rejects.toThrow();
    expect(got).toContain('"role":"assistant"');
    expect(got).not.toContain('[DONE]');
  });

  it('serves turns by match, falls back when nothing matches, and fails loudly without a fallback', async () => {
    llm = await startFakeLlm({
      script: [
        { match: { hasTools: true }, text: 'main answer' },
        { match: { lastUserIncludes: 'title' }, text: 'A title' },
      ],
    });
    const tools = [{ type: 'function', function: { name: 't', parameters: { type: 'object' } } }];
    const noMatch = await post(llm, { messages: [{ role: 'user', content: 'other' }] });
    expect(noMatch.status).toBe(500);
    expect(await noMatch.text()).toContain('no scripted turn');
    const title = await post(llm, { messages: [{ role: 'user', content: 'make a title please' }] });
    expect(((await title.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('A title');
    const main = await post(llm, { tools });
    expect(((await main.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('main answer');
    expect(llm.requests.map((r) => r.servedBy)).toEqual([null, 1, 0]);
    expect(llm.remaining()).toBe(0);

    llm.push({ text: 'pushed' });
    await llm.close();
    llm = await startFakeLlm({ fallback: { text: 'fallback text' } });
    const fb = await post(llm, {});
    expect(((await fb.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('fallback text');
    expect(llm.requests[0]?.servedBy).toBe('fallback');
  });

  it("recognises opencode's title request by its system prompt, whatever the conversation says", async () => {
    llm = await startFakeLlm({
      script: [
        { match: { titleRequest: false, lastUserIncludes: 'postgres' }, text: 'Main answer' },
        { match: { titleRequest: true }, text: 'Postgres API connection' },
      ],
    });
    const conversation = [{ role: 'user', content: 'how do I connect postgres to my API' }];
    const title = await post(llm, {
      messages: [
        { role: 'system', content: 'You are a title generator. You output ONLY a thread title. Nothing else.' },
        { role: 'user', content: 'Generate a title for this conversation:\n' },
        ...conversation,
      ],
    });
    expect(((await title.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('Postgres API connection');
    // A system prompt that merely mentions titles is not the title request.
    const main = await post(llm, { messages: [{ role: 'system', content: 'You are opencode. Titles: keep them short.' }, ...conversation] });
    expect(((await main.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('Main answer');
    expect(llm.requests.map((r) => [r.servedBy, isTitleRequest(r.messages)])).toEqual([[1, true], [0, false]]);
  });

  it('records messages, tools, image parts and timing', async () => {
    llm = await startFakeLlm({ script: [{ text: ['x', 'y'], chunkDelayMs: 5 }] });
    await (
      await post(llm, {
        stream: true,
        tools: [{ type: 'function', function: { name: 'read_file', description: 'reads', parameters: { type: 'object' } } }],
        messages: [
          { role: 'system', content: 'sys' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look at ' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
              { type: 'text', text: 'this' },
            ],
          },
        ],
      })
    ).text();
    const r = llm.requests[0]!;
    expect(r.model).toBe('fake-model');
    expect(r.stream).toBe(true);
    expect(r.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(r.lastUserText).toBe('look at this');
    expect(r.images).toEqual([{ url: 'data:image/png;base64,AAAA' }]);
    expect(r.tools).toEqual([{ name: 'read_file', description: 'reads', parameters: { type: 'object' } }]);
    // 4 chunks (role, x, y, finish; no usage scripted), each preceded by the scripted 5 ms delay.
    expect(r.scriptedDelayMs).toBe(20);
    expect(r.serverMs).toBeGreaterThanOrEqual(r.scriptedDelayMs - 1);
  });

  it('rejects a malformed request and an invalid script', async () => {
    llm = await startFakeLlm();
    const res = await fetch(`${llm.url}/chat/completions`, { method: 'POST', body: '{"messages": 3}' });
    expect(res.status).toBe(400);
    expect(() => llm!.push({ text: 5 } as never)).toThrow();
    await expect(startFakeLlm({ script: [{ chunkDelayMs: -1 }] })).rejects.toThrow();
  });
});

describe('fake LLM server, Gemini API', () => {
  const gemini = (l: FakeLlm, method: string, body: unknown) =>
    fetch(`${l.geminiUrl}/v1beta/models/gemini-2.5-pro:${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers the same scripts as Gemini chunks and records the request in the chat shape', async () => {
    llm = await startFakeLlm();
    llm.push({ match: { hasTools: true, lastUserIncludes: 'read it' }, text: ['Read', 'ing.'], toolCalls: [{ id: 'c1', name: 'read_file', arguments: { file_path: 'a.txt' } }], usage: { prompt_tokens: 50, completion_tokens: 4, cached_tokens: 10 } });
    const res = await gemini(llm, 'streamGenerateContent?alt=sse', {
      systemInstruction: { parts: [{ text: 'be brief' }] },
      contents: [
        { role: 'user', parts: [{ text: 'earlier' }] },
        { role: 'model', parts: [{ functionCall: { name: 'ls', args: { dir: '.' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'ls', response: { output: 'a.txt' } } }] },
        { role: 'user', parts: [{ text: 'now read it' }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'read_file', description: 'reads', parametersJsonSchema: { type: 'object' } }] }],
    });
    expect(res.status).toBe(200);
    const chunks = (await sse(res)) as { candidates: { content: { parts: Record<string, unknown>[] }; finishReason?: string }[]; usageMetadata?: Record<string, unknown> }[];
    expect(chunks.flatMap((c) => c.candidates[0]!.content.parts)).toEqual([
      { text: 'Read' },
      { text: 'ing.' },
      { functionCall: { id: 'c1', name: 'read_file', args: { file_path: 'a.txt' } } },
      { text: '' },
    ]);
    expect(chunks.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 50, candidatesTokenCount: 4, cachedContentTokenCount: 10 } });
    const [recorded] = llm.requests;
    expect(recorded).toMatchObject({ model: 'gemini-2.5-pro', stream: true, lastUserText: 'now read it', servedBy: 0 });
    expect(recorded!.tools.map((t) => t.name)).toEqual(['read_file']);
    expect(recorded!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
  });

  it('answers a bad request with a 400 and a scripted error in Gemini shape', async () => {
    llm = await startFakeLlm({ script: [{ error: { status: 429 } }] });
    expect((await gemini(llm, 'generateContent', { contents: 'nope' })).status).toBe(400);
    const res = await gemini(llm, 'generateContent', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
  });
});
