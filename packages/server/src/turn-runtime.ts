import path from 'node:path';
import { keepChildLedger } from '@boocode/agents';
import { sandboxPolicy } from './agents/sandbox.js';
import type { ServerConfig } from './config/server-config.js';
import type { Sql } from './db/connection.js';
import type { Logger } from './logger.js';
import { Broker } from './stream/broker.js';
import { startTelemetry } from './telemetry/telemetry.js';
import { PriceBook } from './usage/prices.js';
import type { FrameBus } from './stream/frame-bus.js';
import { InProcessFrameBus } from './stream/in-process-bus.js';
import { PostgresFrameBus } from './stream/postgres-bus.js';
import { StreamingMessages } from './stream/streaming-messages.js';
import { WriteThrough } from './stream/write-through.js';
import { PermissionCenter } from './permissions/center.js';
import { AgentRegistry, type AgentRegistryOptions } from './agents/registry.js';
import { BackendPool } from './agents/backend-pool.js';
import { Workspace } from './workspace/workspace.js';
import { Worker, type WorkerOptions } from './tasks/worker.js';
import { createTaskControl, type TaskControl } from './tasks/control.js';
import { WorkflowManager, type WorkflowManagerOptions } from './workflows/manager.js';
import { TaskWaiter } from './workflows/task-waiter.js';
import { Subagents } from './subagents/service.js';
import { McpEndpoint } from './mcp/endpoint.js';
import { McpTokens } from './mcp/token.js';

/** Which frame bus a process uses (see stream/frame-bus.ts). */
export type BusKind = FrameBus['kind'];

/** What a server and a worker process set up alike to run turns and publish their frames. */
export interface TurnRuntimeOptions {
  sql: Sql;
  /** The database URL (the Postgres bus publishes on a connection of its own). */
  databaseUrl: string;
  bus: BusKind;
  /** false: publish only; this process has no stream clients. */
  listen: boolean;
  log: Logger;
  version: string;
  validateFrames?: boolean;
  agents?: Pick<AgentRegistryOptions, 'overrides' | 'discovery'>;
  writeIntervalMs: number;
  /** The turn worker of this process; `false`: none. */
  worker: WorkerOptions | false;
  /** The workflow runs this process hosts (next to its worker); `false`: none. */
  workflows: WorkflowManagerOptions | false;
}

export interface TurnRuntime {
  broker: Broker;
  permissions: PermissionCenter;
  registry: AgentRegistry;
  pool: BackendPool;
  workspace: Workspace;
  streaming: StreamingMessages;
  worker: Worker | null;
  workflows: WorkflowManager | null;
  /** Cancels tasks wherever they run (the database and NOTIFY). */
  tasks: TaskControl;
  /** Background subagents: spawning, status, results, and handing results to their parents. */
  subagents: Subagents;
  /** BooCode's MCP server as the agents this process starts reach it. */
  mcp: McpEndpoint;
  /** Stops the workflow runs (handed to the next worker), the worker (its turns are written down), agents, the bus; not the database. */
  close(): Promise<void>;
}

/** The turn worker's settings from the configuration, `overrides` (tests, benchmarks) over them. */
export function workerSettings(config: ServerConfig, overrides: Partial<WorkerOptions> = {}): WorkerOptions {
  return { concurrency: config.concurrency, leaseMs: config.leaseMs, turnTimeoutMs: config.turnTimeoutMs, shutdownGraceMs: config.shutdownGraceMs, pollMs: 2_000, ...overrides };
}

/** The workflow manager's settings from the configuration, `overrides` (tests) over them. */
export function workflowSettings(config: ServerConfig, overrides: Partial<WorkflowManagerOptions> = {}): WorkflowManagerOptions {
  return { maxRuns: config.workflowRuns, leaseMs: config.leaseMs, pollMs: 2_000, limits: { maxConcurrentAgents: config.workflowAgents }, ...overrides };
}

export async function startTurnRuntime(config: ServerConfig, o: TurnRuntimeOptions): Promise<TurnRuntime> {
  const bus = o.bus === 'postgres' ? new PostgresFrameBus({ url: o.databaseUrl, sql: o.sql, log: o.log.child({ component: 'bus' }) }) : new InProcessFrameBus();
  const broker = new Broker(bus, { replayFrames: config.replayFrames, validate: o.validateFrames ?? false });
  if (o.listen) await broker.listen();
  const permissions = new PermissionCenter(o.sql, broker, o.log.child({ component: 'permissions' }));
  await permissions.listen();
  const orphans = keepChildLedger(path.join(config.home, 'agent-processes'));
  if (orphans.length > 0) o.log.warn({ pids: orphans }, 'stopped agent processes that a killed BooCode left running');
  const registry = new AgentRegistry({
    ...o.agents,
    backends: config.backends,
    custom: config.agents,
    baseEnv: config.env,
    version: o.version,
    log: o.log.child({ component: 'agents' }),
    sandbox: await sandboxPolicy(config, o.log.child({ component: 'sandbox' })),
  });
  const pool = new BackendPool(config.agentIdleMs, o.log);
  const workspace = new Workspace(o.sql, broker, config.home, o.log.child({ component: 'workspace' }));
  const streaming = new StreamingMessages();
  const telemetry = o.worker === false ? null : await startTelemetry(config.otlpEndpoint, o.version);
  const waiter = new TaskWaiter(o.sql, o.log.child({ component: 'subagents' }), 2_000);
  await waiter.start();
  const subagents = new Subagents({ sql: o.sql, broker, log: o.log.child({ component: 'subagents' }), workspace, home: config.home, waiter, limits: config.subagents });
  const mcp = new McpEndpoint(new McpTokens(config.token));
  const worker =
    o.worker === false
      ? null
      : new Worker(
          o.sql,
          { sql: o.sql, broker, log: o.log, pool, registry, permissions, workspace, streaming, subagents, mcp, writeIntervalMs: o.writeIntervalMs, prices: new PriceBook(config.prices), telemetry },
          o.worker,
        );
  const tasks = createTaskControl(o.sql, (task) => {
    broker.publishUser({ type: 'task_state', task_id: task.id, session_id: task.session_id, chat_id: task.chat_id, status: task.status });
    if (task.session_id) broker.publish(task.session_id, { type: 'task_state', task_id: task.id, chat_id: task.chat_id, status: task.status, error: task.error });
  });
  const workflows =
    o.workflows === false ? null : new WorkflowManager({ sql: o.sql, broker, log: o.log.child({ component: 'workflows' }), workspace, tasks, home: config.home, telemetry }, o.workflows);
  // Only with several processes can a session's turn run elsewhere than where its clients are.
  const writeThrough = o.bus === 'postgres' ? new WriteThrough(o.sql, streaming, o.log.child({ component: 'bus' }), worker?.id ?? null) : null;
  await writeThrough?.start({ asks: o.listen });
  return {
    broker,
    permissions,
    registry,
    pool,
    workspace,
    streaming,
    worker,
    workflows,
    tasks,
    subagents,
    mcp,
    async close() {
      // Runs first: they hand their agents' tasks over to whoever takes the runs next.
      await workflows?.stop();
      await worker?.stop();
      await writeThrough?.stop();
      await waiter.stop();
      await pool.closeAll();
      await registry.disposeAll();
      await broker.close();
      // Last: the stopped worker's final spans are flushed to the collector.
      await telemetry?.shutdown().catch((err: unknown) => o.log.warn({ err }, 'flushing telemetry failed'));
    },
  };
}
