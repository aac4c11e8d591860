/**
 * An external agent that did not answer in time. Kept apart from other failures: on a busy
 * machine a slow start says nothing about whether the agent works.
 */
export class NoAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoAnswerError';
  }
}
