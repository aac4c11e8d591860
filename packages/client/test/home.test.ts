import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findServer } from '@boocode/client/node';

const TOKEN = 't'.repeat(43);
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function home(files: Record<string, string | object>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'boocode-client-home-'));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) await writeFile(path.join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}

describe('findServer', () => {
  it('reads the URL from server.json and the token from config.json, ignoring the server-only settings', async () => {
    const dir = await home({
      'config.json': { token: TOKEN, pg_password: 'p'.repeat(20), agents: {} },
      'server.json': { url: 'http://127.0.0.1:7345/', pid: 42 },
    });
    expect(await findServer({ home: dir, env: {} })).toEqual({ home: dir, baseUrl: 'http://127.0.0.1:7345', token: TOKEN });
    // BOOCODE_HOME when no --home is given.
    expect((await findServer({ env: { BOOCODE_HOME: dir } })).baseUrl).toBe('http://127.0.0.1:7345');
  });

  it('lets BOOCODE_URL and BOOCODE_TOKEN stand in for the home files', async () => {
    const dir = await home({});
    const other = 'o'.repeat(40);
    expect(await findServer({ home: dir, env: { BOOCODE_URL: 'https://boo.example:8443', BOOCODE_TOKEN: other } })).toEqual({
      home: dir,
      baseUrl: 'https://boo.example:8443',
      token: other,
    });
    await expect(findServer({ home: dir, env: { BOOCODE_URL: 'not a url', BOOCODE_TOKEN: other } })).rejects.toThrow('BOOCODE_URL: not a url is not a URL');
    await expect(findServer({ home: dir, env: { BOOCODE_URL: 'http://x', BOOCODE_TOKEN: 'short' } })).rejects.toThrow(/^BOOCODE_TOKEN: /);
  });

  it('says what is missing: a home without config.json, a server that is not running', async () => {
    const empty = await home({});
    await expect(findServer({ home: empty, env: {} })).rejects.toThrow(`no BooCode home at ${empty} (no config.json)`);
    const stopped = await home({ 'config.json': { token: TOKEN } });
    await expect(findServer({ home: stopped, env: {} })).rejects.toThrow(`no running server found for ${stopped}`);
  });

  it('names the file and the key of a malformed home', async () => {
    const badJson = await home({ 'config.json': '{"token": ' });
    await expect(findServer({ home: badJson, env: {} })).rejects.toThrow(`${path.join(badJson, 'config.json')} is not valid JSON`);
    const shortToken = await home({ 'config.json': { token: 'abc' } });
    await expect(findServer({ home: shortToken, env: {} })).rejects.toThrow(`${path.join(shortToken, 'config.json')}: token: `);
    const badServer = await home({ 'config.json': { token: TOKEN }, 'server.json': { url: 'http://127.0.0.1:1', pid: 'x' } });
    await expect(findServer({ home: badServer, env: {} })).rejects.toThrow(`${path.join(badServer, 'server.json')}: pid: `);
  });
});
