import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/fake-llm.js', import.meta.url));

/** Starts the bin and resolves with its base URL from the "listening on" line, or rejects with its stderr. */
function startBin(args: string[]): { child: ChildProcess; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /fake-llm listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    void exit.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { child, url, exit };
}

let dir: string | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill();
  child = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fake-llm bin', () => {
  it('serves a script file over HTTP', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-llm-cli-'));
    const script = join(dir, 'script.json');
    await writeFile(script, JSON.stringify({ turns: [{ text: 'from file' }], models: ['m1'] }));
    const bin = startBin(['--port', '0', '--script', script]);
    child = bin.child;
    const url = await bin.url;
    const models = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['m1']);
    const res = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('from file');
  });

  it('refuses an invalid script file with a readable error', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-llm-cli-'));
    const script = join(dir, 'bad.json');
    await writeFile(script, JSON.stringify([{ text: 5 }]));
    const bin = startBin(['--script', script]);
    child = bin.child;
    await expect(bin.url).rejects.toThrow(/invalid script/);
    expect(await bin.exit).toBe(2);
  });
});
