import { formatCursor } from '../protocol/index.js';

/** What {@link SequenceTracker.accept} decided about an envelope. */
export type SequenceVerdict = 'deliver' | 'duplicate' | 'gap';

/**
 * Keeps the resume point (`epoch`, last `seq`) and judges each logged envelope: deliver it,
 * drop it as a repeat, or report a gap when its `prev` is ahead of what we have.
 */
export class SequenceTracker {
  epoch: string | null = null;
  lastSeq: number | null = null;

  get cursor(): string | null {
    return this.epoch !== null && this.lastSeq !== null ? formatCursor({ epoch: this.epoch, seq: this.lastSeq }) : null;
  }

  /**
   * A server said where its log stands. Another epoch (or a log behind ours) starts over there,
   * which is never a gap. Answers true when the epoch differs from one we already knew: the
   * server's log was replaced, so what the page shows belongs to a log that is gone. The first
   * epoch a fresh tracker learns is not a change.
   */
  start(epoch: string, seq: number): boolean {
    const changed = this.epoch !== null && this.epoch !== epoch;
    if (this.epoch !== epoch || this.lastSeq === null || seq < this.lastSeq) {
      this.epoch = epoch;
      this.lastSeq = seq;
    }
    return changed;
  }

  /** Takes a position as given (after `sys.reset`). */
  reset(epoch: string, seq: number): void {
    this.epoch = epoch;
    this.lastSeq = seq;
  }

  accept(seq: number | undefined, prev: number | undefined): SequenceVerdict {
    if (seq === undefined) return 'deliver';
    if (this.lastSeq !== null && seq <= this.lastSeq) return 'duplicate';
    if (prev !== undefined && this.lastSeq !== null && prev > this.lastSeq) return 'gap';
    this.lastSeq = seq;
    return 'deliver';
  }
}
