// Lower-level pieces for benchmarks and tools that drive the database directly.
export { appendToMessage, finishMessage, insertAssistantMessage, insertUserMessageWithTask } from './db/messages.js';
export { connect, type Sql } from './db/connection.js';
export { migrate, migrationOrder, MIGRATIONS_DIR } from './db/migrate.js';
export { TerminalManager, TerminalError, type AttachOptions, type TerminalSnapshot } from './terminals/index.js';
export { PgJournal } from './workflows/journal.js';
export { insertWorkflowRun } from './db/workflows.js';
export { Broker } from './stream/broker.js';
export { PostgresFrameBus } from './stream/postgres-bus.js';
export type { Stamp } from './stream/frame-bus.js';
export { McpTokens } from './mcp/token.js';
