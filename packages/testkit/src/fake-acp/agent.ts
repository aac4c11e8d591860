import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import * as acp from '@agentclientprotocol/sdk/unstable';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import type { FakeAcpStep, FakeAcpTurn, ParsedFakeAcpScript } from './script.js';

type ParsedTurn = z.output<typeof FakeAcpTurn>;
type ParsedStep = z.output<typeof FakeAcpStep>;
type ToolSpec = Extract<ParsedStep, { tool: unknown }>['tool'];

interface SessionState {
  cwd: string;
  model: string;
  mode: string;
  /** Prompts received, so a test can see that a resumed session kept its history. */
  prompts: string[];
}

const StateFile = z.record(
  z.string(),
  z.object({ cwd: z.string(), model: z.string(), mode: z.string(), prompts: z.array(z.string()) }),
);

/** Thrown inside a turn when the client cancels it. */
class Cancelled extends Error {}

/**
 * A scriptable ACP agent built on the SDK's agent side, speaking ndjson over stdio like any real
 * agent. It supports what BooCode's ACP backend needs to be tested against: sessions that survive
 * a restart (load / resume through a state file), config options for model and mode, prompts with
 * thoughts, text, plans, tool calls with permission requests and client file system access, slow
 * turns that honour `session/cancel`, and crashes.
 */
