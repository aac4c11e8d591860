#!/usr/bin/env node
// Runs the built CLI (npm run build): the bundle of dist/ made by bundle.mjs. Tests run the built binary too.
//
// `serve` and `worker` run workflows, whose sandbox (isolated-vm) needs Node started with
// --no-node-snapshot (from Node 20 on it crashes next to Node's startup snapshot). Without the
// snapshot Node takes some 90 ms longer to start, so the client commands start without the flag,
// and these two start Node again with it, in a child that stands in for this process.
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
const snapshotOff = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--no-node-snapshot');
if ((command === 'serve' || command === 'worker') && !snapshotOff) {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const args = ['--no-node-snapshot', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  // The IPC channel tells the child when this process is gone, even by SIGKILL (see stop-signal.ts).
  const child = spawn(process.execPath, args, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (!signal) process.exit(code ?? 1);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
} else {
  import('../dist/boocode.mjs').catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/boocode.mjs')) {
      console.error('boocode is not built yet: run `npm run build` in the repository first.');
      process.exit(1);
    }
    throw err;
  });
}
