import { describe, expect, test } from 'vitest';
import { emptyUsage, type WorkflowEvent } from '@boocode/contracts';
import { completed, HeldCalls, MemoryJournal, run, ScriptedExecutor, wf } from './harness.js';

const finished = (events: WorkflowEvent[]) => events.filter((e) => e.type === 'agent_finished');

describe('the body', () => {
  test('runs as an async function: top-level await and return give the result; args are the launch value', async () => {
    const r = await run(wf('const a = await agent("hi");\nreturn { a, args };'), { args: { n: 1 } });
    expect(r).toMatchObject({ status: 'completed', error: null, result: { a: 'echo: hi', args: { n: 1 } } });
    expect(r.events[0]).toEqual({ type: 'run_started', name: 'test' });
    expect(r.events.at(-1)).toMatchObject({ type: 'run_finished', status: 'completed', result: { a: 'echo: hi' } });
  });

  test('args is undefined when none were given, and no return gives no result', async () => {
    const r = await run(wf('log(typeof args);'));
    expect(r.status).toBe('completed');
    expect(r.logs).toEqual(['undefined']);
    expect('result' in r).toBe(false);
  });

  test('the workflow form runs run(args)', async () => {
    const source = `function twice(x) { return x * 2; }
export const workflow = { name: 'w', description: 'd', async run(args) { return twice(args.n) + (await agent('x')).length; } };`;
    const r = await run(source, { args: { n: 4 } });
    expect(r.result).toBe(8 + 'echo: x'.length);
  });

  test('a throw fails the run with its message and the line in the file', async () => {
    const r = await run(wf('await agent("a");\nthrow new Error("no luck");'));
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^Error: no luck\n\s+at .*workflow:test\.js:3:7/);
  });

  test('a result that is not JSON fails the run', async () => {
    const r = await run(wf('const o = {}; o.self = o; return o;'));
    expect(r).toMatchObject({ status: 'failed', error: expect.stringMatching(/the result is not JSON: TypeError: Converting circular/) });
  });
});

