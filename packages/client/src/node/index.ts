export { findServer, readServerInfo, type ClientEnv, type ServerConnection } from './home.js';
