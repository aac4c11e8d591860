import type { Sql } from '../db/connection.js';
import type { Broker } from '../stream/broker.js';
import type { Logger } from '../logger.js';
import type { Auth } from './auth.js';
import type { TaskControl } from '../tasks/control.js';
import type { Subagents } from '../subagents/service.js';
import type { McpTokens } from '../mcp/token.js';
import type { PermissionCenter } from '../permissions/center.js';
import type { AgentRegistry } from '../agents/registry.js';
import type { BackendPool } from '../agents/backend-pool.js';
import type { Workspace } from '../workspace/workspace.js';
import type { StreamingMessages } from '../stream/streaming-messages.js';
import type { TerminalManager } from '../terminals/index.js';

/** What every route module needs; built once by the server. */
export interface AppContext {
  sql: Sql;
  broker: Broker;
  log: Logger;
  auth: Auth;
  tasks: TaskControl;
  subagents: Subagents;
  /** Tokens of the MCP endpoint scoped to one agent's session. */
  mcpTokens: McpTokens;
  permissions: PermissionCenter;
  registry: AgentRegistry;
  /** Warm agent sessions of this process's worker. */
  pool: BackendPool;
  workspace: Workspace;
  streaming: StreamingMessages;
  /** Terminals of sessions, in BooCode's own tmux server. */
  terminals: TerminalManager;
  home: string;
  /** The user's home directory, for `~` in paths they type. */
  userHome: string;
  version: string;
  database: 'embedded' | 'external';
}
