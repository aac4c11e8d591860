#!/usr/bin/env node
// Runs the built CLI (npm run build). Tests run the TypeScript sources instead.
import('../dist/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    console.error('boocode is not built yet: run `npm run build` in the repository first.');
    process.exit(1);
  }
  throw err;
});
