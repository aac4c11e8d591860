import type { Sql } from '../db/connection.js';
import type { Broker } from '../stream/broker.js';
import type { Logger } from '../logger.js';
import type { Auth } from './auth.js';
import type { RouteRegistry } from './route.js';
import type { TaskControl } from '../tasks/control.js';

/** What every route module needs; built once by the server. */
export interface AppContext {
  sql: Sql;
  broker: Broker;
  log: Logger;
  auth: Auth;
  routes: RouteRegistry;
  tasks: TaskControl;
  version: string;
  database: 'embedded' | 'external';
}