describe('agent()', () => {
  test('passes prompt and options to the executor and returns the final text', async () => {
    const executor = new ScriptedExecutor();
    const r = await run(
      wf(`phase('Scan');
return await agent('look', { label: 'scanner', model: 'm', effort: 'high', isolation: 'worktree', agentType: 'explorer', agent: 'opencode', unknownOption: 1 });`),
      { executor },
    );
    expect(r.result).toBe('echo: look');
    expect(executor.calls).toHaveLength(1);
    expect(executor.calls[0]).toMatchObject({
      position: 0,
      attempt: 1,
      prompt: 'look',
      phase: 'Scan',
      continueFrom: null,
      options: { label: 'scanner', model: 'm', effort: 'high', isolation: 'worktree', agentType: 'explorer', agent: 'opencode' },
    });
    expect(executor.calls[0]!.options).not.toHaveProperty('unknownOption');
    expect(finished(r.events)[0]).toMatchObject({ label: 'scanner', phase: 'Scan', status: 'completed', cached: false });
  });

  test('bad options are an error naming the field', async () => {
    const r = await run(wf("await agent('x', { isolation: 'container' });"));
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/agent\(\): options\.isolation: /);
    const r2 = await run(wf('await agent(42);'));
    expect(r2.error).toMatch(/agent\(prompt, opts\): prompt must be a string/);
    const r3 = await run(wf("await agent('x', 'fast');"));
    expect(r3.error).toMatch(/^Error: agent\(\): options: Invalid input: expected object, received string/);
    const r4 = await run(wf("await agent('x', { label: 7 });"));
    expect(r4.error).toMatch(/^Error: agent\(\): options\.label: Invalid input: expected string, received number/);
  });

  test('returns null when the agent is stopped or dies on a terminal error, and the run goes on', async () => {
    const executor = new ScriptedExecutor((call) => {
      if (call.prompt === 'stopped') return { ...completed(''), status: 'cancelled', text: null, error: 'stopped by the user' };
      if (call.prompt === 'dies') return { ...completed(''), status: 'failed', text: null, error: 'model not found' };
      if (call.prompt === 'throws') throw new Error('queue unavailable');
      return `echo: ${call.prompt}`;
    });
    const r = await run(wf("return [await agent('stopped'), await agent('dies'), await agent('throws'), await agent('fine')];"), { executor });
    expect(r.result).toEqual([null, null, null, 'echo: fine']);
    expect(finished(r.events).map((e) => [e.status, e.error])).toEqual([
      ['cancelled', 'stopped by the user'],
      ['failed', 'model not found'],
      ['failed', 'the agent could not run: queue unavailable'],
      ['completed', null],
    ]);
  });

  describe('with a schema', () => {
    const schema = "{ type: 'object', required: ['bugs'], properties: { bugs: { type: 'array', items: { type: 'string' } } } }";

    test('returns the validated object, read from bare JSON or a fenced block', async () => {
      const executor = new ScriptedExecutor((call) => (call.position === 0 ? '{"bugs": ["a"]}' : 'Here:\n```json\n{"bugs": []}\n```'));
      const r = await run(wf(`return [await agent('find', { schema: ${schema} }), await agent('again', { schema: ${schema} })];`), { executor });
      expect(r.result).toEqual([{ bugs: ['a'] }, { bugs: [] }]);
      expect(executor.calls[0]!.prompt).toMatch(/^find\n\nAnswer with a single JSON value[\s\S]*"required"/);
    });

    test("takes the JSON that ends an answer when the agent talked before it (an answer holds every step's text)", async () => {
      const answers = ['I will look at the code first.{"bugs": ["x"]}', 'Found these:\n[1] and then\n{"bugs": []}\n', 'nothing here {"bugs": "no"} really'];
      const executor = new ScriptedExecutor((call) => answers[call.position]!);
      const r = await run(
        wf(`const out = [await agent('a', { schema: ${schema} }), await agent('b', { schema: ${schema} })];
try { await agent('c', { schema: ${schema} }); } catch (e) { out.push(e.message); }
return out;`),
        { executor },
      );
      expect(r.result).toEqual([{ bugs: ['x'] }, { bugs: [] }, expect.stringMatching(/attempt 5 of 5\): the answer is not JSON$/)]);
    });

    test('retries invalid output with what was wrong, continuing the same agent', async () => {
      const answers = ['not json', '{"bugs": "none"}', '{"bugs": ["x"]}'];
      const executor = new ScriptedExecutor((call) => completed(answers[call.attempt - 1]!, 10, `task-${call.attempt}`));
      const r = await run(wf(`return await agent('find', { schema: ${schema} });`), { executor });
      expect(r.result).toEqual({ bugs: ['x'] });
      expect(executor.calls.map((c) => [c.attempt, c.continueFrom])).toEqual([
        [1, null],
        [2, 'task-1'],
        [3, 'task-2'],
      ]);
      expect(executor.calls[1]!.prompt).toMatch(/did not match the required JSON Schema: the answer is not JSON/);
      expect(executor.calls[2]!.prompt).toMatch(/\/bugs must be array/);
      expect(r.logs.filter((l) => l.includes('retrying'))).toHaveLength(2);
      // Every attempt counts: the usage of the call is that of its three attempts.
      expect(finished(r.events)[0]!.usage.output).toBe(30);
    });

    test('fails the call after 5 invalid answers: agent() throws', async () => {
      const executor = new ScriptedExecutor(() => '{"bugs": 1}');
      const r = await run(wf(`try { await agent('find', { schema: ${schema} }); } catch (e) { return e.message; }`), { executor });
      expect(executor.calls).toHaveLength(5);
      expect(r.result).toMatch(/^agent\(\): the answer did not match options\.schema \(attempt 5 of 5\): \/bugs must be array$/);
      expect(finished(r.events)[0]).toMatchObject({ status: 'failed' });
    });

    test('a retry without a handle on the previous attempt repeats the whole prompt', async () => {
      const executor = new ScriptedExecutor((call) => (call.attempt === 1 ? 'nope' : '{"bugs": []}'));
      await run(wf(`return await agent('find', { schema: ${schema} });`), { executor });
      expect(executor.calls[1]!.prompt).toMatch(/^find\n\nAnswer with a single JSON value[\s\S]*did not match/);
    });

    test('a schema that is not a JSON Schema is an error naming it', async () => {
      const r = await run(wf("await agent('x', { schema: { type: 'banana' } });"));
      expect(r.error).toMatch(/agent\(\): options\.schema is not a valid JSON Schema/);
    });
  });
});

