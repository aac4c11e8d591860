import { z } from 'zod';

/**
 * The parts of an OpenAI chat-completions request the fake LLM understands. Objects are loose so
 * that fields we do not model still reach `RecordedRequest.body` for assertions.
 */

const ContentPart = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  image_url: z.union([z.string(), z.looseObject({ url: z.string() })]).optional(),
});
export type ChatContentPart = z.infer<typeof ContentPart>;

export const ChatMessage = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  reasoning_content: z.string().nullish(),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string(),
        type: z.string().optional(),
        function: z.looseObject({ name: z.string(), arguments: z.string() }),
      }),
    )
    .optional(),
  tool_call_id: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

const ChatTool = z.looseObject({
  type: z.string(),
  function: z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.unknown().optional(),
  }),
});

export const ChatCompletionRequest = z.looseObject({
  model: z.string(),
  messages: z.array(ChatMessage),
  stream: z.boolean().nullish(),
  tools: z.array(ChatTool).nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export interface RecordedTool {
  name: string;
  description?: string;
  parameters?: unknown;
}

export interface RecordedImage {
  /** `data:` URL or remote URL as sent. */
  url: string;
}

/** Everything a test may want to assert about one request, plus timing for benchmarks. */
export interface RecordedRequest {
  /** 0-based order of arrival. */
  index: number;
  path: string;
  model: string;
  stream: boolean;
  messages: ChatMessage[];
  tools: RecordedTool[];
  /** Image parts of all messages, in order. */
  images: RecordedImage[];
  /** Text of the last user message (text parts joined). */
  lastUserText: string;
  /** The whole parsed JSON body. */
  body: unknown;
  /** Which scripted turn answered: its 0-based position in the script, 'fallback', or null (none). */
  servedBy: number | 'fallback' | null;
  /** Milliseconds from request arrival to the end of the response (includes scripted delays). */
  serverMs: number | null;
  /** Milliseconds the script told the server to wait while answering this request. */
  scriptedDelayMs: number;
}

export function messageText(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (!m.content) return '';
  return m.content
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join('');
}

/**
 * opencode's request for a session title: its title agent's system prompt ("You are a title
 * generator...", opencode-ai 1.18), no tools, the first prompt as the conversation.
 */
export function isTitleRequest(messages: ChatMessage[]): boolean {
  return messages.some((m) => m.role === 'system' && messageText(m).startsWith('You are a title generator'));
}

export function imagesOf(messages: ChatMessage[]): RecordedImage[] {
  const out: RecordedImage[] = [];
  for (const m of messages) {
    if (!Array.isArray(m.content)) continue;
    for (const p of m.content) {
      if (p.type !== 'image_url' || p.image_url === undefined) continue;
      out.push({ url: typeof p.image_url === 'string' ? p.image_url : p.image_url.url });
    }
  }
  return out;
}

export function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user') return messageText(m);
  }
  return '';
}
