import { afterEach, describe, expect, it } from 'vitest';
import { TerminalError } from '../../src/terminals/index.js';
import { collector, SESSION_A, tmuxHome } from './helpers.js';

let env: Awaited<ReturnType<typeof tmuxHome>>;
afterEach(async () => {
  await env?.cleanup();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (err: unknown) => (err instanceof TerminalError ? { code: err.code, message: err.message } : { code: 'untyped', message: String(err) }),
  );

/** A terminal that printed `lines` numbered lines (`row-1` ...), then `done-<n>`. */
async function printed(lines: number, opts: Parameters<Awaited<ReturnType<typeof tmuxHome>>['manager']>[0] = {}) {
  const m = env.manager(opts);
  const t = await m.create({ sessionId: SESSION_A, cwd: env.home });
  const out = collector();
  const a = await m.attach(t.id, out.opts);
  await a.write(`i=1; while [ $i -le ${lines} ]; do echo row-$i; i=$((i+1)); done; echo done-$((${lines}))\r`);
  await out.waitFor(`done-${lines}`);
  return { m, t, out, a };
}

describe('scrollback search', () => {
  it('finds lines by regex with their numbers and context', async () => {
    env = await tmuxHome();
    const { m, t } = await printed(30);
    const r = await m.search(t.id, { pattern: '^row-1[05]$', context: 2 });
    expect(r.truncated).toBe(false);
    expect(r.matches.map(({ text, before, after, source }) => ({ text, before, after, source }))).toEqual([
      { text: 'row-10', before: ['row-8', 'row-9'], after: ['row-11', 'row-12'], source: 'buffer' },
      { text: 'row-15', before: ['row-13', 'row-14'], after: ['row-16', 'row-17'], source: 'buffer' },
    ]);
    expect(r.matches[1]!.line - r.matches[0]!.line).toBe(5);
    // Case folding, the limit keeping the newest matches, and a pattern that matches nothing.
    expect((await m.search(t.id, { pattern: 'ROW-3\\d', ignore_case: true })).matches.map((x) => x.text)).toEqual(['row-30']);
    const limited = await m.search(t.id, { pattern: '^row-', limit: 3, context: 0 });
    expect(limited).toMatchObject({ truncated: true });
    expect(limited.matches.map((x) => x.text)).toEqual(['row-28', 'row-29', 'row-30']);
    expect((await m.search(t.id, { pattern: 'nowhere-to-be-found' })).matches).toEqual([]);
  });

  it('reads what the ring no longer holds back from tmux', async () => {
    env = await tmuxHome();
    const { m, t } = await printed(300, { ringLines: 50 });
    const old = await m.search(t.id, { pattern: '^row-7$', context: 1 });
    expect(old.matches).toMatchObject([{ text: 'row-7', source: 'tmux', before: ['row-6'], after: ['row-8'] }]);
    const recent = await m.search(t.id, { pattern: '^row-299$', context: 1 });
    expect(recent.matches).toMatchObject([{ text: 'row-299', source: 'buffer', before: ['row-298'], after: ['row-300'] }]);
    // One numbering across both: the lines are 292 apart, as printed.
    expect(recent.matches[0]!.line - old.matches[0]!.line).toBe(292);
    // Every line is found exactly once, wherever it is held.
    const all = await m.search(t.id, { pattern: '^row-\\d+$', limit: 1000, context: 0 });
    expect(all.matches.map((x) => x.text)).toEqual(Array.from({ length: 300 }, (_, i) => `row-${i + 1}`));
  });

  it('refuses catastrophic and invalid patterns with clear errors, in bounded time', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const out = collector();
    const a = await m.attach(t.id, out.opts);
    await a.write(`printf 'a%.0s' $(seq 1 3000); echo '!'; echo fill-$((1+1))\r`);
    await out.waitFor('fill-2');

    // The classic exponential-backtracking pattern is just linear work for RE2: answered, not hung.
    expect((await m.search(t.id, { pattern: '^(a+)+$' })).matches).toEqual([]);
    expect((await m.search(t.id, { pattern: '(a|aa)*!$' })).matches).toHaveLength(1);

    // Patterns that expand into huge programs are refused before they run.
    const huge = await failure(m.search(t.id, { pattern: '\\w{1,1000}\\w{1,1000}\\w{1,1000}z' }));
    expect(huge).toMatchObject({ code: 'pattern_too_expensive', message: expect.stringMatching(/^pattern too expensive: compiles to \d+ instructions/) });
    expect(await failure(m.search(t.id, { pattern: '((a{100}){100}){100}' }))).toMatchObject({ code: 'pattern_too_expensive' });

    // What RE2 cannot do in linear time does not parse: a clear error, not a slow search.
    expect(await failure(m.search(t.id, { pattern: '(a+)\\1' }))).toMatchObject({ code: 'invalid_pattern', message: expect.stringContaining('\\1') });
    expect(await failure(m.search(t.id, { pattern: '(?=a)' }))).toMatchObject({ code: 'invalid_pattern' });
    expect(await failure(m.search(t.id, { pattern: '[' }))).toMatchObject({ code: 'invalid_pattern', message: expect.stringContaining('missing closing ]') });
    expect(await failure(m.search(t.id, { pattern: '' }))).toMatchObject({ code: 'invalid_pattern' });
    expect(await failure(m.search(t.id, { pattern: 'x'.repeat(513) }))).toMatchObject({ code: 'invalid_pattern' });

    // Whatever slips past those checks is stopped by the deadline, and the next search works again.
    const hurried = env.manager({ searchTimeoutMs: 1 });
    expect(await failure(hurried.search(t.id, { pattern: 'fill' }))).toMatchObject({ code: 'pattern_too_expensive', message: expect.stringContaining('no answer within 1 ms') });
    expect((await m.search(t.id, { pattern: '^fill-2$' })).matches).toHaveLength(1);
  });
});