describe('parallel()', () => {
  test('waits for all, never rejects: a thrown thunk becomes null and is logged', async () => {
    const r = await run(
      wf(`return await parallel([
  () => agent('a'),
  () => { throw new Error('bad thunk'); },
  async () => { await agent('b'); throw new Error('late failure'); },
  () => agent('c'),
]);`),
    );
    expect(r.result).toEqual(['echo: a', null, null, 'echo: c']);
    expect(r.logs).toEqual([
      expect.stringMatching(/^parallel item 1 failed: Error: bad thunk/),
      expect.stringMatching(/^parallel item 2 failed: Error: late failure/),
    ]);
  });

  test('is a barrier: nothing after it starts before every thunk has finished', async () => {
    const held = new HeldCalls();
    const executor = new ScriptedExecutor(held.answer);
    const running = run(wf("await parallel([() => agent('a'), () => agent('b')]);\nreturn await agent('after');"), { executor });
    await held.waitFor(2);
    held.finish('b');
    held.finish('a');
    await held.waitFor(1);
    expect(held.waiting.map((w) => w.call.prompt)).toEqual(['after']);
    held.finish('after');
    expect((await running).result).toBe('echo: after');
  });

  test('more than 4,096 items is a clear error, not a truncation', async () => {
    const r = await run(wf('return await parallel(Array.from({ length: 4097 }, () => () => 1));'));
    expect(r.error).toMatch(/RangeError: parallel\(\) got 4097 items; the limit is 4096 per call/);
    const ok = await run(wf('return (await parallel(Array.from({ length: 4096 }, (_, i) => () => i))).length;'));
    expect(ok.result).toBe(4096);
  });
});

describe('pipeline()', () => {
  test('has no barrier: an item goes to its next stage while others are still in the first', async () => {
    const held = new HeldCalls();
    const executor = new ScriptedExecutor(held.answer);
    const running = run(wf("return await pipeline(['x', 'y'], (prev) => agent('one ' + prev), (prev, item, i) => agent('two ' + item + i));"), {
      executor,
    });
    await held.waitFor(2);
    held.finish('one x');
    await held.waitFor(2);
    expect(held.waiting.map((w) => w.call.prompt).sort()).toEqual(['one y', 'two x0']);
    held.finish('two x0', 'done x');
    held.finish('one y');
    await held.waitFor(1);
    held.finish('two y1', 'done y');
    expect((await running).result).toEqual(['done x', 'done y']);
  });

  test('a stage that throws nulls its item and skips the rest of its stages', async () => {
    const executor = new ScriptedExecutor();
    const r = await run(
      wf(`return await pipeline([1, 2, 3],
  (prev) => { if (prev === 2) throw new Error('two is bad'); return prev * 10; },
  (prev, item) => agent('stage two ' + prev + ' of ' + item));`),
      { executor },
    );
    expect(r.result).toEqual(['echo: stage two 10 of 1', null, 'echo: stage two 30 of 3']);
    expect(executor.prompts()).toEqual(['stage two 10 of 1', 'stage two 30 of 3']);
    expect(r.logs).toEqual([expect.stringMatching(/^pipeline item 1 failed: Error: two is bad/)]);
  });

  test('more than 4,096 items is a clear error', async () => {
    const r = await run(wf('return await pipeline(Array.from({ length: 5000 }), (x) => x);'));
    expect(r.error).toMatch(/pipeline\(\) got 5000 items; the limit is 4096/);
  });
});

