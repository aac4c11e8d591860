import { execFile } from 'node:child_process';
import { which } from '../discovery/which.js';

/** Whether bubblewrap can run here, and why not. */
export type SandboxProbe = { available: true; bwrap: string } | { available: false; reason: string };

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Looks for `bwrap` on PATH and starts it once with the namespaces commands get: a container may
 * forbid unprivileged user namespaces, and then bwrap is installed but useless.
 */
export async function probeSandbox(searchPath: string): Promise<SandboxProbe> {
  const bwrap = await which('bwrap', { path: searchPath });
  if (!bwrap) return { available: false, reason: 'bubblewrap (bwrap) is not installed' };
  const args = ['--die-with-parent', '--unshare-pid', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--', 'true'];
  return new Promise((resolve) => {
    execFile(bwrap, args, { timeout: PROBE_TIMEOUT_MS, env: { PATH: searchPath } }, (err, _out, stderr) => {
      if (!err) resolve({ available: true, bwrap });
      else resolve({ available: false, reason: `bubblewrap does not work here: ${stderr.trim() || err.message}` });
    });
  });
}