export function runFakeAcpAgent(
  script: ParsedFakeAcpScript,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = { input: process.stdin, output: process.stdout },
): acp.AgentConnection {
  const sessions = loadState(script.stateFile);
  const used = new Set<ParsedTurn>();
  const cancels = new Map<string, AbortController>();
  /** The MCP servers each session was given, as `session/new`, `load` or `resume` named them. */
  const mcpServers = new Map<string, acp.McpServer[]>();
  let clientCaps: acp.ClientCapabilities = {};

  const log = (method: string, params: unknown): void => {
    if (script.logFile) appendFileSync(script.logFile, `${JSON.stringify({ method, params })}\n`);
  };
  const save = (): void => {
    if (script.stateFile) writeFileSync(script.stateFile, JSON.stringify(Object.fromEntries(sessions)));
  };
  const configOptions = (s: SessionState): acp.SessionConfigOption[] => [
    {
      id: 'model',
      name: 'Model',
      category: 'model',
      type: 'select',
      currentValue: s.model,
      options: script.models.map((m) => ({ value: m, name: m })),
    },
    {
      id: 'mode',
      name: 'Mode',
      category: 'mode',
      type: 'select',
      currentValue: s.mode,
      options: script.modes.map((m) => ({ value: m, name: m })),
    },
  ];
  const modeState = (s: SessionState): acp.SessionModeState => ({
    currentModeId: s.mode,
    availableModes: script.modes.map((m) => ({ id: m, name: m })),
  });
  /** A mode the agent advertises and will switch to; throws as the agent answers otherwise. */
  const checkMode = (modeId: string): void => {
    if (!script.modes.includes(modeId)) throw acp.RequestError.invalidParams({ modeId }, `unknown mode ${modeId}`);
    const refusal = script.refuseModes[modeId];
    // A plain error, as gemini-cli throws: the SDK answers it as an internal error with `data.details`.
    if (refusal !== undefined) throw new Error(refusal);
  };
  const session = (id: string): SessionState => {
    const s = sessions.get(id);
    if (!s) throw acp.RequestError.resourceNotFound(id);
    return s;
  };
  const announceCommands = (client: acp.AgentContext, sessionId: string): void => {
    if (script.commands.length === 0) return;
    // After the response, as real agents do: the session must exist on the client's side first.
    setTimeout(() => {
      void client.notify(acp.methods.client.session.update, {
        sessionId,
        update: {
          sessionUpdate: 'available_commands_update',
          availableCommands: script.commands.map((c) => ({ name: c.name, description: c.description })),
        },
      });
    }, 10);
  };

  const app = acp
    .agent({ name: script.name })
    .onRequest(acp.methods.agent.initialize, ({ params }) => {
      log('initialize', params);
      clientCaps = params.clientCapabilities ?? {};
      return {
        protocolVersion: acp.PROTOCOL_VERSION,
        agentInfo: { name: script.name, version: script.version },
        agentCapabilities: {
          loadSession: script.capabilities.loadSession,
          promptCapabilities: { image: script.capabilities.image, embeddedContext: false },
          sessionCapabilities: script.capabilities.resume ? { resume: {} } : {},
        },
        authMethods: [],
      };
    })
    .onRequest(acp.methods.agent.session.new, ({ params, client }) => {
      log('session/new', params);
      const id = `fake_${randomUUID()}`;
      const s: SessionState = { cwd: params.cwd, model: script.models[0] ?? 'default', mode: script.modes[0] ?? 'default', prompts: [] };
      sessions.set(id, s);
      mcpServers.set(id, params.mcpServers);
      save();
      announceCommands(client, id);
      return { sessionId: id, configOptions: configOptions(s), modes: modeState(s) };
    })
    .onRequest(acp.methods.agent.session.load, async ({ params, client }) => {
      log('session/load', params);
      const s = session(params.sessionId);
      mcpServers.set(params.sessionId, params.mcpServers);
      // session/load replays the conversation before answering.
      for (const p of s.prompts) {
        await client.notify(acp.methods.client.session.update, {
          sessionId: params.sessionId,
          update: { sessionUpdate: 'user_message_chunk', content: { type: 'text', text: p } },
        });
        await client.notify(acp.methods.client.session.update, {
          sessionId: params.sessionId,
          update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: `(replayed answer to ${p})` } },
        });
      }
      announceCommands(client, params.sessionId);
      return { modes: modeState(s), configOptions: configOptions(s) };
    })
    .onRequest(acp.methods.agent.session.resume, ({ params, client }) => {
      log('session/resume', params);
      const s = session(params.sessionId);
      mcpServers.set(params.sessionId, params.mcpServers ?? []);
      announceCommands(client, params.sessionId);
      return { modes: modeState(s), configOptions: configOptions(s) };
    })
    .onRequest(acp.methods.agent.session.setConfigOption, ({ params }) => {
      log('session/set_config_option', params);
      const s = session(params.sessionId);
      const value = String(params.value);
      if (params.configId === 'model') {
        if (!script.models.includes(value)) throw acp.RequestError.invalidParams({ value }, `unknown model ${value}`);
        s.model = value;
      } else if (params.configId === 'mode') {
        checkMode(value);
        s.mode = value;
      } else {
        throw acp.RequestError.invalidParams({ configId: params.configId }, 'unknown config option');
      }
      save();
      return { configOptions: configOptions(s) };
    })
    .onRequest(acp.methods.agent.session.setMode, async ({ params, client }) => {
      log('session/set_mode', params);
      const s = session(params.sessionId);
      checkMode(params.modeId);
      s.mode = params.modeId;
      save();
      await client.notify(acp.methods.client.session.update, {
        sessionId: params.sessionId,
        update: { sessionUpdate: 'current_mode_update', currentModeId: s.mode },
      });
      return {};
    })
    .onNotification(acp.methods.agent.session.cancel, ({ params }) => {
      log('session/cancel', params);
      cancels.get(params.sessionId)?.abort();
    })
    .onRequest(acp.methods.agent.session.prompt, async ({ params, client }) => {
      log('session/prompt', params);
      const s = session(params.sessionId);
      const text = params.prompt.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
      s.prompts.push(text);
      save();
      const turn =
        script.turns.find((t) => !used.has(t) && (t.match === undefined || text.includes(t.match))) ?? script.fallback;
      if (!turn) throw acp.RequestError.internalError({ text }, 'fake-acp: no scripted turn for this prompt');
      used.add(turn);
      if (turn.error) throw new acp.RequestError(turn.error.code, turn.error.message);
      const cancel = new AbortController();
      cancels.set(params.sessionId, cancel);
      const ctx: TurnCtx = {
        client,
        sessionId: params.sessionId,
        cancel: cancel.signal,
        caps: clientCaps,
        session: s,
        mcpServers: mcpServers.get(params.sessionId) ?? [],
        // Node keeps the process's stdout open whatever is done to the stream: close the descriptor itself.
        closeOutput: () => (io.output === process.stdout ? closeSync(1) : (io.output as Writable).end()),
      };
      try {
        for (const step of turn.steps) await runStep(ctx, step);
      } catch (err) {
        if (err instanceof Cancelled) return { stopReason: 'cancelled' as const };
        throw err;
      } finally {
        cancels.delete(params.sessionId);
      }
      if (cancel.signal.aborted) return { stopReason: 'cancelled' as const };
      return {
        stopReason: turn.stopReason,
        ...(turn.usage ? { usage: { totalTokens: turn.usage.inputTokens + turn.usage.outputTokens, ...turn.usage } } : {}),
        ...(turn.quota ? { _meta: { quota: { token_count: turn.quota } } } : {}),
      };
    });

  return app.connect(
    acp.ndJsonStream(
      Writable.toWeb(io.output as Writable) as WritableStream<Uint8Array>,
      Readable.toWeb(io.input as Readable) as ReadableStream<Uint8Array>,
    ),
  );
}

