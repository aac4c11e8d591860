export { startServer, isLoopback, positiveEnv, VERSION } from './server.js';
export type { ServerOptions, RunningServer } from './server.js';
export { resolveHome, loadHomeConfig } from './config/home.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
