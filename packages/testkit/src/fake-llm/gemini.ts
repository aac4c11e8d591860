import { z } from 'zod';
import { deltas, type ParsedTurn } from './script.js';
import type { ChatCompletionRequest, ChatMessage } from './request.js';
import type { Json } from './completion.js';

/**
 * The Gemini API (`/v1beta/models/<model>:generateContent` and `:streamGenerateContent?alt=sse`)
 * as gemini-cli speaks it with `GOOGLE_GEMINI_BASE_URL`. Requests are turned into the chat shape
 * the fake's scripts match and record; answers are the scripted turn in Gemini's wire shape.
 */

const Part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z.looseObject({ name: z.string(), args: z.record(z.string(), z.unknown()).optional(), id: z.string().optional() }).optional(),
  functionResponse: z.looseObject({ name: z.string(), response: z.unknown().optional(), id: z.string().optional() }).optional(),
  inlineData: z.looseObject({ mimeType: z.string(), data: z.string() }).optional(),
});
type Part = z.infer<typeof Part>;

const Content = z.looseObject({ role: z.string().optional(), parts: z.array(Part).default([]) });

export const GeminiRequest = z.looseObject({
  contents: z.array(Content),
  systemInstruction: z.union([Content, z.string()]).optional(),
  tools: z
    .array(
      z.looseObject({
        functionDeclarations: z
          .array(z.looseObject({ name: z.string(), description: z.string().optional(), parameters: z.unknown().optional(), parametersJsonSchema: z.unknown().optional() }))
          .optional(),
      }),
    )
    .optional(),
});

/** `/v1beta/models/<model>:<method>`: the model and whether the answer streams; null for any other path. */
export function geminiRoute(path: string): { model: string; stream: boolean } | null {
  const m = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  return m ? { model: decodeURIComponent(m[1]!), stream: m[2] === 'streamGenerateContent' } : null;
}

const textOf = (parts: Part[]): string => parts.map((p) => (p.thought ? '' : (p.text ?? ''))).join('');

/** The request in the chat shape: roles user/assistant/tool, function calls and responses as tool calls. */
export function chatRequestOf(body: z.infer<typeof GeminiRequest>, model: string, stream: boolean): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = body.systemInstruction;
  if (system !== undefined) messages.push({ role: 'system', content: typeof system === 'string' ? system : textOf(system.parts) });
  for (const c of body.contents) {
    if (c.role === 'model') {
      const calls = c.parts.flatMap((p) => (p.functionCall ? [p.functionCall] : []));
      messages.push({
        role: 'assistant',
        content: textOf(c.parts),
        ...(calls.length ? { tool_calls: calls.map((f) => ({ id: f.id ?? f.name, type: 'function', function: { name: f.name, arguments: JSON.stringify(f.args ?? {}) } })) } : {}),
      });
      continue;
    }
    for (const p of c.parts) {
      if (p.functionResponse) messages.push({ role: 'tool', tool_call_id: p.functionResponse.id ?? p.functionResponse.name, content: JSON.stringify(p.functionResponse.response ?? null) });
    }
    const content = [
      ...c.parts.filter((p) => p.text !== undefined && !p.thought).map((p) => ({ type: 'text', text: p.text })),
      ...c.parts.flatMap((p) => (p.inlineData ? [{ type: 'image_url', image_url: { url: `data:${p.inlineData.mimeType};base64,${p.inlineData.data}` } }] : [])),
    ];
    if (content.length > 0) messages.push({ role: 'user', content });
  }
  const tools = (body.tools ?? []).flatMap((t) =>
    (t.functionDeclarations ?? []).map((f) => ({ type: 'function', function: { name: f.name, description: f.description, parameters: f.parameters ?? f.parametersJsonSchema } })),
  );
  return { model, messages, stream, tools };
}

function usageMetadata(turn: ParsedTurn): Json | undefined {
  if (turn.rawUsage) return turn.rawUsage;
  const u = turn.usage;
  if (!u) return undefined;
  return {
    promptTokenCount: u.prompt_tokens,
    candidatesTokenCount: u.completion_tokens,
    totalTokenCount: u.prompt_tokens + u.completion_tokens + (u.reasoning_tokens ?? 0),
    ...(u.cached_tokens ? { cachedContentTokenCount: u.cached_tokens } : {}),
    ...(u.reasoning_tokens !== undefined ? { thoughtsTokenCount: u.reasoning_tokens } : {}),
  };
}

const FINISH: Record<string, string> = { stop: 'STOP', tool_calls: 'STOP', length: 'MAX_TOKENS', content_filter: 'SAFETY' };

function callParts(turn: ParsedTurn, requestIndex: number): Json[] {
  return (turn.toolCalls ?? []).map((c, i) => ({
    functionCall: { id: c.id ?? `call_${requestIndex}_${i}`, name: c.name, args: typeof c.arguments === 'string' ? (JSON.parse(c.arguments) as unknown) : c.arguments },
  }));
}

const candidate = (parts: Json[], finish?: string): Json => ({ content: { role: 'model', parts }, index: 0, ...(finish ? { finishReason: finish } : {}) });

/** The SSE payloads of a streamed answer: thoughts, text deltas, function calls, then the finish with usage. */
export function geminiChunks(turn: ParsedTurn, requestIndex: number, model: string): Json[] {
  const out: Json[] = [];
  for (const r of deltas(turn.reasoning)) out.push({ candidates: [candidate([{ text: r, thought: true }])], modelVersion: model });
  for (const t of deltas(turn.text)) out.push({ candidates: [candidate([{ text: t }])], modelVersion: model });
  const calls = callParts(turn, requestIndex);
  if (calls.length) out.push({ candidates: [candidate(calls)], modelVersion: model });
  const usage = usageMetadata(turn);
  out.push({ candidates: [candidate([{ text: '' }], FINISH[turn.finishReason ?? 'stop'])], ...(usage ? { usageMetadata: usage } : {}), modelVersion: model });
  return out;
}

/** A non-streamed answer: everything in one candidate. */
export function geminiBody(turn: ParsedTurn, requestIndex: number, model: string): Json {
  const parts: Json[] = [];
  const reasoning = deltas(turn.reasoning).join('');
  if (reasoning) parts.push({ text: reasoning, thought: true });
  const text = deltas(turn.text).join('');
  if (text) parts.push({ text });
  parts.push(...callParts(turn, requestIndex));
  const usage = usageMetadata(turn);
  return { candidates: [candidate(parts, FINISH[turn.finishReason ?? 'stop'])], ...(usage ? { usageMetadata: usage } : {}), modelVersion: model };
}

export function geminiError(turn: ParsedTurn): unknown {
  const status = turn.error?.status ?? 500;
  if (turn.error?.body !== undefined) return turn.error.body;
  return { error: { code: status, message: status === 429 ? 'Resource exhausted (fake-llm)' : `Scripted error ${status} (fake-llm)`, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } };
}
