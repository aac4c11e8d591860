import {
  WorkflowAgentOptions,
  WorkflowAgentOutcome,
  WorkflowJournalEntry,
  addUsage,
  emptyUsage,
  type Usage,
  type WorkflowAgentStatus,
  type WorkflowEvent,
  type WorkflowRunStatus,
} from '@boocode/contracts';
import type { ValidateFunction } from 'ajv';
import type { AgentExecutor } from './executor.js';
import type { StepJournal } from './journal.js';
import { stepKey } from './keys.js';
import { DEFAULT_LIMITS, type WorkflowLimits } from './limits.js';
import { parseWorkflow, type ParsedWorkflow } from './loader.js';
import { Sandbox, type SandboxHost } from './sandbox.js';
import { Semaphore } from './semaphore.js';
import { checkOutput, compileSchema, retryInstruction, schemaInstruction } from './structured-output.js';

export interface RunWorkflowOptions {
  workflow: ParsedWorkflow;
  /** The JSON value given at launch; the script sees `args` as undefined without it. */
  args?: unknown;
  journal: StepJournal;
  executor: AgentExecutor;
  /** The source of another workflow, for `workflow(name, args)`. */
  resolveWorkflow?: (name: string) => string | undefined;
  onEvent?: (event: WorkflowEvent) => void;
  /** Hard cap on output tokens across the run; none when null or absent. */
  budget?: number | null;
  limits?: Partial<WorkflowLimits>;
  signal?: AbortSignal;
}

export interface WorkflowRunResult {
  status: WorkflowRunStatus;
  result?: unknown;
  error: string | null;
  /** What the agents that ran live used (cached ones cost nothing this time). */
  usage: Usage;
}

/** How a call ended, and what `agent()` gives the script: the result, or an error it throws. */
interface Ending {
  status: WorkflowAgentStatus;
  result: unknown;
  usage: Usage;
  error: string | null;
  ref: string | null;
  throws: boolean;
}

type CallState =
  | { kind: 'deciding' }
  | { kind: 'cached'; entry: WorkflowJournalEntry }
  | { kind: 'running' }
  | { kind: 'done'; ending: Ending; order: number }
  | { kind: 'delivered' };

interface Call {
  position: number;
  key: string;
  prompt: string;
  options: WorkflowAgentOptions;
  validate: ValidateFunction | null;
  phase: string | null;
  label: string | null;
  state: CallState;
}

/**
 * Runs one workflow to its end in a fresh sandbox.
 *
 * Resume: every `agent()` call gets a start position (the order the script called it in) and a
 * key. While the journal has a completed entry at that position under that key, the call is
 * cached; the first call whose entry is missing a match runs live, a failed entry stops the
 * replay for every call started after it. Cached results go back to the script in the order they
 * reached it the first time (their `seq`), so a script that starts agents as others finish
 * starts the same agents at the same positions: the same script with the same args replays whole.
 */
export function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
  return new Run(options).run();
}

/** Parses `source` and runs it; a bad file throws WorkflowSourceError before anything runs. */
export function runWorkflowSource(source: string, options: Omit<RunWorkflowOptions, 'workflow'>): Promise<WorkflowRunResult> {
  return runWorkflow({ ...options, workflow: parseWorkflow(source) });
}

class Run implements SandboxHost {
  private readonly limits: WorkflowLimits;
  private readonly slots: Semaphore;
  private readonly abort = new AbortController();
  private sandbox: Sandbox | null = null;
  private readonly calls: Call[] = [];
  private previousKey: string | null = null;
  /** Lookups answered in start order, so "the first call that misses" is well-defined. */
  private decisions: Promise<void> = Promise.resolve();
  private pendingDecisions = 0;
  /** Start position of a failed or unverifiable journal entry: calls started after it run live. */
  private brokenAt: number | null = null;
  /** True while cached results are being handed back in their recorded order. */
  private replaying = true;
  private begun = false;
  private delivered = 0;
  private finishedCalls = 0;
  private pumping = false;
  /** Output tokens of every finished attempt and every cached result: the budget's view. */
  private spent = 0;
  private usage: Usage = emptyUsage();
  private ended = false;
  private resolveEnd!: (result: WorkflowRunResult) => void;

