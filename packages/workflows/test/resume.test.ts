import { describe, expect, test } from 'vitest';
import type { WorkflowEvent, WorkflowJournalEntry } from '@boocode/contracts';
import type { StepJournal } from '@boocode/workflows';
import { HeldCalls, MemoryJournal, run, ScriptedExecutor, wf, type Ran } from './harness.js';

const cachedFlags = (r: Ran) => r.events.flatMap((e) => (e.type === 'agent_finished' ? [e.cached] : []));

/** Finishes held calls in the order given, each once it is waiting (a prompt may start only after another finishes). */
async function finishInOrder(held: HeldCalls, prompts: string[]): Promise<void> {
  for (const prompt of prompts) {
    while (!held.waiting.some((w) => w.call.prompt === prompt)) await held.waitFor(held.waiting.length + 1);
    held.finish(prompt);
  }
}

const sequential = wf("const out = [];\nfor (const p of ['a', 'b', 'c', 'd']) out.push(await agent(p + ' after ' + out.length));\nreturn out;");

describe('a re-run of the same script with the same args is fully cached', () => {
  test('sequential agents', async () => {
    const first = new MemoryJournal();
    const r1 = await run(sequential, { journal: first });
    const executor = new ScriptedExecutor();
    const r2 = await run(sequential, { journal: new MemoryJournal(first), executor });
    expect(executor.calls).toHaveLength(0);
    expect(r2.result).toEqual(r1.result);
    expect(cachedFlags(r2)).toEqual([true, true, true, true]);
    expect(r2.usage.output).toBe(0);
  });

  // Claude Code: "the harness re-ran the whole script and got zero cache hits". Agents started as
  // others finish get their start positions from the order results arrive in, which differs
  // between a live run and a replay unless the replay hands results back in the recorded order.
  const fanOut = wf(`return await parallel(['w', 'x', 'y', 'z'].map((f) => async () => {
  const found = await agent('scan ' + f);
  return agent('check ' + found);
}));`);

  test('agents started as others finish, with results that arrived out of order', async () => {
    const held = new HeldCalls();
    const first = new MemoryJournal();
    const running = run(fanOut, { journal: first, executor: new ScriptedExecutor(held.answer) });
    await finishInOrder(held, ['scan z', 'scan x', 'check echo: scan z', 'scan w', 'scan y', 'check echo: scan w', 'check echo: scan y', 'check echo: scan x']);
    const r1 = await running;
    // The checks were started in the order the scans finished.
    expect(first.sorted().map((e) => e.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const checkPositions = ['z', 'x', 'w', 'y'].map((f) => held && first.sorted().find((e) => e.result === `echo: check echo: scan ${f}`)!.position);
    expect(checkPositions).toEqual([4, 5, 6, 7]);

    const executor = new ScriptedExecutor();
    const r2 = await run(fanOut, { journal: new MemoryJournal(first), executor });
    expect(executor.calls).toHaveLength(0);
    expect(cachedFlags(r2)).toEqual(Array(8).fill(true));
    expect(r2.result).toEqual(r1.result);
  });

  test('a pipeline whose items move through their stages out of order', async () => {
    const source = wf("return await pipeline(['p', 'q', 'r'], (x) => agent('one ' + x), (prev) => agent('two ' + prev), (prev) => agent('three ' + prev));");
    const held = new HeldCalls();
    const first = new MemoryJournal();
    const running = run(source, { journal: first, executor: new ScriptedExecutor(held.answer) });
    await finishInOrder(held, [
      'one r',
      'two echo: one r',
      'one p',
      'three echo: two echo: one r',
      'one q',
      'two echo: one q',
      'two echo: one p',
      'three echo: two echo: one p',
      'three echo: two echo: one q',
    ]);
    const r1 = await running;
    const executor = new ScriptedExecutor();
    const r2 = await run(source, { journal: new MemoryJournal(first), executor });
    expect(executor.calls).toHaveLength(0);
    expect(r2.result).toEqual(r1.result);
  });

  test('a resumed run journals everything, so resuming it again is fully cached too', async () => {
    const first = new MemoryJournal();
    await run(sequential, { journal: first });
    const second = new MemoryJournal(first);
    await run(sequential, { journal: second });
    expect(second.sorted()).toEqual(first.sorted());
    const executor = new ScriptedExecutor();
    await run(sequential, { journal: new MemoryJournal(second), executor });
    expect(executor.calls).toHaveLength(0);
  });

  test('the budget sees cached results as it saw them live', async () => {
    const source = wf("await agent('a'); const mid = budget.spent(); await agent('b'); return [mid, budget.spent()];");
    const first = new MemoryJournal();
    const r1 = await run(source, { journal: first, budget: 1000 });
    const r2 = await run(source, { journal: new MemoryJournal(first), budget: 1000 });
    expect(r2.result).toEqual([10, 20]);
    expect(r2.result).toEqual(r1.result);
  });
});

describe('the longest unchanged prefix is replayed', () => {
  test('a changed prompt re-runs that agent and every agent started after it', async () => {
    const first = new MemoryJournal();
    await run(sequential, { journal: first });
    const executor = new ScriptedExecutor();
    const r = await run(sequential.replace("'c'", "'C'"), { journal: new MemoryJournal(first), executor });
    expect(executor.prompts()).toEqual(['C after 2', 'd after 3']);
    expect(cachedFlags(r)).toEqual([true, true, false, false]);
  });

  test('changed options count as a change; the same options in another order do not', async () => {
    const source = (opts: string) => wf(`await agent('a'); await agent('b', ${opts}); await agent('c');`);
    const first = new MemoryJournal();
    await run(source("{ label: 'B', model: 'm' }"), { journal: first });
    const same = new ScriptedExecutor();
    await run(source("{ model: 'm', label: 'B' }"), { journal: new MemoryJournal(first), executor: same });
    expect(same.calls).toHaveLength(0);
    const changed = new ScriptedExecutor();
    await run(source("{ label: 'B', model: 'other' }"), { journal: new MemoryJournal(first), executor: changed });
    expect(changed.prompts()).toEqual(['b', 'c']);
  });

  test('a changed prompt in one branch of parallel() re-runs the agents started after it', async () => {
    const source = (third: string) => wf(`return await parallel(['a', 'b', '${third}', 'd'].map((p) => () => agent(p)));`);
    const first = new MemoryJournal();
    await run(source('c'), { journal: first });
    const executor = new ScriptedExecutor();
    const r = await run(source('C'), { journal: new MemoryJournal(first), executor });
    expect(executor.prompts()).toEqual(['C', 'd']);
    expect(r.result).toEqual(['echo: a', 'echo: b', 'echo: C', 'echo: d']);
  });

  test('an agent that failed runs again, and so does every agent started after it, unchanged or not', async () => {
    let failB = true;
    const flaky = new ScriptedExecutor((call) =>
      call.prompt.startsWith('b') && failB ? { status: 'failed', text: null, usage: { input_total: 0, no_cache: 0, cache_read: 0, cache_write: 0, output: 0, reasoning: 0 }, error: 'boom', ref: null } : `echo: ${call.prompt}`,
    );
    const source = wf("const a = await agent('a');\nconst b = await agent('b');\nconst c = await agent('c');\nreturn [a, b, c];");
    const first = new MemoryJournal();
    const r1 = await run(source, { journal: first, executor: flaky });
    expect(r1.result).toEqual(['echo: a', null, 'echo: c']);
    failB = false;
    flaky.calls.length = 0;
    const r2 = await run(source, { journal: new MemoryJournal(first), executor: flaky });
    expect(flaky.prompts()).toEqual(['b', 'c']);
    expect(r2.result).toEqual(['echo: a', 'echo: b', 'echo: c']);
  });
});

describe('a run that stopped mid-way continues without re-running completed agents', () => {
  const source = wf(`const found = await parallel(['w', 'x', 'y', 'z'].map((f) => async () => {
  const scan = await agent('scan ' + f);
  return agent('check ' + f + ' ' + scan.length);
}));
return [found, await agent('sum ' + found.join('|'))];`);

  test('the same journal, a fresh sandbox (a respawn after a crash)', async () => {
    const held = new HeldCalls();
    const journal = new MemoryJournal();
    const stop = new AbortController();
    let journaled!: () => void;
    const threeJournaled = new Promise<void>((resolve) => (journaled = resolve));
    let finishedCount = 0;
    const onEvent = (e: WorkflowEvent) => {
      if (e.type === 'agent_finished' && ++finishedCount === 3) journaled();
    };
    const crashed = run(source, { journal, executor: new ScriptedExecutor(held.answer), signal: stop.signal, onEvent });
    await finishInOrder(held, ['scan y', 'scan w', 'check y 12']);
    await threeJournaled;
    // 'scan x', 'scan z' and 'check w 12' are still running when the process dies.
    expect(held.waiting.map((w) => w.call.prompt).sort()).toEqual(['check w 12', 'scan x', 'scan z']);
    stop.abort();
    expect((await crashed).status).toBe('cancelled');
    const beforeEntries = journal.sorted();
    const before = new Set(beforeEntries.map((e) => e.position));
    expect(journal.sorted().map((e) => e.result)).toEqual(['echo: scan w', 'echo: scan y', 'echo: check y 12']);

    const respawn = new ScriptedExecutor();
    const resumed = await run(source, { journal, executor: respawn });
    expect(resumed.status).toBe('completed');
    // Only what had not finished ran: no completed agent ran twice.
    expect(respawn.prompts().sort()).toEqual(['check w 12', 'check x 12', 'check z 12', 'scan x', 'scan z', 'sum echo: check w 12|echo: check x 12|echo: check y 12|echo: check z 12']);
    expect(cachedFlags(resumed).filter(Boolean)).toHaveLength(before.size);

    // Claude Code: "journal entries written under a different key after a respawn". The respawn
    // keeps the entries it found as they were, and what it wrote is what a replay computes: a
    // re-run of the finished journal is fully cached.
    expect(journal.sorted().filter((e) => before.has(e.position))).toEqual(beforeEntries);
    const rerun = new ScriptedExecutor();
    const again = await run(source, { journal: new MemoryJournal(journal), executor: rerun });
    expect(rerun.calls).toHaveLength(0);
    expect(again.result).toEqual(resumed.result);
  });
});

describe('Claude Code: entries without a key', () => {
  /** A journal that answers by position alone and lost the keys: a lookup must never take it for a hit. */
  class KeylessJournal implements StepJournal {
    constructor(private readonly from: MemoryJournal) {}
    async lookup(position: number): Promise<WorkflowJournalEntry | undefined> {
      const entry = this.from.entries.get(position);
      return entry && ({ ...entry, key: position === 1 ? undefined : entry.key } as unknown as WorkflowJournalEntry);
    }
    async record(): Promise<void> {}
  }

  test('an entry without a key is never a hit: that call and every call started after it run live', async () => {
    const first = new MemoryJournal();
    await run(sequential, { journal: first });
    const executor = new ScriptedExecutor();
    const r = await run(sequential, { journal: new KeylessJournal(first), executor });
    expect(executor.prompts()).toEqual(['b after 1', 'c after 2', 'd after 3']);
    expect(cachedFlags(r)).toEqual([true, false, false, false]);
    expect(r.logs).toEqual(['journal entry at position 1 does not match this call (no or another key); running it again']);
  });

  test('in parallel, calls started after a keyless entry run live even where their own entries match', async () => {
    const source = wf("return await parallel(['a', 'b', 'c', 'd'].map((p) => () => agent(p)));");
    const first = new MemoryJournal();
    await run(source, { journal: first });
    const executor = new ScriptedExecutor();
    const r = await run(source, { journal: new KeylessJournal(first), executor });
    expect(executor.prompts()).toEqual(['b', 'c', 'd']);
    expect(r.result).toEqual(['echo: a', 'echo: b', 'echo: c', 'echo: d']);
  });

  test('an entry at the position under another key is a miss too', async () => {
    const first = new MemoryJournal();
    await run(sequential, { journal: first });
    const other = new MemoryJournal();
    for (const e of first.sorted()) other.entries.set(e.position, { ...e, key: e.position === 0 ? 'f'.repeat(64) : e.key });
    const lying: StepJournal = { lookup: async (p) => other.entries.get(p), record: async () => {} };
    const executor = new ScriptedExecutor();
    await run(sequential, { journal: lying, executor });
    expect(executor.prompts()).toEqual(['a after 0', 'b after 1', 'c after 2', 'd after 3']);
  });

  test('every entry the runtime records has its key', async () => {
    const journal = new MemoryJournal();
    await run(sequential, { journal });
    expect(journal.records.map((e) => e.key)).toEqual(journal.records.map(() => expect.stringMatching(/^[0-9a-f]{64}$/)));
    expect(journal.records.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
  });
});

describe('journal failures fail the run', () => {
  test('a journal that cannot record', async () => {
    const r = await run(sequential, { journal: { lookup: async () => undefined, record: async () => Promise.reject(new Error('disk full')) } });
    expect(r).toMatchObject({ status: 'failed', error: 'the journal could not record agent 0: disk full' });
  });

  test('a journal that cannot be read', async () => {
    const r = await run(sequential, { journal: { lookup: async () => Promise.reject(new Error('connection lost')), record: async () => {} } });
    expect(r).toMatchObject({ status: 'failed', error: 'the journal could not be read: connection lost' });
  });
});
