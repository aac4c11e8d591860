#!/usr/bin/env -S node --no-node-snapshot
// Runs the built CLI (npm run build): the bundle of dist/ made by bundle.mjs. Tests run the built binary too.
// The flag lets the workflow sandbox (isolated-vm) run: from Node 20 on it crashes next to Node's startup snapshot.
import('../dist/boocode.mjs').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/boocode.mjs')) {
    console.error('boocode is not built yet: run `npm run build` in the repository first.');
    process.exit(1);
  }
  throw err;
});