  constructor(private readonly options: RunWorkflowOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.slots = new Semaphore(this.limits.maxConcurrentAgents);
  }

  async run(): Promise<WorkflowRunResult> {
    const ended = new Promise<WorkflowRunResult>((resolve) => (this.resolveEnd = resolve));
    const { workflow, signal } = this.options;
    this.emit({ type: 'run_started', name: workflow.meta.name });
    if (signal?.aborted) this.cancel();
    signal?.addEventListener('abort', this.cancel);
    if (this.ended) return ended;
    try {
      const sandbox = await Sandbox.create(
        {
          name: workflow.meta.name,
          body: workflow.body,
          memoryMb: this.limits.memoryMb,
          cpuTimeMs: this.limits.cpuTimeMs,
          budget: this.options.budget ?? null,
          maxItems: this.limits.maxItems,
        },
        this,
      );
      this.sandbox = sandbox;
      if (this.ended) {
        sandbox.dispose();
        return ended;
      }
      await sandbox.begin(this.options.args === undefined ? '' : JSON.stringify(this.options.args));
      this.begun = true;
      await this.pump();
    } catch (err) {
      this.end('failed', undefined, message(err));
    }
    return ended;
  }

  private readonly cancel = (): void => this.end('cancelled', undefined, 'the run was cancelled');

  // ---- the script's requests (synchronous: the script waits for each answer) ----

  start(prompt: string, optionsJson: string, phase: string): string {
    try {
      return this.startCall(prompt, optionsJson, phase);
    } catch (err) {
      return refuse(`agent(): ${message(err)}`);
    }
  }

