import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const fixture = path.join(import.meta.dirname, 'fixtures', 'without-snapshot-flag.ts');

test('without --no-node-snapshot, workflows are refused with the Node version and the fix; parsing still works', async () => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', fixture], { env });
  const out = JSON.parse(stdout) as { parsed: string; refused: string; result: { status: string; error: string } };
  expect(out.parsed).toBe('n');
  const expected = `workflows need Node started with --no-node-snapshot on Node ${process.versions.node} (isolated-vm can crash the process otherwise): run \`node --no-node-snapshot\` or set NODE_OPTIONS=--no-node-snapshot`;
  expect(out.refused).toBe(`SandboxUnavailableError: ${expected}`);
  expect(out.result).toMatchObject({ status: 'failed', error: expected });
});
