/**
 * The script-side half of the workflow globals, evaluated in the isolate before the workflow.
 *
 * It gets four host functions (isolated-vm Callbacks, which are plain functions in the isolate
 * and carry strings only) and returns one dispatcher the host holds a reference to. Nothing of the
 * host is reachable from the script: values cross as JSON text, host functions answer with JSON
 * `{ok, value | error}` instead of throwing, and the options objects isolated-vm reads are never
 * built from the script's prototypes.
 *
 * Start order is decided here: `agent()` reports its call to the host synchronously, so the host
 * numbers calls in exactly the order the script made them. Results come back through `deliver`,
 * one at a time, and isolated-vm runs the script's microtasks before `deliver` returns, so every
 * agent a result leads to has started before the next result is handed over.
 */
export const PRELUDE = String.raw`
(function install(hostStart, hostEvent, hostNested, hostDone, configJson) {
  'use strict';
  const G = globalThis;
  const jsonParse = JSON.parse;
  const jsonStringify = JSON.stringify;
  const P = Promise;
  const Err = Error;
  const TypeErr = TypeError;
  const RangeErr = RangeError;
  const isArray = Array.isArray;
  const arrayFrom = Array.from;
  const reflectConstruct = Reflect.construct;
  const defineProperty = Object.defineProperty;
  const indirectEval = G.eval;
  const config = jsonParse(configJson);
  const total = config.budget === null ? Infinity : config.budget;
  const pending = [];
  let spent = 0;
  let currentPhase = null;

  function describe(e) {
    try {
      if (e !== null && typeof e === 'object' && typeof e.stack === 'string') return e.stack;
      return String(e);
    } catch (_) {
      return 'an error that cannot be described';
    }
  }
  function host(fn, ...args) {
    const answer = jsonParse(fn(...args));
    if (!answer.ok) throw new Err(answer.error);
    return answer.value;
  }
  function emit(kind, text) {
    hostEvent(kind, text);
  }
  function nondeterministic(what) {
    return new Err(what + ' is not available in a workflow: a resumed run replays the script and must see the same values again (pass times or seeds in args instead)');
  }

  function agent(prompt, opts) {
    try {
      if (typeof prompt !== 'string') throw new TypeErr('agent(prompt, opts): prompt must be a string');
      if (spent >= total) throw new Err('agent(): the budget of ' + total + ' output tokens is spent (' + spent + ' used)');
      let optionsJson;
      try {
        optionsJson = opts === undefined || opts === null ? '{}' : jsonStringify(opts);
      } catch (e) {
        throw new TypeErr('agent(prompt, opts): opts must be plain data: ' + describe(e));
      }
      const position = host(hostStart, prompt, optionsJson === undefined ? '{}' : optionsJson, currentPhase === null ? '' : currentPhase);
      return new P((resolve, reject) => {
        pending[position] = { resolve, reject };
      });
    } catch (e) {
      return P.reject(e);
    }
  }

  function items(list, what) {
    if (list === null || list === undefined || typeof list[Symbol.iterator] !== 'function') {
      throw new TypeErr(what + '() takes an array');
    }
    const out = isArray(list) ? list : arrayFrom(list);
    if (out.length > config.maxItems) {
      throw new RangeErr(what + '() got ' + out.length + ' items; the limit is ' + config.maxItems + ' per call (split the work)');
    }
    return out;
  }
  // A failed item becomes null, and the failure is logged rather than lost.
  function settle(run, what) {
    let p;
    try {
      p = P.resolve(run());
    } catch (e) {
      p = P.reject(e);
    }
    return p.then(
      (v) => v,
      (e) => {
        emit('log', what + ' failed: ' + describe(e));
        return null;
      },
    );
  }
  function parallel(thunks) {
    try {
      const list = items(thunks, 'parallel');
      return P.all(list.map((t, i) => settle(() => (typeof t === 'function' ? t() : t), 'parallel item ' + i)));
    } catch (e) {
      return P.reject(e);
    }
  }
  function pipeline(list, ...stages) {
    try {
      const all = items(list, 'pipeline');
      for (const s of stages) if (typeof s !== 'function') throw new TypeErr('pipeline(items, ...stages): every stage must be a function');
      return P.all(
        all.map((item, index) =>
          settle(async () => {
            let prev = item;
            for (const stage of stages) prev = await stage(prev, item, index);
            return prev;
          }, 'pipeline item ' + index),
        ),
      );
    } catch (e) {
      return P.reject(e);
    }
  }
  function phase(title) {
    currentPhase = String(title);
    emit('phase', currentPhase);
  }
  function log(...parts) {
    emit('log', parts.map((p) => (typeof p === 'string' ? p : p instanceof Err ? describe(p) : jsonOrString(p))).join(' '));
  }
  function jsonOrString(v) {
    try {
      const s = jsonStringify(v);
      return s === undefined ? String(v) : s;
    } catch (_) {
      return String(v);
    }
  }
  const budget = Object.freeze({
    total,
    spent: () => spent,
    remaining: () => (total - spent > 0 ? total - spent : 0),
  });
  function noDeeper() {
    return P.reject(new Err('workflow(): a nested workflow cannot start another one (one level only)'));
  }
  function workflow(name, nestedArgs) {
    try {
      const body = host(hostNested, String(name));
      const main = indirectEval(body);
      return P.resolve(main(nestedArgs, noDeeper));
    } catch (e) {
      return P.reject(e);
    }
  }

  // Resume replays the script, so it must not read the clock or a random source.
  const RealDate = G.Date;
  function Date(...a) {
    if (!new.target) throw nondeterministic('Date()');
    if (a.length === 0) throw nondeterministic('new Date() without arguments');
    return reflectConstruct(RealDate, a, new.target);
  }
  Date.prototype = RealDate.prototype;
  Date.UTC = RealDate.UTC;
  Date.parse = RealDate.parse;
  Date.now = function now() {
    throw nondeterministic('Date.now()');
  };
  defineProperty(RealDate.prototype, 'constructor', { value: Date, writable: true, configurable: true });
  G.Math.random = function random() {
    throw nondeterministic('Math.random()');
  };
  if (typeof G.Intl === 'object') {
    const proto = G.Intl.DateTimeFormat.prototype;
    const formatGetter = Object.getOwnPropertyDescriptor(proto, 'format').get;
    const formatToParts = proto.formatToParts;
    defineProperty(proto, 'format', {
      configurable: true,
      get() {
        const format = formatGetter.call(this);
        return (d) => {
          if (d === undefined) throw nondeterministic('Intl.DateTimeFormat format() without a date');
          return format(d);
        };
      },
    });
    proto.formatToParts = function (d) {
      if (d === undefined) throw nondeterministic('Intl.DateTimeFormat formatToParts() without a date');
      return formatToParts.call(this, d);
    };
  }
  // Shared memory could block the sandbox's thread without using CPU, and WebAssembly is not part
  // of the workflow language.
  delete G.SharedArrayBuffer;
  delete G.Atomics;
  delete G.WebAssembly;

  const globals = { agent, parallel, pipeline, phase, log, budget, Date, console: Object.freeze({ log, info: log, warn: log, error: log, debug: log }) };
  for (const name of Object.keys(globals)) {
    defineProperty(G, name, { value: globals[name], writable: true, configurable: true, enumerable: false });
  }

  function begin(main, argsJson) {
    const args = argsJson === '' ? undefined : jsonParse(argsJson);
    P.resolve(main(args, workflow)).then(
      (value) => {
        let json;
        try {
          json = jsonStringify(value);
        } catch (e) {
          hostDone(false, 'the result is not JSON: ' + describe(e));
          return;
        }
        hostDone(true, json === undefined ? '' : json);
      },
      (e) => hostDone(false, describe(e)),
    );
  }
  function deliver(position, payloadJson) {
    const waiting = pending[position];
    pending[position] = undefined;
    const payload = jsonParse(payloadJson);
    spent += payload.output;
    if (payload.ok) waiting.resolve(payload.value);
    else waiting.reject(new Err(payload.error));
  }
  return function control(op, a, b) {
    if (op === 'begin') begin(a, b);
    else deliver(a, b);
  };
})
`;
