// Lower-level pieces for benchmarks and tools that drive the database directly.
export { insertUserMessageWithTask } from './db/messages.js';
export { connect, type Sql } from './db/connection.js';
export { migrate } from './db/migrate.js';
export { Broker } from './stream/broker.js';
export { PostgresFrameBus } from './stream/postgres-bus.js';
export type { Stamp } from './stream/frame-bus.js';
