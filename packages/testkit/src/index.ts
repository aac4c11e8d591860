export * from './fake-llm/index.js';
export * from './fake-acp/index.js';
