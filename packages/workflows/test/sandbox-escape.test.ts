import { afterAll, describe, expect, test } from 'vitest';
import { run, ScriptedExecutor, wf } from './harness.js';

/**
 * Every way out we know of, each with the outcome that shows it stayed inside: the script sees
 * only its own isolate, and the host (this test process) goes on.
 */

const hostPrepareStackTrace = Error.prepareStackTrace;

afterAll(() => {
  // Nothing the scripts did reached the host's own globals.
  expect(Error.prepareStackTrace).toBe(hostPrepareStackTrace);
  expect(typeof process.exit).toBe('function');
});

describe('constructor chains reach only the isolate', () => {
  test.each([
    ['the global object', "globalThis.constructor.constructor('return process')()"],
    ['a global function', "agent.constructor.constructor('return process')()"],
    ['an async function', "(async () => {}).constructor('return process')()"],
    ['a result from the host', "(await agent('x')).constructor.constructor('return process')()"],
    ['an error from the host', "await agent(5).catch((e) => e.constructor.constructor('return process')())"],
    ['the budget object', "budget.spent.constructor('return process')()"],
  ])('through %s', async (_what, expr) => {
    const r = await run(wf(`return ${expr};`));
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^ReferenceError: process is not defined/);
  });

  test("the Function a chain reaches runs in the script's own global", async () => {
    const r = await run(
      wf(`const g = (await agent('x')).constructor.constructor('return this')();
return [g === globalThis, typeof g.process, typeof g.require, Object.getOwnPropertyNames(g).filter((n) => n.startsWith('$') || n.startsWith('_')).length];`),
    );
    expect(r.result).toEqual([true, 'undefined', 'undefined', 0]);
  });

  test('`this` at the top of the script is undefined (strict mode), not a host object', async () => {
    const r = await run(wf('return this.constructor.constructor("return process")();'));
    expect(r.error).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'constructor'\)/);
  });
});

describe('no host reference leaks through the globals', () => {
  test('functions and getters given to the host are read in the sandbox, never called by the host', async () => {
    const executor = new ScriptedExecutor();
    const r = await run(
      wf(`let reads = 0;
const sneaky = { get model() { reads++; return typeof process; }, label: () => 'fn' };
const answer = await agent('x', sneaky);
log({ toString() { return this.constructor.constructor('return process')(); } });
return [answer, reads];`),
      { executor },
    );
    expect(r.result).toEqual(['echo: x', 1]);
    expect(executor.calls[0]!.options).toEqual({ model: 'undefined' });
    expect(r.logs).toEqual(['{}']);
  });

  test('the globals do not expose their callers or arguments', async () => {
    const r = await run(
      wf(`const out = [];
for (const f of [agent, parallel, pipeline, phase, log, budget.spent]) {
  try { out.push(f.caller); } catch (e) { out.push(e.constructor.name); }
  try { out.push(f.arguments); } catch (e) { out.push(e.constructor.name); }
}
return out;`),
    );
    expect(r.result).toEqual(Array(12).fill('TypeError'));
  });

  test("replacing the script's JSON, Promise and Object.prototype does not change what crosses to the host", async () => {
    const executor = new ScriptedExecutor();
    const r = await run(
      wf(`Object.prototype.reference = true;
Object.prototype.promise = true;
Object.prototype.copy = false;
JSON.parse = () => ({ ok: true, value: 'forged' });
JSON.stringify = () => '{"agent":"forged"}';
const answer = await agent('x', { label: 'l' });
delete Object.prototype.reference; delete Object.prototype.promise; delete Object.prototype.copy;
return typeof answer + ':' + answer;`),
      { executor },
    );
    expect(r.result).toBe('string:echo: x');
    expect(executor.calls[0]!.options).toEqual({ label: 'l' });
  });
});

describe('Proxy tricks stay in the sandbox', () => {
  test('a Proxy as options is read by the sandbox; the host gets plain data', async () => {
    const executor = new ScriptedExecutor();
    const r = await run(
      wf(`const trapped = [];
const opts = new Proxy({ label: 'p' }, {
  get(t, k) { trapped.push(String(k)); return k === 'toJSON' ? undefined : t[k]; },
  ownKeys(t) { trapped.push('ownKeys:' + typeof process); return Reflect.ownKeys(t); },
});
await agent('x', opts);
return trapped;`),
      { executor },
    );
    expect(r.result).toEqual(['toJSON', 'ownKeys:undefined', 'label']);
    expect(executor.calls[0]!.options).toEqual({ label: 'p' });
  });

  test('a Proxy as the result is turned into JSON inside the sandbox', async () => {
    const r = await run(
      wf(`return new Proxy({}, {
  ownKeys: () => [typeof process === 'undefined' ? 'contained' : 'escaped'],
  getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }),
  get: (t, k) => (k === 'toJSON' ? undefined : typeof require),
});`),
    );
    expect(r.result).toEqual({ contained: 'undefined' });
  });

  test('a Proxy that traps everything as thunks for parallel() only fails its own run', async () => {
    const r = await run(
      wf("return await parallel(new Proxy([], { get: (t, k) => (k === 'length' ? 5000 : k === Symbol.iterator ? [][Symbol.iterator] : undefined) }));"),
    );
    expect(r.error).toMatch(/^RangeError: parallel\(\) got 5000 items; the limit is 4096/);
  });
});

