import type { Sql } from '../db/connection.js';
import { insertWorkflowLogs, WORKFLOW_LOG_LINE_CHARS, type NewLogLine } from '../db/workflow-logs.js';
import type { Logger } from '../logger.js';

/**
 * Numbers a run's log() lines and stores them behind the script: lines logged while a write is
 * under way go together in the next one, so a chatty script costs a few statements, not one per
 * line, and never waits for the database.
 */
export class RunLogWriter {
  private count = 0;
  private pending: NewLogLine[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly runId: string,
    private readonly log: Logger,
  ) {}

  /** Numbers the line (from 1, in the order the script logged) and queues it; returns the line as stored. */
  add(message: string): NewLogLine {
    const line = {
      line: ++this.count,
      message: message.length > WORKFLOW_LOG_LINE_CHARS ? `${message.slice(0, WORKFLOW_LOG_LINE_CHARS)}… (cut)` : message,
    };
    this.pending.push(line);
    this.writing ??= this.drain();
    return line;
  }

  /** Resolves once every line added so far is stored (or its write failed, which is logged). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      await insertWorkflowLogs(this.sql, this.runId, batch).catch((err: unknown) =>
        this.log.warn({ err, run_id: this.runId, lines: batch.length }, 'storing workflow log lines failed'),
      );
    }
    this.writing = null;
  }
}