describe('phase(), log(), console', () => {
  test('report events in order; phase is the default phase of later agents', async () => {
    const r = await run(wf("phase('Plan');\nlog('planning', 3, { a: 1 });\nconsole.log('via console');\nawait agent('p');\nphase('Do');\nawait agent('d', { phase: 'Custom' });"));
    const kinds = r.events.map((e) => (e.type === 'log' ? `log:${e.message}` : e.type === 'phase_started' ? `phase:${e.title}` : e.type));
    expect(kinds).toEqual([
      'run_started',
      'phase:Plan',
      'log:planning 3 {"a":1}',
      'log:via console',
      'agent_started',
      'agent_finished',
      'phase:Do',
      'agent_started',
      'agent_finished',
      'run_finished',
    ]);
    expect(finished(r.events).map((e) => e.phase)).toEqual(['Plan', 'Custom']);
  });
});

describe('budget', () => {
  test('counts output tokens; agent() throws once it is spent', async () => {
    const executor = new ScriptedExecutor(() => completed('ok', 40));
    const r = await run(
      wf(`const seen = [budget.total, budget.spent(), budget.remaining()];
await agent('one'); seen.push(budget.spent(), budget.remaining());
await agent('two'); seen.push(budget.spent(), budget.remaining());
await agent('three'); seen.push(budget.spent(), budget.remaining());
try { await agent('four'); } catch (e) { seen.push(e.message); }
return seen;`),
      { executor, budget: 100 },
    );
    expect(r.result).toEqual([100, 0, 100, 40, 60, 80, 20, 120, 0, 'agent(): the budget of 100 output tokens is spent (120 used)']);
    expect(executor.calls).toHaveLength(3);
  });

  test('without a budget the total is unlimited', async () => {
    const r = await run(wf('await agent("x"); return [budget.total === Infinity, budget.spent()];'));
    expect(r.result).toEqual([true, 10]);
  });

  test('a schema retry stops once the budget is spent', async () => {
    const executor = new ScriptedExecutor(() => completed('not json', 60));
    const r = await run(wf("try { await agent('x', { schema: { type: 'object' } }); } catch (e) { return e.message; }"), { executor, budget: 100 });
    expect(executor.calls).toHaveLength(2);
    expect(r.result).toMatch(/the budget is spent, no retry/);
  });
});

describe('workflow()', () => {
  const nestedSource = wf(
    "log('nested got', args);\nreturn (await agent('inner ' + args.topic)) + ' / ' + (await workflow('leaf').catch((e) => e.message));",
    'inner',
  );
  const resolveWorkflow = (name: string) => ({ inner: nestedSource, leaf: wf('return 1;', 'leaf'), broken: 'export const meta = {' })[name];

  test('runs another workflow inline with its own args, one level deep only', async () => {
    const executor = new ScriptedExecutor();
    const r = await run(wf("const a = await agent('outer');\nreturn [a, await workflow('inner', { topic: 'x' })];"), { executor, resolveWorkflow });
    expect(r.result).toEqual(['echo: outer', 'echo: inner x / workflow(): a nested workflow cannot start another one (one level only)']);
    expect(r.logs).toEqual(['workflow inner started', 'nested got {"topic":"x"}']);
    // One run, one journal: the nested agents take the next positions.
    expect(executor.calls.map((c) => c.position)).toEqual([0, 1]);
  });

  test('an unknown or broken workflow is an error naming it', async () => {
    const r = await run(wf("return [await workflow('nope').catch((e) => e.message), await workflow('broken').catch((e) => e.message)];"), {
      resolveWorkflow,
    });
    expect(r.result).toEqual(['workflow(): there is no workflow named "nope"', expect.stringMatching(/^workflow\("broken"\): syntax error at line 1/)]);
  });
});