interface TurnCtx {
  client: acp.AgentContext;
  sessionId: string;
  cancel: AbortSignal;
  caps: acp.ClientCapabilities;
  session: SessionState;
  mcpServers: acp.McpServer[];
  closeOutput(): void;
}

async function update(ctx: TurnCtx, u: acp.SessionUpdate): Promise<void> {
  await ctx.client.notify(acp.methods.client.session.update, { sessionId: ctx.sessionId, update: u });
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Cancelled());
      return;
    }
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Cancelled());
    }, { once: true });
  });
}

async function runStep(ctx: TurnCtx, step: ParsedStep): Promise<void> {
  if (ctx.cancel.aborted) throw new Cancelled();
  if ('thought' in step) return update(ctx, { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: step.thought } });
  if ('text' in step) {
    return update(ctx, {
      sessionUpdate: 'agent_message_chunk',
      content: { type: 'text', text: step.text },
      ...('metaUsage' in step ? { _meta: { usage: step.metaUsage } } : {}),
    });
  }
  if ('plan' in step) {
    return update(ctx, {
      sessionUpdate: 'plan',
      entries: step.plan.map((e) => ({ content: e.content, status: e.status, priority: e.priority })),
    });
  }
  if ('delayMs' in step) return wait(step.delayMs, ctx.cancel);
  if ('waitForCancel' in step) return wait(2 ** 31 - 1, ctx.cancel);
  if ('crash' in step) process.exit(step.crash);
  if ('hang' in step) return new Promise<never>(() => {});
  if ('closeOutput' in step) {
    ctx.closeOutput();
    return new Promise<never>(() => {});
  }
  if ('mode' in step) {
    ctx.session.mode = step.mode;
    return update(ctx, { sessionUpdate: 'current_mode_update', currentModeId: step.mode });
  }
  if ('notice' in step) {
    return update(ctx, { sessionUpdate: 'notice', severity: step.notice.severity, title: step.notice.title, description: step.notice.description ?? null });
  }
  if ('title' in step) return update(ctx, { sessionUpdate: 'session_info_update', title: step.title });
  if ('context' in step) {
    return update(ctx, {
      sessionUpdate: 'usage_update',
      used: step.context.used,
      size: step.context.size,
      ...(step.context.cost !== undefined ? { cost: { amount: step.context.cost, currency: 'USD' } } : {}),
    });
  }
  return runTool(ctx, step.tool);
}

