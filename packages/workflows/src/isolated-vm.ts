import { createRequire } from 'node:module';
import type IsolatedVM from 'isolated-vm';
import { SandboxUnavailableError } from './errors.js';

export type Ivm = typeof IsolatedVM;

let loaded: Ivm | SandboxUnavailableError | undefined;

/**
 * isolated-vm is a native addon built for one Node ABI (5.x for Node 20, 6.x for 22, 7.x for 24),
 * so it is loaded on first use: where it cannot load, workflows are refused and the rest of
 * BooCode runs on.
 */
export function loadIsolatedVm(): Ivm {
  loaded ??= tryLoad();
  if (loaded instanceof SandboxUnavailableError) throw loaded;
  return loaded;
}

function tryLoad(): Ivm | SandboxUnavailableError {
  const node = process.versions.node;
  // From Node 20 on, isolates created next to Node's startup snapshot can crash the whole process
  // (V8's shared read-only heap); isolated-vm requires the snapshot off. NODE_OPTIONS is read only
  // to see how this process was started.
  const major = Number(node.split('.')[0]);
  const snapshotOff = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--no-node-snapshot');
  if (major >= 20 && !snapshotOff) {
    return new SandboxUnavailableError(
      `workflows need Node started with --no-node-snapshot on Node ${node} (isolated-vm can crash the process otherwise): run \`node --no-node-snapshot\` or set NODE_OPTIONS=--no-node-snapshot`,
    );
  }
  try {
    return createRequire(import.meta.url)('isolated-vm') as Ivm;
  } catch (err) {
    return new SandboxUnavailableError(
      `workflows need isolated-vm, which does not load on Node ${node} (${(err as Error).message.split('\n')[0]}): ` +
        'isolated-vm 5 is built for Node 20; on Node 22 or 24 install isolated-vm 6 or 7 (npm install -w @boocode/workflows isolated-vm@6), or run BooCode on Node 20',
    );
  }
}

/** Throws SandboxUnavailableError, naming the Node version and what to do, where workflows cannot run. */
export function assertSandboxAvailable(): void {
  loadIsolatedVm();
}
