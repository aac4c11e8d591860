import type IsolatedVM from 'isolated-vm';
import { loadIsolatedVm } from './isolated-vm.js';
import { PRELUDE } from './prelude.js';

/** What the script can ask of the host; every answer is text, and none of them throws. */
export interface SandboxHost {
  /** An `agent()` call: answers JSON `{ok, value: position}` or `{ok: false, error}`. */
  start(prompt: string, optionsJson: string, phase: string): string;
  event(kind: 'log' | 'phase', text: string): void;
  /** `workflow(name)`: answers JSON `{ok, value: body}` with the nested workflow's function source. */
  nested(name: string): string;
  /** The script's main function settled: its result as JSON text ('' for undefined), or an error. */
  done(ok: boolean, text: string): void;
}

export interface SandboxOptions {
  name: string;
  /** The workflow body, an async function expression `(args, workflow) => result`. */
  body: string;
  memoryMb: number;
  cpuTimeMs: number;
  budget: number | null;
  maxItems: number;
}

/** How often the CPU time of the script is checked: a loop after an `await` has no other bound. */
const WATCH_INTERVAL_MS = 20;

/**
 * One run's V8 isolate (isolated-vm): its own heap with a hard limit, no Node APIs, CPU time
 * watched for the whole run. The host drives it: `begin` starts the script, `deliver` hands it
 * one agent result; the script's own microtasks all run inside those calls.
 */
export class Sandbox {
  private stopReason: string | null = null;
  private readonly watch: NodeJS.Timeout;

  private constructor(
    private readonly isolate: IsolatedVM.Isolate,
    private readonly control: IsolatedVM.Reference<(op: string, a: unknown, b: string) => void>,
    private readonly main: IsolatedVM.Reference<unknown>,
    private readonly options: SandboxOptions,
  ) {
    this.watch = setInterval(() => this.checkCpu(), WATCH_INTERVAL_MS);
    this.watch.unref();
  }

  /** Throws SandboxUnavailableError where isolated-vm cannot run. */
  static async create(options: SandboxOptions, host: SandboxHost): Promise<Sandbox> {
    const ivm = loadIsolatedVm();
    const isolate = new ivm.Isolate({ memoryLimit: options.memoryMb });
    try {
      const context = await isolate.createContext();
      const callbacks = [
        new ivm.Callback((prompt: string, optionsJson: string, phase: string) => host.start(prompt, optionsJson, phase)),
        new ivm.Callback((kind: 'log' | 'phase', text: string) => host.event(kind, text)),
        new ivm.Callback((name: string) => host.nested(name)),
        new ivm.Callback((ok: boolean, text: string) => host.done(ok, text)),
      ];
      const config = JSON.stringify({ budget: options.budget, maxItems: options.maxItems });
      const control = await context.evalClosure(`return (${PRELUDE})($0, $1, $2, $3, $4);`, [...callbacks, config], {
        result: { reference: true },
      });
      const script = await isolate.compileScript(options.body, { filename: `workflow:${fileName(options.name)}.js` });
      const main = await script.run(context, { reference: true });
      return new Sandbox(isolate, control, main, options);
    } catch (err) {
      if (!isolate.isDisposed) isolate.dispose();
      throw err;
    }
  }

  /** Starts the script; resolves once it waits on agents or has finished. */
  begin(argsJson: string): Promise<void> {
    return this.enter(() => this.control.apply(undefined, ['begin', this.main.derefInto(), argsJson]));
  }

  /** Hands the script one agent result; resolves once everything it led to has run. */
  deliver(position: number, payloadJson: string): Promise<void> {
    return this.enter(() => this.control.apply(undefined, ['deliver', position, payloadJson]));
  }

  dispose(): void {
    clearInterval(this.watch);
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }

  private async enter(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      throw new Error(this.explain(err));
    }
  }

  /** Says why the isolate died in the user's terms: a limit, rather than "isolate disposed". */
  private explain(err: unknown): string {
    if (this.stopReason) return this.stopReason;
    const message = (err as Error).message ?? String(err);
    if (/memory limit/i.test(message)) {
      return `the workflow used more than its memory limit of ${this.options.memoryMb} MB and was stopped`;
    }
    return message;
  }

  private checkCpu(): void {
    if (this.isolate.isDisposed) return clearInterval(this.watch);
    const usedMs = Number(this.isolate.cpuTime / 1_000_000n);
    if (usedMs <= this.options.cpuTimeMs) return;
    this.stopReason = `the workflow used more than its CPU time limit of ${this.options.cpuTimeMs} ms (an endless loop?) and was stopped`;
    this.dispose();
  }
}

function fileName(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}
