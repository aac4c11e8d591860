import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '@boocode/testkit';

const run = promisify(execFile);
const CLIENT_HTTP = new URL('../dist/http.js', import.meta.url).href;

/**
 * A fresh Node process runs the built client as the CLI does, makes one call answered by a
 * stand-in fetch, and tells which modules of the contracts it loaded (a load hook writes them down).
 */
async function contractsLoadedBy(route: string, status: number, answer: unknown): Promise<{ modules: string[]; outcome: string }> {
  const dir = scratchDir('client-lazy-');
  const log = path.join(dir, 'loaded.txt');
  writeFileSync(log, '');
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.includes('/contracts/')) appendFileSync(${JSON.stringify(log)}, url.replace(/^.*\\/contracts\\//, '') + '\\n');
  return next(url, context);
}`,
  );
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(pathToFileURL(hooks).href)});
    const { ApiClient } = await import(${JSON.stringify(CLIENT_HTTP)});
    const fetch = async () => new Response(${JSON.stringify(JSON.stringify(answer))}, { status: ${status} });
    const api = new ApiClient({ baseUrl: 'http://127.0.0.1:1', token: 't', fetch });
    try {
      await api.call(${JSON.stringify(route)});
      console.log('ok');
    } catch (err) {
      console.log(err.code);
    }
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
  return { modules: readFileSync(log, 'utf8').split('\n').filter(Boolean), outcome: stdout.trim() };
}

describe('a client that calls one route', () => {
  it('builds the schemas of that route only', async () => {
    const { modules, outcome } = await contractsLoadedBy('listSessions', 200, { items: [] });
    expect(outcome).toBe('ok');
    expect(modules).toContain('dist/routes/sessions.js');
    for (const other of ['dist/index.js', 'dist/routes.js', 'dist/frames.js', 'dist/workflows.js', 'dist/terminals.js', 'dist/routes/workflows.js']) {
      expect(modules).not.toContain(other);
    }
  });

  it('still validates the answer with that schema, and reads a refusal', async () => {
    expect((await contractsLoadedBy('listSessions', 200, { items: [{ id: 'not a session' }] })).outcome).toBe('invalid_response');
    const refused = await contractsLoadedBy('listAgents', 401, { error: 'unauthorized', message: 'no token' });
    expect(refused.outcome).toBe('unauthorized');
    expect(refused.modules).toContain('dist/routes/errors.js');
    expect(refused.modules).toContain('dist/routes/agents.js');
    expect(refused.modules).not.toContain('dist/routes/sessions.js');
  });
});
