export { findServer, type ClientEnv, type ServerConnection } from './home.js';