describe('determinism', () => {
  test.each([
    ['Date.now()', /Date\.now\(\) is not available in a workflow: a resumed run replays the script/],
    ['Math.random()', /Math\.random\(\) is not available/],
    ['new Date()', /new Date\(\) without arguments is not available/],
    ['Date()', /Date\(\) is not available/],
    ['new Date(0).constructor.now()', /Date\.now\(\) is not available/],
    ['new Intl.DateTimeFormat().format()', /format\(\) without a date is not available/],
  ])('%s throws, saying why', async (expr, message) => {
    const r = await run(wf(`return ${expr};`));
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(message);
  });

  test('dates from given values still work', async () => {
    const r = await run(wf("return [new Date(0).toISOString(), Date.UTC(2020, 0, 1), Date.parse('2020-01-01T00:00:00Z'), new Date(0) instanceof Date];"));
    expect(r.result).toEqual(['1970-01-01T00:00:00.000Z', 1577836800000, 1577836800000, true]);
  });
});

describe('nothing of the host is there', () => {
  test.each([
    ['require', 'typeof require'],
    ['process', 'typeof process'],
    ['timers', '[typeof setTimeout, typeof setInterval, typeof setImmediate, typeof queueMicrotask].join()'],
    ['network', '[typeof fetch, typeof XMLHttpRequest, typeof WebSocket].join()'],
    ['Node globals', '[typeof Buffer, typeof global, typeof module, typeof exports, typeof __dirname].join()'],
  ])('no %s', async (_what, expr) => {
    const r = await run(wf(`return ${expr};`));
    expect(r.status).toBe('completed');
    expect(new Set(String(r.result).split(','))).toEqual(new Set(['undefined']));
  });

  test('import() built at run time is refused', async () => {
    const r = await run(wf("return await Function('return import(\"node:fs\")')();"));
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^Error: Not supported/);
  });
});

describe('limits', () => {
  test('16 agents at once by default; the others queue and all finish', async () => {
    const held = new HeldCalls();
    const executor = new ScriptedExecutor(held.answer);
    const running = run(wf('return (await parallel(Array.from({ length: 20 }, (_, i) => () => agent("n" + i)))).length;'), { executor });
    await held.waitFor(16);
    expect(held.waiting).toHaveLength(16);
    for (let i = 0; i < 20; i++) {
      await held.waitFor(1);
      held.finish(held.waiting[0]!.call.prompt);
    }
    expect((await running).result).toBe(20);
    expect(executor.maxInFlight).toBe(16);
  });

  test('the concurrency is configurable', async () => {
    const held = new HeldCalls();
    const executor = new ScriptedExecutor(held.answer);
    const running = run(wf('await parallel(Array.from({ length: 6 }, (_, i) => () => agent("n" + i)));'), { executor, limits: { maxConcurrentAgents: 2 } });
    for (let i = 0; i < 6; i++) {
      await held.waitFor(Math.min(2, 6 - i));
      held.finish(held.waiting[0]!.call.prompt);
    }
    expect((await running).status).toBe('completed');
    expect(executor.maxInFlight).toBe(2);
    expect(executor.calls).toHaveLength(6);
  });

  test('1,000 agents per run: the next one is a clear error', async () => {
    const executor = new ScriptedExecutor(() => completed('x', 0));
    const r = await run(
      wf(`for (let i = 0; i < 1000; i++) await agent('n' + i);
try { await agent('one too many'); } catch (e) { return e.message; }`),
      { executor },
    );
    expect(r.result).toBe('agent(): this run has started 1000 agents, the limit per run');
    expect(executor.calls).toHaveLength(1000);
  });
});

test('the run reports the usage of the agents that ran', async () => {
  const executor = new ScriptedExecutor(() => ({ ...completed('x'), usage: { ...emptyUsage(), input_total: 5, output: 7 } }));
  const r = await run(wf("await agent('a'); await agent('b');"), { executor, journal: new MemoryJournal() });
  expect(r.usage).toMatchObject({ input_total: 10, output: 14 });
});
