export * from './fake-llm/index.js';
