import { z } from 'zod';

/**
 * What the fake ACP agent does. A test writes one of these (as JSON, passed by file or env) and
 * runs the agent as a child process; every prompt is answered by the first unused turn whose
 * `match` is a substring of the prompt text (or by `fallback`).
 */

const ToolKind = z.enum(['read', 'edit', 'delete', 'move', 'search', 'execute', 'think', 'fetch', 'switch_mode', 'other']);

/** Steps are strict objects: a misspelt step must fail the script, not match another step. */
export const FakeAcpStep = z.union([
  z.strictObject({ thought: z.string() }),
  z.strictObject({ text: z.string() }),
  /** A message chunk carrying one model call's usage in `_meta.usage`, as qwen-code reports it. */
  z.strictObject({
    text: z.string(),
    metaUsage: z.object({
      inputTokens: z.number().int().nonnegative(),
      outputTokens: z.number().int().nonnegative(),
      cachedReadTokens: z.number().int().nonnegative().optional(),
    }),
  }),
  z.strictObject({
    plan: z.array(
      z.object({
        content: z.string(),
        status: z.enum(['pending', 'in_progress', 'completed']),
        priority: z.enum(['high', 'medium', 'low']).default('medium'),
      }),
    ),
  }),
  z.strictObject({
    tool: z.object({
      id: z.string(),
      title: z.string(),
      kind: ToolKind.default('other'),
      name: z.string().optional(),
      input: z.record(z.string(), z.unknown()).default({}),
      /**
       * Announce the call with `rawInput: {}` and send the input in the next `tool_call_update`,
       * as claude-agent-acp, qwen-code and `opencode acp` do.
       */
      inputLater: z.boolean().default(false),
      /** Ask the client first; a rejection fails the tool, a cancellation ends the turn. */
      permission: z.boolean().default(false),
      /** Read this file through the client's `fs/read_text_file`; its content becomes the output. */
      readFile: z.string().optional(),
      /** Write through the client's `fs/write_text_file`. */
      writeFile: z.object({ path: z.string(), content: z.string() }).optional(),
      /** Call this tool of the first MCP server the client gave the session; its text becomes the output. */
      mcpTool: z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()).default({}) }).optional(),
      output: z.string().optional(),
      /** Runs this long once started, saying nothing meanwhile (a long build); a cancel ends it early. */
      runMs: z.number().int().nonnegative().optional(),
      /** Fail the tool with this message. */
      fail: z.string().optional(),
    }),
  }),
  /** Waits, but wakes early on `session/cancel`. */
  z.strictObject({ delayMs: z.number().int().nonnegative() }),
  /** Blocks until `session/cancel`, then ends the turn as cancelled. */
  z.strictObject({ waitForCancel: z.literal(true) }),
  /** Exits the process mid-turn with this code. */
  z.strictObject({ crash: z.number().int() }),
  /** Stops mid-turn for good, deaf to `session/cancel`: a stuck agent, which only killing ends. */
  z.strictObject({ hang: z.literal(true) }),
  /** Closes its output (stdout) mid-turn and then hangs, still running: the connection is gone but not the process. */
  z.strictObject({ closeOutput: z.literal(true) }),
  z.strictObject({ mode: z.string() }),
  z.strictObject({ notice: z.object({ severity: z.string().default('info'), title: z.string(), description: z.string().optional() }) }),
  z.strictObject({ title: z.string() }),
  z.strictObject({ context: z.object({ used: z.number(), size: z.number(), cost: z.number().optional() }) }),
]);
export type FakeAcpStep = z.input<typeof FakeAcpStep>;

export const FakeAcpTurn = z.object({
  match: z.string().optional(),
  steps: z.array(FakeAcpStep).default([]),
  stopReason: z.enum(['end_turn', 'max_tokens', 'max_turn_requests', 'refusal']).default('end_turn'),
  usage: z
    .object({
      inputTokens: z.number().int().nonnegative(),
      outputTokens: z.number().int().nonnegative(),
      cachedReadTokens: z.number().int().nonnegative().optional(),
      cachedWriteTokens: z.number().int().nonnegative().optional(),
      thoughtTokens: z.number().int().nonnegative().optional(),
      /** Default: input + output (OpenAI style, where those include cache and thought tokens). */
      totalTokens: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** Gemini-cli's shape: no `usage`, but `_meta.quota.token_count` on the prompt response. */
  quota: z.object({ input_tokens: z.number().int().nonnegative(), output_tokens: z.number().int().nonnegative() }).optional(),
  /** Answer the prompt with this JSON-RPC error instead. */
  error: z.object({ code: z.number().int(), message: z.string() }).optional(),
});
export type FakeAcpTurn = z.input<typeof FakeAcpTurn>;

export const FakeAcpScript = z.object({
  name: z.string().default('fake-acp'),
  version: z.string().default('0.0.1'),
  capabilities: z
    .object({
      loadSession: z.boolean().default(true),
      resume: z.boolean().default(false),
      image: z.boolean().default(true),
    })
    .default({ loadSession: true, resume: false, image: true }),
  models: z.array(z.string()).default(['fake/alpha', 'fake/beta']),
  /** Mode ids as qwen-code advertises them; claude-agent-acp's are `default|acceptEdits|bypassPermissions|plan`. */
  modes: z.array(z.string()).default(['default', 'auto-edit', 'yolo', 'plan']),
  /**
   * Advertised modes the agent refuses to switch to, with its reason: `session/set_mode` (or the
   * mode config option) is answered with an error, as gemini-cli refuses `autoEdit` and `yolo` in
   * a folder it does not trust.
   */
  refuseModes: z.record(z.string(), z.string()).default({}),
  commands: z.array(z.object({ name: z.string(), description: z.string().default('') })).default([]),
  /** Sessions live in this JSON file, so a restarted agent can load or resume them. */
  stateFile: z.string().optional(),
  /** Each request the agent receives is appended here as one JSON line (method + params). */
  logFile: z.string().optional(),
  turns: z.array(FakeAcpTurn).default([]),
  fallback: FakeAcpTurn.optional(),
});
export type FakeAcpScript = z.input<typeof FakeAcpScript>;
export type ParsedFakeAcpScript = z.output<typeof FakeAcpScript>;