describe('Error.prepareStackTrace sees only sandbox frames', () => {
  test('call sites around host calls give no host function, receiver or file', async () => {
    const r = await run(
      wf(`const F = Function;
Error.prepareStackTrace = (e, sites) => sites.map((s) => {
  const self = s.getThis();
  const fn = s.getFunction();
  return [
    self === undefined ? 'none' : self === globalThis ? 'sandbox global' : 'other',
    fn === undefined ? 'none' : fn.constructor === F ? 'sandbox function' : 'other',
    String(s.getFileName()),
  ];
});
const stacks = [];
try { await agent(5); } catch (e) { stacks.push(e.stack); }
try { await Function('return import("node:fs")')(); } catch (e) { stacks.push(e.stack); }
try { await workflow('none'); } catch (e) { stacks.push(e.stack); }
try { JSON.parse('{'); } catch (e) { stacks.push(e.stack); }
return stacks;`),
    );
    const sites = (r.result as [string, string, string][][]).flat();
    expect(sites.length).toBeGreaterThan(10);
    for (const [receiver, fn, file] of sites) {
      expect(['none', 'sandbox global']).toContain(receiver);
      expect(['none', 'sandbox function']).toContain(fn);
      expect(['<isolated-vm>', 'workflow:test.js', 'undefined', 'null']).toContain(file);
    }
  });
});

describe('CPU time', () => {
  test('an endless loop after an await is stopped at the CPU limit', async () => {
    const r = await run(wf("await agent('x');\nfor (;;) {}"), { limits: { cpuTimeMs: 300 } });
    expect(r).toMatchObject({
      status: 'failed',
      error: 'the workflow used more than its CPU time limit of 300 ms (an endless loop?) and was stopped',
    });
  });

  test('an endless loop inside a parallel() thunk after an await, too', async () => {
    const r = await run(wf("await parallel([() => agent('a'), async () => { await agent('b'); while (true) {} }]);"), { limits: { cpuTimeMs: 300 } });
    expect(r.error).toMatch(/CPU time limit of 300 ms/);
  });

  test('an endless loop before any await, too', async () => {
    const r = await run(wf('while (true) {}'), { limits: { cpuTimeMs: 300 } });
    expect(r.error).toMatch(/CPU time limit of 300 ms/);
  });

  test('an endless promise chain (microtasks only) is stopped too', async () => {
    const r = await run(wf('const spin = () => Promise.resolve().then(spin);\nspin();\nawait new Promise(() => {});'), { limits: { cpuTimeMs: 300 } });
    expect(r.error).toMatch(/CPU time limit of 300 ms/);
  });
});

describe('memory', () => {
  test('a memory bomb is stopped at the memory limit, and the host runs the next workflow', async () => {
    const r = await run(wf("await agent('x');\nconst hoard = [];\nfor (let i = 0; ; i++) hoard.push(new Array(100000).fill(i));"), {
      limits: { memoryMb: 32 },
    });
    expect(r).toMatchObject({ status: 'failed', error: 'the workflow used more than its memory limit of 32 MB and was stopped' });
    const next = await run(wf("return await agent('still here');"));
    expect(next.result).toBe('echo: still here');
  });

  test('a string bomb too', async () => {
    const r = await run(wf("let s = 'x';\nconst keep = [];\nfor (;;) { s = s + s; keep.push(s + keep.length); }"), { limits: { memoryMb: 32 } });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/memory limit of 32 MB|Invalid string length/);
  });
});

describe('shared memory and WebAssembly are not there', () => {
  test('SharedArrayBuffer and Atomics are gone, so Atomics.wait cannot block the sandbox', async () => {
    const probe = await run(wf('return [typeof SharedArrayBuffer, typeof Atomics, typeof globalThis.SharedArrayBuffer];'));
    expect(probe.result).toEqual(['undefined', 'undefined', 'undefined']);
    const r = await run(wf('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);'));
    expect(r.error).toMatch(/^ReferenceError: Atomics is not defined/);
  });

  test('WebAssembly is gone, so no shared wasm memory either', async () => {
    const r = await run(wf('return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer;'));
    expect(r.error).toMatch(/^ReferenceError: WebAssembly is not defined/);
  });
});
