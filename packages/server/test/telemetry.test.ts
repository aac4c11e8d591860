import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, PostMessageResponse, Project, Session, SubagentList, Task } from '@boocode/contracts';
import { createLogger, loadServerConfig, startWorker, type RunningWorker } from '@boocode/server';
import { removeScratch, scratchDir, startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { createTestDatabase, inheritedEnv, makeGitRepo, startTestServer, type TestServer, until } from '@boocode/testkit/server';
import { script, startRun, waitRun, type Api } from './workflows-helpers.js';
import { waitTask as waitServerTask } from './agents-env.js';

/** An OTLP attribute value as the JSON encoding sends it. */
interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: AnyValue }[];
}
interface OtlpBody {
  resourceSpans: { resource: { attributes: { key: string; value: AnyValue }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** A local OTLP/HTTP collector: keeps every span it is sent and wakes whoever waits for one. */
class Receiver {
  readonly spans: OtlpSpan[] = [];
  readonly paths: string[] = [];
  private waiters: (() => void)[] = [];
  readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
      for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) this.spans.push(...ss.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const w of this.waiters.splice(0)) w();
    });
  });

  async until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise<void>((r) => this.waiters.push(r));
  }
}

const attr = (s: OtlpSpan, key: string): string | number | boolean | undefined => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue;
};

const USAGE = { style: 'deepseek', prompt_tokens: 1000, completion_tokens: 100, cached_tokens: 800 } as const;
let llm: FakeLlm;
let receiver: Receiver;
let server: TestServer;
let project: Project;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  receiver = new Receiver();
  await new Promise<void>((r) => receiver.server.listen(0, '127.0.0.1', r));
  const port = (receiver.server.address() as AddressInfo).port;
  llm = await startFakeLlm({ fallback: { text: 'done', usage: USAGE } });
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  server = await startTestServer({
    env: {
      BOOCODE_NATIVE_BASE_URL: llm.url,
      BOOCODE_NATIVE_MODEL: 'deepseek-chat',
      BOOCODE_NATIVE_API_KEY: 'k',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    },
    logger: createLogger({ level: 'info', destination }),
    writeIntervalMs: 50,
  });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'alpha\n' }) })).body;
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
  await new Promise((r) => receiver?.server.close(r));
});

const waitTask = (id: string, done?: (t: Task) => boolean) => waitServerTask(server, id, done);

/** A native turn that spawns a subagent and collects its answer; the child's and the spawning call's spans. */
async function spawnTraced(s: TestServer, projectId: string, word: string): Promise<{ child: OtlpSpan; spawn: OtlpSpan; parentRoot: OtlpSpan }> {
  const session = (await s.api<Session>('POST', '/api/sessions', { project_id: projectId })).body;
  const chat = (await s.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  llm.push(
    { match: { lastUserIncludes: `parent ${word}` }, toolCalls: [{ name: 'spawn_subagent', arguments: { prompt: `child ${word}`, isolation: 'shared' } }], usage: USAGE },
    { match: { lastUserIncludes: `parent ${word}` }, toolCalls: [{ name: 'subagent_result', arguments: { id: '{{tool_uuid:0}}', wait_seconds: 120 } }], usage: USAGE },
  );
  const r = await s.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: `parent ${word}` });
  const parentTask = r.body.task.id;
  await until(async () => {
    const t = (await s.api<Task>('GET', `/api/tasks/${parentTask}`)).body;
    return ['completed', 'failed', 'cancelled', 'timed_out'].includes(t.status) && t;
  }, 'the parent turn to end');
  const childTask = (await s.api<SubagentList>('GET', `/api/sessions/${session.id}/subagents`)).body.items[0]?.id;
  expect(childTask).toBeDefined();
  const isTurn = (id: string) => (x: OtlpSpan) => x.name === 'invoke_agent native' && attr(x, 'boocode.task.id') === id;
  await receiver.until(() => receiver.spans.some(isTurn(parentTask)) && receiver.spans.some(isTurn(childTask!)));
  const parentRoot = receiver.spans.find(isTurn(parentTask))!;
  const spawn = receiver.spans.find((x) => x.traceId === parentRoot.traceId && x.name === 'execute_tool spawn_subagent')!;
  return { child: receiver.spans.find(isTurn(childTask!))!, spawn, parentRoot };
}

