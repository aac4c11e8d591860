/** How long a turn may go without a word from its agent before the user is told. */
export const DEFAULT_SILENCE_MS = 10 * 60_000;

/**
 * Watches a turn for silence from its agent: after `silenceMs` without any message from it,
 * `quiet` (tell the user); after as long again, `stillQuiet` (cancel the turn). Any message starts
 * the clock over. While a permission question waits on the user the clock stands still: then the
 * agent is waiting on BooCode, not the other way round.
 */
export class SilenceWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private told = false;
  private stopped = false;
  private waitingOnUser = 0;

  constructor(
    private readonly silenceMs: number,
    private readonly on: { quiet(): void; stillQuiet(): void },
  ) {
    this.arm();
  }

  /** The agent said something: the clock starts over. */
  heard(): void {
    this.told = false;
    this.arm();
  }

  /** A question to the user is open until the returned function is called (once). */
  waitOnUser(): () => void {
    this.waitingOnUser++;
    this.arm();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.waitingOnUser--;
      this.heard();
    };
  }

  stop(): void {
    this.stopped = true;
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || this.waitingOnUser > 0) return;
    this.timer = setTimeout(() => this.fire(), this.silenceMs);
  }

  private fire(): void {
    this.timer = null;
    if (!this.told) {
      this.told = true;
      this.on.quiet();
      this.arm();
      return;
    }
    this.stopped = true;
    this.on.stillQuiet();
  }
}

/** `ms` as a person says it: "10 minutes", "1.5 seconds". */
export function spokenDuration(ms: number): string {
  const [n, unit] = ms >= 60_000 ? [ms / 60_000, 'minute'] : [ms / 1000, 'second'];
  const rounded = Math.round(n * 10) / 10;
  return `${rounded} ${unit}${rounded === 1 ? '' : 's'}`;
}
