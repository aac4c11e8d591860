import type { WorkflowJournalEntry } from '@boocode/contracts';

/**
 * The durable journal of a run's agent calls. The server keeps it in Postgres, writing each entry
 * in the same transaction as the step's result; tests keep it in memory.
 */
export interface StepJournal {
  /**
   * The entry recorded at `position` under `key` in the history this run continues (its own
   * entries after a crash, or those of the run it resumes from), or undefined. An entry under
   * another key is a miss.
   */
  lookup(position: number, key: string): Promise<WorkflowJournalEntry | undefined>;
  /**
   * Records how a call ended, before the script sees the result. A position recorded again (a
   * cached result handed back after a crash) replaces the earlier entry.
   */
  record(entry: WorkflowJournalEntry): Promise<void>;
}