describe('OpenTelemetry export', () => {
  it('sends invoke_agent, chat and execute_tool spans over OTLP/HTTP with GenAI attributes and BooCode ids', async () => {
    const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
    const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
    llm.push({ toolCalls: [{ id: 'call_a', name: 'read_file', arguments: { path: 'a.txt' } }, { id: 'call_b', name: 'read_file', arguments: { path: 'missing.txt' } }], usage: USAGE });
    const r = await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'read a.txt' });
    const task = await waitTask(r.body.task.id);
    expect(task.status).toBe('completed');

    await receiver.until(() => receiver.spans.some((s) => s.name === 'invoke_agent native' && attr(s, 'boocode.task.id') === task.id));
    expect(receiver.paths[0]).toMatch(/^POST \/v1\/traces application\/json/);
    const root = receiver.spans.find((s) => s.name === 'invoke_agent native' && attr(s, 'boocode.task.id') === task.id)!;
    const children = receiver.spans.filter((s) => s.traceId === root.traceId && s !== root);
    expect(children.map((s) => s.name).sort()).toEqual(['chat deepseek-chat', 'chat deepseek-chat', 'execute_tool read_file', 'execute_tool read_file']);
    for (const c of children) {
      expect(c.parentSpanId).toBe(root.spanId);
      expect(attr(c, 'boocode.session.id')).toBe(session.id);
      expect(attr(c, 'boocode.chat.id')).toBe(chat.id);
      expect(attr(c, 'boocode.task.id')).toBe(task.id);
    }
    expect(root.parentSpanId ?? '').toBe('');
    expect(attr(root, 'gen_ai.operation.name')).toBe('invoke_agent');
    expect(attr(root, 'gen_ai.usage.input_tokens')).toBe(2000);

    const chatSpan = children.find((s) => s.name.startsWith('chat'))!;
    expect(attr(chatSpan, 'gen_ai.operation.name')).toBe('chat');
    expect(attr(chatSpan, 'gen_ai.request.model')).toBe('deepseek-chat');
    expect(attr(chatSpan, 'gen_ai.usage.input_tokens')).toBe(1000);
    expect(attr(chatSpan, 'gen_ai.usage.output_tokens')).toBe(100);
    expect(attr(chatSpan, 'gen_ai.usage.cache_read.input_tokens')).toBe(800);
    expect(attr(chatSpan, 'gen_ai.usage.cache_creation.input_tokens')).toBe(0);
    expect(attr(chatSpan, 'gen_ai.usage.cache_write.input_tokens')).toBe(0);

    const tools = children.filter((s) => s.name.startsWith('execute_tool'));
    expect(tools.map((s) => attr(s, 'gen_ai.tool.name'))).toEqual(['read_file', 'read_file']);
    expect(tools.map((s) => attr(s, 'gen_ai.tool.call.id')).sort()).toEqual(['call_a', 'call_b']);
    const failed = tools.find((s) => attr(s, 'gen_ai.tool.call.id') === 'call_b') as OtlpSpan & { status?: { code?: number } };
    expect(failed.status?.code).toBe(2);

    // The turn's log lines carry the trace id.
    const finished = logLines.find((l) => l.msg === 'turn finished' && l.task_id === task.id);
    expect(finished?.trace_id).toBe(root.traceId);
  });

  it('sends invoke_workflow per run, with its agents\' turns as children', async () => {
    const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
    const api: Api = (m, u, b) => server.api(m, u, b);
    const run = await startRun(api, session.id, { script: script(`return await agent('traced agent');`, 'traced') });
    expect((await waitRun(api, run.id)).status).toBe('completed');
    await receiver.until(() => receiver.spans.some((s) => s.name === 'invoke_workflow traced'));
    const wf = receiver.spans.find((s) => s.name === 'invoke_workflow traced')!;
    expect(attr(wf, 'boocode.workflow_run.id')).toBe(run.id);
    expect(attr(wf, 'boocode.session.id')).toBe(session.id);
    expect(attr(wf, 'boocode.workflow_run.status')).toBe('completed');
    await receiver.until(() => receiver.spans.some((s) => s.name === 'invoke_agent native' && attr(s, 'boocode.workflow_run.id') === run.id));
    const agentTurn = receiver.spans.find((s) => s.name === 'invoke_agent native' && attr(s, 'boocode.workflow_run.id') === run.id)!;
    expect(agentTurn.traceId).toBe(wf.traceId);
    expect(agentTurn.parentSpanId).toBe(wf.spanId);
    expect(logLines.find((l) => l.msg === 'workflow run finished' && l.run_id === run.id)?.trace_id).toBe(wf.traceId);
  });

  it("parents a subagent's invoke_agent under the execute_tool span of the call that spawned it", async () => {
    const { child, spawn, parentRoot } = await spawnTraced(server, project.id, 'in process');
    expect(spawn).toBeDefined();
    expect(spawn.parentSpanId).toBe(parentRoot.spanId);
    expect(child.traceId).toBe(parentRoot.traceId);
    expect(child.parentSpanId).toBe(spawn.spanId);
  });
});

