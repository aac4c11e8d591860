import { WorkflowEvent, WorkflowJournalEntry, emptyUsage, type WorkflowAgentOutcome } from '@boocode/contracts';
import { runWorkflowSource, type AgentCall, type AgentExecutor, type RunWorkflowOptions, type StepJournal, type WorkflowRunResult } from '@boocode/workflows';

/**
 * The journal in memory. Each instance is one run's journal; `resumeFrom` makes lookups fall back
 * to the run it resumes, as a re-run with `resume_from` does.
 */
export class MemoryJournal implements StepJournal {
  readonly entries = new Map<number, WorkflowJournalEntry>();
  readonly records: WorkflowJournalEntry[] = [];
  lookups = 0;

  constructor(private readonly resumeFrom?: MemoryJournal) {}

  async lookup(position: number, key: string): Promise<WorkflowJournalEntry | undefined> {
    this.lookups++;
    const entry = this.entries.get(position) ?? this.resumeFrom?.entries.get(position);
    return entry?.key === key ? entry : undefined;
  }

  async record(entry: WorkflowJournalEntry): Promise<void> {
    WorkflowJournalEntry.parse(entry);
    this.entries.set(entry.position, entry);
    this.records.push(entry);
  }

  /** Entries by position, as the next run would find them. */
  sorted(): WorkflowJournalEntry[] {
    return [...this.entries.values()].sort((a, b) => a.position - b.position);
  }
}

export type Answer = string | WorkflowAgentOutcome;

export const completed = (text: string, output = 10, ref: string | null = null): WorkflowAgentOutcome => ({
  status: 'completed',
  text,
  usage: { ...emptyUsage(), output },
  error: null,
  ref,
});

/** An executor that answers from a script (no LLM): it records every call it was given. */
export class ScriptedExecutor implements AgentExecutor {
  readonly calls: AgentCall[] = [];
  private inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly answer: (call: AgentCall) => Answer | Promise<Answer> = (call) => `echo: ${call.prompt}`) {}

  async run(call: AgentCall): Promise<WorkflowAgentOutcome> {
    this.calls.push(call);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      const answer = await this.answer(call);
      return typeof answer === 'string' ? completed(answer) : answer;
    } finally {
      this.inFlight--;
    }
  }

  prompts(): string[] {
    return this.calls.map((c) => c.prompt);
  }
}

/**
 * Agent calls that finish only when the test says so: `waitFor(n)` resolves once n calls are
 * waiting, so a test can choose the order in which they complete.
 */
export class HeldCalls {
  readonly waiting: { call: AgentCall; finish: (a: Answer) => void }[] = [];
  private listeners: (() => void)[] = [];

  readonly answer = (call: AgentCall): Promise<Answer> =>
    new Promise<Answer>((finish) => {
      this.waiting.push({ call, finish });
      for (const l of this.listeners) l();
    });

  waitFor(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.waiting.length >= count) {
          this.listeners = this.listeners.filter((l) => l !== check);
          resolve();
        }
      };
      this.listeners.push(check);
      check();
    });
  }

  /** Finishes the waiting call whose prompt is `prompt`, answering with `answer` (default: an echo). */
  finish(prompt: string, answer?: Answer): void {
    const i = this.waiting.findIndex((w) => w.call.prompt === prompt);
    if (i < 0) throw new Error(`no call waiting with prompt ${prompt}`);
    const [w] = this.waiting.splice(i, 1);
    w!.finish(answer ?? `echo: ${prompt}`);
  }
}

export interface Ran extends WorkflowRunResult {
  events: WorkflowEvent[];
  logs: string[];
}

export async function run(
  source: string,
  options: Partial<Omit<RunWorkflowOptions, 'workflow'>> = {},
): Promise<Ran> {
  const events: WorkflowEvent[] = [];
  const result = await runWorkflowSource(source, {
    journal: new MemoryJournal(),
    executor: new ScriptedExecutor(),
    ...options,
    onEvent: (e) => {
      // Every event the UI will get must fit its schema in contracts.
      events.push(WorkflowEvent.parse(e));
      options.onEvent?.(e);
    },
  });
  return { ...result, events, logs: events.flatMap((e) => (e.type === 'log' ? [e.message] : [])) };
}

/** A workflow file: the meta line, then the body. */
export const wf = (body: string, name = 'test'): string => `export const meta = { name: '${name}', description: 'a test workflow' };\n${body}`;