async function runTool(ctx: TurnCtx, t: ToolSpec): Promise<void> {
  const kind = t.kind;
  const input = t.input;
  await update(ctx, {
    sessionUpdate: 'tool_call',
    toolCallId: t.id,
    title: t.title,
    kind,
    status: 'pending',
    rawInput: t.inputLater ? {} : input,
    ...(t.name ? { name: t.name } : {}),
  });
  if (t.permission) {
    const answer = await ctx.client.request(acp.methods.client.session.requestPermission, {
      sessionId: ctx.sessionId,
      toolCall: { toolCallId: t.id, title: t.title, kind, rawInput: input },
      options: [
        { optionId: 'allow', name: 'Allow', kind: 'allow_once' },
        { optionId: 'allow-always', name: 'Always allow', kind: 'allow_always' },
        { optionId: 'deny', name: 'Deny', kind: 'reject_once' },
      ],
    });
    if (answer.outcome.outcome === 'cancelled') throw new Cancelled();
    if (answer.outcome.optionId === 'deny') {
      await update(ctx, {
        sessionUpdate: 'tool_call_update',
        toolCallId: t.id,
        status: 'failed',
        content: [{ type: 'content', content: { type: 'text', text: 'permission rejected by the user' } }],
      });
      return;
    }
  }
  await update(ctx, { sessionUpdate: 'tool_call_update', toolCallId: t.id, status: 'in_progress', ...(t.inputLater ? { rawInput: input } : {}) });
  let output = t.output ?? '';
  try {
    if (t.readFile) {
      if (!ctx.caps.fs?.readTextFile) throw new Error('client does not offer fs/read_text_file');
      const res = await ctx.client.request(acp.methods.client.fs.readTextFile, { sessionId: ctx.sessionId, path: t.readFile });
      output = res.content;
    }
    if (t.writeFile) {
      if (!ctx.caps.fs?.writeTextFile) throw new Error('client does not offer fs/write_text_file');
      await ctx.client.request(acp.methods.client.fs.writeTextFile, {
        sessionId: ctx.sessionId,
        path: t.writeFile.path,
        content: t.writeFile.content,
      });
      output ||= `wrote ${t.writeFile.path}`;
    }
    if (t.mcpTool) output = await callMcpTool(ctx.mcpServers, t.mcpTool.name, t.mcpTool.arguments);
    if (t.runMs) await wait(t.runMs, ctx.cancel);
    if (t.fail) throw new Error(t.fail);
  } catch (err) {
    if (err instanceof Cancelled) throw err;
    await update(ctx, {
      sessionUpdate: 'tool_call_update',
      toolCallId: t.id,
      status: 'failed',
      content: [{ type: 'content', content: { type: 'text', text: err instanceof Error ? err.message : String(err) } }],
    });
    return;
  }
  await update(ctx, {
    sessionUpdate: 'tool_call_update',
    toolCallId: t.id,
    status: 'completed',
    content: [{ type: 'content', content: { type: 'text', text: output } }],
    rawOutput: { output },
  });
}

/** Calls a tool on the session's first MCP server, as an agent does with the servers its client gives it. */
async function callMcpTool(servers: acp.McpServer[], name: string, args: Record<string, unknown>): Promise<string> {
  const server = servers[0];
  if (!server) throw new Error('the client gave this session no MCP server');
  if (!('command' in server) && server.type !== 'http') throw new Error(`fake-acp cannot reach a ${server.type} MCP server`);
  const transport =
    'command' in server
      ? new StdioClientTransport({
          command: server.command,
          args: server.args,
          env: { PATH: process.env.PATH ?? '', ...Object.fromEntries(server.env.map((e) => [e.name, e.value])) },
          stderr: 'pipe',
        })
      : new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: Object.fromEntries(server.headers.map((h) => [h.name, h.value])) },
        });
  const client = new McpClient({ name: 'fake-acp', version: '1' });
  try {
    await client.connect(transport);
    const result = (await client.callTool({ name, arguments: args })) as { content?: { type: string; text?: string }[]; isError?: boolean };
    const text = (result.content ?? []).flatMap((c) => (c.type === 'text' && c.text ? [c.text] : [])).join('\n');
    if (result.isError) throw new Error(text || `MCP tool ${name} failed`);
    return text;
  } finally {
    await client.close().catch(() => {});
  }
}

function loadState(file: string | undefined): Map<string, SessionState> {
  if (!file || !existsSync(file)) return new Map();
  return new Map(Object.entries(StateFile.parse(JSON.parse(readFileSync(file, 'utf8')))));
}
