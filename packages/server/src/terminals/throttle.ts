/**
 * Bytes per second a terminal may stream to BooCode, as a token bucket holding one second of output:
 * bursts (a build log, `seq 50000`) pass untouched, a sustained flood (`yes`) runs the bucket dry.
 */
export class ByteBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = perSecond;
    this.at = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((t - this.at) / 1000) * this.perSecond);
    this.at = t;
  }

  /** Spends `bytes`; false once the bucket is empty. */
  take(bytes: number): boolean {
    this.refill();
    this.tokens -= bytes;
    return this.tokens >= 0;
  }

  /** Milliseconds until the bucket is half full again. */
  msUntilHalfFull(): number {
    this.refill();
    return Math.max(0, ((this.perSecond / 2 - this.tokens) / this.perSecond) * 1000);
  }
}
