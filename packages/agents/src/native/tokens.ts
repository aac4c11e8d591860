import { z } from 'zod';
import { NATIVE_TOOLS } from './tools/index.js';

/**
 * Token counts of prompt parts, for the cache shape of each request and for the compaction
 * threshold. gpt-tokenizer is pure JavaScript with its encodings bundled (nothing is downloaded):
 * OpenAI models are counted with their own encoding; other families (DeepSeek, Anthropic, local
 * models) publish no JavaScript tokenizer, so they are counted with o200k_base, which lands within
 * a few percent of their own counts on code and English.
 */

type Encoder = (text: string) => number;

export interface Tokenizer {
  /** The encoding's name, recorded with every count. */
  name: string;
  count: Encoder;
}

const loaded = new Map<string, Promise<Tokenizer>>();

async function load(encoding: 'o200k_base' | 'cl100k_base'): Promise<Tokenizer> {
  // Loaded on first use: the encodings are a few megabytes each, and only the native agent needs them.
  const mod = encoding === 'cl100k_base' ? await import('gpt-tokenizer/encoding/cl100k_base') : await import('gpt-tokenizer/encoding/o200k_base');
  // The first count builds the encoder's tables: done here too, so it happens wherever the load does.
  mod.countTokens(encoding);
  return { name: encoding, count: (text) => (text ? mod.countTokens(text) : 0) };
}

/** The tokenizer for a model id: cl100k_base for GPT-4 and GPT-3.5, o200k_base for everything else. */
export function tokenizerFor(modelId: string): Promise<Tokenizer> {
  const id = modelId.toLowerCase().split('/').pop() ?? '';
  const encoding = /^gpt-(4(?!o|\.1)|3\.5)/.test(id) ? 'cl100k_base' : 'o200k_base';
  let t = loaded.get(encoding);
  if (!t) {
    t = load(encoding);
    loaded.set(encoding, t);
  }
  return t;
}

/** What a message costs in tokens: its text parts, tool calls and results as the provider receives them. */
export function messageText(message: { content: unknown }): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => {
      if (typeof part !== 'object' || part === null) return '';
      const p = part as Record<string, unknown>;
      if (typeof p.text === 'string') return p.text;
      if (p.type === 'tool-call') return `${String(p.toolName)}${JSON.stringify(p.input ?? {})}`;
      if (p.type === 'tool-result') return JSON.stringify(p.output ?? '');
      // Images are priced by the provider per tile, not per token of their base64 text.
      return '';
    })
    .join('\n');
}

/** Counts messages, remembering each message object's count: a turn's steps resend the same messages. */
export class MessageCounter {
  private readonly seen = new WeakMap<object, number>();
  constructor(readonly tokenizer: Tokenizer) {}

  count(messages: readonly { content: unknown }[]): number {
    let total = 0;
    for (const m of messages) {
      let n = this.seen.get(m);
      if (n === undefined) {
        n = this.tokenizer.count(messageText(m)) + 4; // role and separators
        this.seen.set(m, n);
      }
      total += n;
    }
    return total;
  }
}

const toolSchemaTokens = new Map<string, number>();

/** The tool schemas as the provider receives them (name, description, JSON schema), counted once per tokenizer. */
export function toolTokens(tokenizer: Tokenizer): number {
  let n = toolSchemaTokens.get(tokenizer.name);
  if (n === undefined) {
    const text = NATIVE_TOOLS.map((t) => JSON.stringify({ name: t.name, description: t.description, parameters: z.toJSONSchema(t.inputSchema) })).join('\n');
    n = tokenizer.count(text);
    toolSchemaTokens.set(tokenizer.name, n);
  }
  return n;
}
