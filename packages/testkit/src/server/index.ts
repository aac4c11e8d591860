export * from './pg.js';
export * from './test-server.js';
export * from './git-repo.js';
export * from './stream-client.js';
export * from './serve-process.js';
export * from './cli-process.js';
export * from './test-run.js';
export * from './terminal-client.js';
