import { deltas, type ParsedTurn } from './script.js';

/** Turns a scripted turn into OpenAI wire objects: SSE chunks or one non-streamed completion. */

export interface CompletionIds {
  /** `chatcmpl-...` id shared by every chunk of one response. */
  id: string;
  model: string;
  /** Arrival index of the request, used to make default tool-call ids unique across requests. */
  requestIndex: number;
  created: number;
}

export type Json = Record<string, unknown>;

export function wireUsage(turn: ParsedTurn): Json | undefined {
  if (turn.rawUsage) return turn.rawUsage;
  const u = turn.usage;
  if (!u) return undefined;
  const base: Json = {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.prompt_tokens + u.completion_tokens,
  };
  if (u.reasoning_tokens !== undefined) {
    base.completion_tokens_details = { reasoning_tokens: u.reasoning_tokens };
  }
  if (u.style === 'deepseek') {
    return {
      ...base,
      prompt_cache_hit_tokens: u.cached_tokens,
      prompt_cache_miss_tokens: u.prompt_tokens - u.cached_tokens,
    };
  }
  return { ...base, prompt_tokens_details: { cached_tokens: u.cached_tokens } };
}

function finishReason(turn: ParsedTurn): string {
  return turn.finishReason ?? ((turn.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
}

function toolCallsOf(turn: ParsedTurn, ids: CompletionIds) {
  return (turn.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${ids.requestIndex}_${i}`,
    name: c.name,
    arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
  }));
}

/** The `data:` payloads of a streamed answer, in order, without the final `[DONE]`. */
export function streamChunks(turn: ParsedTurn, ids: CompletionIds): Json[] {
  const chunk = (delta: Json, finish: string | null = null): Json => ({
    id: ids.id,
    object: 'chat.completion.chunk',
    created: ids.created,
    model: ids.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const out: Json[] = [chunk({ role: 'assistant' })];
  for (const r of deltas(turn.reasoning)) out.push(chunk({ reasoning_content: r }));
  for (const t of deltas(turn.text)) out.push(chunk({ content: t }));
  toolCallsOf(turn, ids).forEach((c, index) => {
    // Real providers send the name first and the arguments in pieces; split them so clients
    // that buffer partial JSON are exercised.
    out.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
    const half = Math.ceil(c.arguments.length / 2);
    for (const piece of [c.arguments.slice(0, half), c.arguments.slice(half)]) {
      if (piece) out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  out.push(chunk({}, finishReason(turn)));
  const usage = wireUsage(turn);
  // As OpenAI does with stream_options.include_usage: a last chunk with no choices and the usage.
  if (usage) out.push({ id: ids.id, object: 'chat.completion.chunk', created: ids.created, model: ids.model, choices: [], usage });
  return out;
}

export function completionBody(turn: ParsedTurn, ids: CompletionIds): Json {
  const calls = toolCallsOf(turn, ids);
  const text = deltas(turn.text).join('');
  const reasoning = deltas(turn.reasoning).join('');
  const message: Json = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length) {
    message.tool_calls = calls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  const body: Json = {
    id: ids.id,
    object: 'chat.completion',
    created: ids.created,
    model: ids.model,
    choices: [{ index: 0, message, finish_reason: finishReason(turn) }],
  };
  const usage = wireUsage(turn);
  if (usage) body.usage = usage;
  return body;
}

export function errorBody(turn: ParsedTurn): unknown {
  const status = turn.error?.status ?? 500;
  if (turn.error?.body !== undefined) return turn.error.body;
  return {
    error: {
      message: status === 429 ? 'Rate limit reached (fake-llm)' : `Scripted error ${status} (fake-llm)`,
      type: status === 429 ? 'rate_limit_exceeded' : 'server_error',
      code: status === 429 ? 'rate_limit_exceeded' : null,
    },
  };
}
