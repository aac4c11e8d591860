import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { TerminalError } from './errors.js';

/**
 * Regular expressions from users run on RE2 (re2js, pure JavaScript): matching is linear in the text, so
 * the classic catastrophic patterns (`(a+)+$`) cost what any other pattern costs. What is left to guard is
 * size: RE2 refuses repetition counts over 1000, and a pattern may still compile to a large program
 * (`\w{1,1000}` repeated) whose compile and scan take long. So the work runs in a worker thread, keeping
 * the server's event loop free, with a program-size cap and a deadline after which the worker is
 * terminated; both answer "pattern too expensive".
 */

/**
 * The worker is given as source text: the server runs from TypeScript sources in tests and from compiled
 * JavaScript in production, and a worker file would need a loader for the first. It only compiles and
 * tests lines; everything else stays typed on this side.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { RE2JS } = require(workerData.re2js);
parentPort.on('message', (m) => {
  let re;
  try {
    re = RE2JS.compile(m.pattern, m.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: 'syntax', message: String(e && e.message) });
    return;
  }
  const size = re.programSize();
  if (size > m.maxProgramSize) {
    parentPort.postMessage({ id: m.id, error: 'size', message: 'compiles to ' + size + ' instructions' });
    return;
  }
  const found = [];
  let truncated = false;
  for (let i = m.lines.length - 1; i >= 0; i--) {
    if (!re.test(m.lines[i])) continue;
    if (found.length === m.limit) { truncated = true; break; }
    found.push(i);
  }
  parentPort.postMessage({ id: m.id, found: found.reverse(), truncated });
});
`;

const Reply = z.union([
  z.object({ id: z.number(), found: z.array(z.number().int()), truncated: z.boolean() }),
  z.object({ id: z.number(), error: z.enum(['syntax', 'size']), message: z.string() }),
]);

export interface RegexLimits {
  /** Largest compiled RE2 program accepted. */
  maxProgramSize: number;
  /** Compile plus scan must finish within this, or the worker is terminated. */
  timeoutMs: number;
}

export interface FoundLines {
  /** Indices of matching lines, ascending; the newest `limit` when there are more. */
  indices: number[];
  truncated: boolean;
}

const tooExpensive = (why: string) => new TerminalError('pattern_too_expensive', `pattern too expensive: ${why}`);

/** One worker, started on first use and replaced after a deadline kill; searches run one at a time. */
export class RegexWorker {
  private worker: Worker | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private readonly re2js = createRequire(import.meta.url).resolve('re2js');

  constructor(private readonly limits: RegexLimits) {}

  findLines(pattern: string, ignoreCase: boolean, lines: readonly string[], limit: number): Promise<FoundLines> {
    const run = this.queue.then(() => this.run(pattern, ignoreCase, lines, limit));
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private spawn(): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { re2js: this.re2js } });
    // An idle search worker must not keep the process alive.
    w.unref();
    return w;
  }

  private run(pattern: string, ignoreCase: boolean, lines: readonly string[], limit: number): Promise<FoundLines> {
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    return new Promise<FoundLines>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      const timer = setTimeout(() => {
        done();
        if (this.worker === worker) this.worker = null;
        void worker.terminate();
        reject(tooExpensive(`no answer within ${this.limits.timeoutMs} ms`));
      }, this.limits.timeoutMs);
      const onError = (err: Error) => {
        done();
        if (this.worker === worker) this.worker = null;
        reject(err);
      };
      const onMessage = (raw: unknown) => {
        const reply = Reply.parse(raw);
        if (reply.id !== id) return;
        done();
        if ('found' in reply) return resolve({ indices: reply.found, truncated: reply.truncated });
        if (reply.error === 'size') return reject(tooExpensive(`${reply.message}, at most ${this.limits.maxProgramSize} allowed`));
        // RE2's cap on repetition counts is its guard against patterns that expand into huge programs.
        if (/invalid repeat count/.test(reply.message)) return reject(tooExpensive(`${reply.message} (at most 1000, nested ones multiplied)`));
        reject(new TerminalError('invalid_pattern', `invalid pattern: ${reply.message.replace(/^error parsing regexp: /, '')}`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, pattern, ignoreCase, lines, limit, maxProgramSize: this.limits.maxProgramSize });
    });
  }
}
