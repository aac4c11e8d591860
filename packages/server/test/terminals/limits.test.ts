import { afterEach, describe, expect, it } from 'vitest';
import { TerminalError } from '../../src/terminals/index.js';
import { collector, SESSION_A, SESSION_B, tmuxHome } from './helpers.js';

let env: Awaited<ReturnType<typeof tmuxHome>>;
afterEach(async () => {
  await env?.cleanup();
});

describe('terminal limits', () => {
  it('caps terminals per session, also when created concurrently', async () => {
    env = await tmuxHome();
    const m = env.manager({ maxTerminalsPerSession: 2 });
    const results = await Promise.allSettled([1, 2, 3].map(() => m.create({ sessionId: SESSION_A, cwd: env.home })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = results.find((r) => r.status === 'rejected')!.reason as TerminalError;
    expect(refused).toBeInstanceOf(TerminalError);
    expect(refused).toMatchObject({ code: 'terminal_limit', message: expect.stringContaining('at most 2') });
    // Another session has its own allowance, and a kill frees a place.
    await m.create({ sessionId: SESSION_B, cwd: env.home });
    const [first] = await m.list(SESSION_A);
    await m.kill(first!.id);
    await m.create({ sessionId: SESSION_A, cwd: env.home });
    expect(await m.list(SESSION_A)).toHaveLength(2);
  });

  it('pauses a flooding terminal and resyncs it, while another terminal stays responsive', async () => {
    env = await tmuxHome();
    const m = env.manager({ maxBytesPerSecond: 16 * 1024 });
    const flood = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const calm = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const floodOut = collector();
    const calmOut = collector();
    const f = await m.attach(flood.id, floodOut.opts);
    const c = await m.attach(calm.id, calmOut.opts);

    const produced = 4_000_000;
    await f.write(`yes | head -c ${produced}; echo flood-""done\r`);
    // The neighbour answers while the flood runs.
    await c.write('echo calm-$((20+22))\r');
    await calmOut.waitFor('calm-42');

    // The end of the flood arrives, live or in a resync snapshot after a pause...
    await floodOut.waitFor('flood-done');
    // ...but most of the flood itself was never shipped to BooCode.
    expect(floodOut.snapshots.some((s) => s.reason === 'resync')).toBe(true);
    expect(floodOut.dataBytes).toBeLessThan(produced / 2);
    // And the terminal keeps working normally afterwards.
    const mark = floodOut.seen.length;
    await f.write('echo after-$((2+3))\r');
    await floodOut.waitFor('after-5', mark);
  });

  it('drops an attachment whose consumer falls behind, leaving the others attached', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t = await m.create({ sessionId: SESSION_A, cwd: env.home });
    let backlog = 0;
    const slow = collector();
    const fast = collector();
    await m.attach(t.id, { ...slow.opts, backlog: () => backlog, maxBacklog: 64 * 1024 });
    const a = await m.attach(t.id, fast.opts);
    await a.write('echo one-$((0+1))\r');
    await slow.waitFor('one-1');
    // The slow consumer's socket stops draining.
    backlog = 1024 * 1024;
    await a.write('echo two-$((1+1))\r');
    expect(await slow.waitForEnd()).toBe('slow_consumer');
    await fast.waitFor('two-2');
    expect(slow.seen).not.toContain('two-2');
    await a.write('echo three-$((1+2))\r');
    await fast.waitFor('three-3');
    expect(fast.ended).toBeNull();
  });
});