describe('a workflow whose agents run in another process', () => {
  // The server hosts the run but runs no turns; the worker runs turns but hosts no run.
  let host: TestServer;
  let worker: RunningWorker;
  let workerHome: string;
  let hostProject: Project;
  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    const env = { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'deepseek-chat', BOOCODE_NATIVE_API_KEY: 'k', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}` };
    host = await startTestServer({ databaseUrl, env, worker: { concurrency: 0 } });
    workerHome = scratchDir('boocode-otel-worker-');
    const config = await loadServerConfig({ env: { ...inheritedEnv(), ...env }, flags: { home: workerHome } });
    worker = await startWorker(config, databaseUrl, { logger: createLogger({ level: 'silent' }), workflows: { maxRuns: 0 } });
    hostProject = (await host.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'alpha\n' }) })).body;
  });
  afterAll(async () => {
    await worker?.close();
    await host?.close();
    if (workerHome) removeScratch(workerHome);
  });

  it("parents the agent's turn under the run's invoke_workflow span through the run's row", async () => {
    const session = (await host.api<Session>('POST', '/api/sessions', { project_id: hostProject.id })).body;
    const api: Api = (m, u, b) => host.api(m, u, b);
    const run = await startRun(api, session.id, { script: script(`return await agent('far agent');`, 'far') });
    expect((await waitRun(api, run.id)).status).toBe('completed');
    await receiver.until(() => receiver.spans.some((s) => s.name === 'invoke_workflow far' && attr(s, 'boocode.workflow_run.id') === run.id));
    const wf = receiver.spans.find((s) => s.name === 'invoke_workflow far' && attr(s, 'boocode.workflow_run.id') === run.id)!;
    await receiver.until(() => receiver.spans.some((s) => s.name === 'invoke_agent native' && attr(s, 'boocode.workflow_run.id') === run.id));
    const agentTurn = receiver.spans.find((s) => s.name === 'invoke_agent native' && attr(s, 'boocode.workflow_run.id') === run.id)!;
    expect(agentTurn.traceId).toBe(wf.traceId);
    expect(agentTurn.parentSpanId).toBe(wf.spanId);
  });

  it("parents a subagent's turn run by a worker under its spawning call through the child's row", async () => {
    const { child, spawn } = await spawnTraced(host, hostProject.id, 'on a worker');
    expect(child.traceId).toBe(spawn.traceId);
    expect(child.parentSpanId).toBe(spawn.spanId);
  });
});

describe('telemetry settings', () => {
  it('is off unless an endpoint is set, and refuses an endpoint that is not a URL, naming the variable', async () => {
    const home = scratchDir('boocode-otel-');
    try {
      expect((await loadServerConfig({ env: {}, flags: { home } })).otlpEndpoint).toBeNull();
      await expect(loadServerConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, flags: { home } })).rejects.toThrow(/^OTEL_EXPORTER_OTLP_ENDPOINT: /);
    } finally {
      removeScratch(home);
    }
  });
});
