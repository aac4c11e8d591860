#!/usr/bin/env -S node --no-node-snapshot
// Runs the built CLI (npm run build). Tests run the TypeScript sources instead. The flag lets the
// workflow sandbox (isolated-vm) run: from Node 20 on it crashes next to Node's startup snapshot.
import('../dist/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    console.error('boocode is not built yet: run `npm run build` in the repository first.');
    process.exit(1);
  }
  throw err;
});