  private startCall(prompt: string, optionsJson: string, phase: string): string {
    if (this.ended) return refuse('agent(): the run has ended');
    if (this.calls.length >= this.limits.maxAgents) {
      return refuse(`agent(): this run has started ${this.limits.maxAgents} agents, the limit per run`);
    }
    const parsed = WorkflowAgentOptions.safeParse(JSON.parse(optionsJson));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return refuse(`agent(): ${['options', ...issue.path].join('.')}: ${issue.message}`);
    }
    const options = parsed.data;
    let validate: ValidateFunction | null = null;
    try {
      validate = options.schema ? compileSchema(options.schema) : null;
    } catch (err) {
      return refuse(`agent(): ${message(err)}`);
    }
    const position = this.calls.length;
    const key = stepKey(prompt, options, this.previousKey);
    this.previousKey = key;
    const call: Call = {
      position,
      key,
      prompt,
      options,
      validate,
      phase: options.phase ?? (phase || null),
      label: options.label ?? null,
      state: { kind: 'deciding' },
    };
    this.calls.push(call);
    if (!this.replaying || this.brokenAt !== null) {
      this.runLive(call);
    } else {
      this.pendingDecisions++;
      const found = this.options.journal.lookup(position, key);
      this.decisions = this.decisions
        .then(() => found)
        .then((entry) => this.decide(call, entry))
        .catch((err: unknown) => this.end('failed', undefined, `the journal could not be read: ${message(err)}`));
    }
    return JSON.stringify({ ok: true, value: position });
  }

  event(kind: 'log' | 'phase', text: string): void {
    this.emit(kind === 'log' ? { type: 'log', message: text } : { type: 'phase_started', title: text });
  }

  nested(name: string): string {
    try {
      const source = this.options.resolveWorkflow?.(name);
      if (source === undefined) return refuse(`workflow(): there is no workflow named ${JSON.stringify(name)}`);
      const { body } = parseWorkflow(source);
      this.emit({ type: 'log', message: `workflow ${name} started` });
      return JSON.stringify({ ok: true, value: `${body}\n//# sourceURL=workflow:${name.replace(/[^\w.-]/g, '_')}.js` });
    } catch (err) {
      return refuse(`workflow(${JSON.stringify(name)}): ${message(err)}`);
    }
  }

  done(ok: boolean, text: string): void {
    if (ok) this.end('completed', text === '' ? undefined : JSON.parse(text), null);
    else this.end('failed', undefined, text);
  }

  // ---- deciding, running and handing back calls ----

  private decide(call: Call, found: WorkflowJournalEntry | undefined): void {
    this.pendingDecisions--;
    if (this.ended) return;
    const entry = this.usable(call, found);
    if (this.brokenAt !== null) this.runLive(call);
    else if (entry?.status === 'completed') call.state = { kind: 'cached', entry };
    else {
      // A failed, stopped or unverifiable call runs again, and so does everything started after
      // it. No entry at all (the call was still running when the run stopped) is only a miss.
      if (found !== undefined) this.brokenAt = call.position;
      this.runLive(call);
    }
    void this.pump();
  }

  /** Only an entry recorded for exactly this call counts; anything else is a miss, never a hit. */
  private usable(call: Call, found: WorkflowJournalEntry | undefined): WorkflowJournalEntry | undefined {
    if (found === undefined) return undefined;
    const entry = WorkflowJournalEntry.safeParse(found);
    if (entry.success && entry.data.position === call.position && entry.data.key === call.key) return entry.data;
    this.emit({ type: 'log', message: `journal entry at position ${call.position} does not match this call (no or another key); running it again` });
    return undefined;
  }

  private runLive(call: Call): void {
    call.state = { kind: 'running' };
    void this.attempts(call).then((ending) => {
      call.state = { kind: 'done', ending, order: this.finishedCalls++ };
      void this.pump();
    });
  }

  private async attempts(call: Call): Promise<Ending> {
    await this.slots.acquire();
    let usage = emptyUsage();
    try {
      const { schema } = call.options;
      let prompt = schema ? schemaInstruction(call.prompt, schema) : call.prompt;
      let continueFrom: string | null = null;
      for (let attempt = 1; ; attempt++) {
        if (this.abort.signal.aborted) return ending('cancelled', null, usage, 'the run ended', null);
        this.emit({ type: 'agent_started', ...this.ref(call), prompt: call.prompt, attempt });
        const outcome = await this.execute(call, attempt, prompt, continueFrom);
        usage = addUsage(usage, outcome.usage);
        this.usage = addUsage(this.usage, outcome.usage);
        this.spent += outcome.usage.output;
        if (outcome.status !== 'completed') return ending(outcome.status, null, usage, outcome.error, outcome.ref);
        if (!call.validate || !schema) return ending('completed', outcome.text ?? '', usage, null, outcome.ref);
        const checked = checkOutput(outcome.text, call.validate);
        if (checked.ok) return ending('completed', checked.value, usage, null, outcome.ref);
        const problem = `the answer did not match options.schema (attempt ${attempt} of ${this.limits.schemaAttempts}): ${checked.problem}`;
        if (attempt >= this.limits.schemaAttempts) return { ...ending('failed', null, usage, `agent(): ${problem}`, outcome.ref), throws: true };
        if (this.spent >= (this.options.budget ?? Infinity)) {
          return { ...ending('failed', null, usage, `agent(): the budget is spent, no retry: ${problem}`, outcome.ref), throws: true };
        }
        this.emit({ type: 'log', message: `agent ${call.label ?? `#${call.position}`}: ${problem}; retrying` });
        continueFrom = outcome.ref;
        prompt = continueFrom ? retryInstruction(checked.problem, schema) : `${schemaInstruction(call.prompt, schema)}\n\n${retryInstruction(checked.problem, schema)}`;
      }
    } finally {
      this.slots.release();
    }
  }

  /** An executor that throws or answers out of shape fails the call (agent() gives null), not the run. */
  private async execute(call: Call, attempt: number, prompt: string, continueFrom: string | null): Promise<WorkflowAgentOutcome> {
    try {
      const answer = await this.options.executor.run({
        position: call.position,
        key: call.key,
        attempt,
        prompt,
        options: call.options,
        phase: call.phase,
        continueFrom,
        signal: this.abort.signal,
      });
      return WorkflowAgentOutcome.parse(answer);
    } catch (err) {
      return { status: 'failed', text: null, usage: emptyUsage(), error: `the agent could not run: ${message(err)}`, ref: null };
    }
  }

  /** Hands finished calls to the script one at a time; each is journaled before the script sees it. */
  private async pump(): Promise<void> {
    if (this.pumping || !this.begun) return;
    this.pumping = true;
    try {
      for (let next = this.next(); next && !this.ended; next = this.next()) await this.deliver(next);
    } catch (err) {
      this.end('failed', undefined, message(err));
    } finally {
      this.pumping = false;
    }
  }

  private next(): Call | undefined {
    if (this.replaying) {
      const recorded = this.calls.find((c) => c.state.kind === 'cached' && c.state.entry.seq === this.delivered);
      if (recorded) return recorded;
      // Every call the script waits on has been decided and none holds the next recorded place:
      // the recorded order is used up (or the script went another way). Live from here on.
      if (this.pendingDecisions > 0) return undefined;
      this.replaying = false;
    }
    // Cached results that were waiting for their turn first, then live ones as they finished.
    return (
      first(this.calls, (c) => (c.state.kind === 'cached' ? c.state.entry.seq : undefined)) ??
      first(this.calls, (c) => (c.state.kind === 'done' ? c.state.order : undefined))
    );
  }

  private async deliver(call: Call): Promise<void> {
    const { state } = call;
    const cached = state.kind === 'cached';
    if (state.kind !== 'cached' && state.kind !== 'done') return;
    const ended: Ending =
      state.kind === 'done' ? state.ending : ending('completed', state.entry.result, state.entry.usage, null, state.entry.ref);
    if (cached) this.spent += ended.usage.output;
    const seq = this.delivered++;
    call.state = { kind: 'delivered' };
    try {
      await this.options.journal.record({
        position: call.position,
        key: call.key,
        seq,
        status: ended.status,
        result: ended.result,
        usage: ended.usage,
        error: ended.error,
        label: call.label,
        phase: call.phase,
        ref: ended.ref,
      });
    } catch (err) {
      throw new Error(`the journal could not record agent ${call.position}: ${message(err)}`);
    }
    if (this.ended) return;
    this.emit({ type: 'agent_finished', ...this.ref(call), status: ended.status, cached, usage: ended.usage, error: ended.error });
    const payload = ended.throws
      ? { ok: false, error: ended.error, output: ended.usage.output }
      : { ok: true, value: ended.status === 'completed' ? ended.result : null, output: ended.usage.output };
    await this.sandbox?.deliver(call.position, JSON.stringify(payload));
  }

  private ref(call: Call) {
    return { position: call.position, key: call.key, label: call.label, phase: call.phase };
  }

  private emit(event: WorkflowEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (err) {
      this.end('failed', undefined, `the run's event handler failed: ${message(err)}`);
    }
  }

  private end(status: WorkflowRunStatus, result: unknown, error: string | null): void {
    if (this.ended) return;
    this.ended = true;
    this.abort.abort();
    this.options.signal?.removeEventListener('abort', this.cancel);
    // Not from inside a call the script is blocked in: the isolate is disposed once that returns.
    const sandbox = this.sandbox;
    if (sandbox) setImmediate(() => sandbox.dispose());
    this.emit({ type: 'run_finished', status, ...(result === undefined ? {} : { result }), error });
    this.resolveEnd({ status, ...(result === undefined ? {} : { result }), error, usage: this.usage });
  }
}

function ending(status: WorkflowAgentStatus, result: unknown, usage: Usage, error: string | null, ref: string | null): Ending {
  return { status, result, usage, error, ref, throws: false };
}

/** The call with the smallest rank, among those that have one. */
function first(calls: Call[], rank: (c: Call) => number | undefined): Call | undefined {
  let best: Call | undefined;
  let bestRank = Infinity;
  for (const c of calls) {
    const r = rank(c);
    if (r !== undefined && r < bestRank) [best, bestRank] = [c, r];
  }
  return best;
}

function refuse(error: string): string {
  return JSON.stringify({ ok: false, error });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
