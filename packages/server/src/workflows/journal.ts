import type { WorkflowJournalEntry } from '@boocode/contracts';
import type { StepJournal } from '@boocode/workflows';
import type { Sql } from '../db/connection.js';
import { recordedStep, recordWorkflowStep, type RecordedStep } from '../db/workflows.js';

/**
 * A run's journal in Postgres: its steps table rows. Lookups read the run's own entries first
 * (it continues after a lost worker) and then those of the run it resumes from; a hit from the
 * latter is recorded again in this run as cached, so resuming a resumed run is cached as well.
 */
export class PgJournal implements StepJournal {
  /** Positions answered from the run resumed from, with the step they came from. */
  private readonly resumed = new Map<number, RecordedStep>();

  constructor(
    private readonly sql: Sql,
    private readonly runId: string,
    private readonly resumeFrom: string | null,
    /** False on a run's first attempt: it has no entries of its own yet, so none are read. */
    private readonly hasOwnEntries: boolean,
  ) {}

  /** The task that produced a cached position's result, for the UI. */
  resumedTask(position: number): string | null {
    return this.resumed.get(position)?.taskId ?? null;
  }

  async lookup(position: number, key: string): Promise<WorkflowJournalEntry | undefined> {
    if (this.hasOwnEntries) {
      const own = await recordedStep(this.sql, this.runId, position);
      if (own?.entry.key === key) return own.entry;
    }
    if (!this.resumeFrom) return undefined;
    const earlier = await recordedStep(this.sql, this.resumeFrom, position);
    if (earlier?.entry.key !== key) return undefined;
    this.resumed.set(position, earlier);
    return earlier.entry;
  }

  async record(entry: WorkflowJournalEntry): Promise<void> {
    const from = this.resumed.get(entry.position);
    // A position looked up in the earlier run may still have run live (a call before it broke
    // the prefix): only the very entry handed back counts as cached.
    const cached =
      from !== undefined &&
      entry.key === from.entry.key &&
      entry.ref === from.entry.ref &&
      JSON.stringify(entry.result) === JSON.stringify(from.entry.result);
    await recordWorkflowStep(this.sql, {
      runId: this.runId,
      entry,
      prompt: from?.prompt ?? '',
      cached,
      ...(cached ? { from: { taskId: from.taskId, attempts: from.attempts } } : {}),
    });
  }
}
