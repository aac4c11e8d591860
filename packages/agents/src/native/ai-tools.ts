import { tool, zodSchema, type ToolSet } from 'ai';
import { NATIVE_TOOLS, runTool, type ToolContext, type ToolOutcome } from './tools/index.js';
import { SUBAGENT_TOOLS } from './tools/subagent-tools.js';

/**
 * Each tool's input schema as the AI SDK takes it, built once: the SDK turns a zod schema into JSON
 * Schema again for every model call, which was the largest share of a step's own time.
 */
const SDK_TOOLS = NATIVE_TOOLS.map((t) => ({ t, schema: zodSchema(t.inputSchema) }));
const SDK_SUBAGENT_TOOLS = SUBAGENT_TOOLS.map((t) => ({ t, schema: zodSchema(t.inputSchema) }));

/**
 * Exposes the native tools to the AI SDK. A tool returns a ToolOutcome; the model receives its
 * text, marked as an error when the tool refused or failed, and the turn reads `ok` for the UI.
 * `recorded`: resolves once the call is on record; a tool starts only then, so a crash cannot
 * leave a call that ran without a trace (the continued turn would not know it had run).
 */
export function toAiTools(ctx: ToolContext, recorded?: (toolCallId: string) => Promise<void>): ToolSet {
  const set: ToolSet = {};
  for (const { t, schema } of ctx.subagents ? [...SDK_TOOLS, ...SDK_SUBAGENT_TOOLS] : SDK_TOOLS) {
    set[t.name] = tool<unknown, ToolOutcome>({
      description: t.description,
      inputSchema: schema,
      execute: async (input, { abortSignal, toolCallId }) => {
        await recorded?.(toolCallId);
        return runTool(t, input, { ...ctx, signal: abortSignal ?? ctx.signal, toolCallId });
      },
      toModelOutput: ({ output }) =>
        output.ok ? { type: 'text', value: output.output } : { type: 'error-text', value: output.error },
    });
  }
  return set;
}

export function isToolOutcome(v: unknown): v is ToolOutcome {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { ok?: unknown; output?: unknown; error?: unknown };
  return (o.ok === true && typeof o.output === 'string') || (o.ok === false && typeof o.error === 'string');
}
