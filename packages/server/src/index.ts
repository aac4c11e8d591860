export { startServer, isLoopback, VERSION } from './server.js';
export type { ServerOptions, RunningServer } from './server.js';
export { loadServerConfig, type ServerConfig, type ConfigSources } from './config/server-config.js';
export { ConfigError } from './config/error.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
