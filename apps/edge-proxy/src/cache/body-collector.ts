/**
 * Keeps a copy of a body as it streams to the client, up to a limit. Once the limit is crossed it drops
 * what it held and ignores the rest, so a large download is never buffered.
 */
export class BodyCollector {
  private chunks: Buffer[] = [];
  private length = 0;
  private overflowedFlag = false;

  constructor(private readonly limit: number) {}

  /** Returns false once the body is over the limit (the caller may stop feeding it). */
  push(chunk: Buffer): boolean {
    if (this.overflowedFlag) return false;
    this.length += chunk.length;
    if (this.length > this.limit) {
      this.overflowedFlag = true;
      this.chunks = [];
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  get bytes(): number {
    return this.length;
  }

  get overflowed(): boolean {
    return this.overflowedFlag;
  }

  /** The chunks kept so far (empty once over the limit). */
  kept(): readonly Buffer[] {
    return this.chunks;
  }

  /** The whole body, or undefined when it went over the limit. */
  body(): Buffer | undefined {
    if (this.overflowedFlag) return undefined;
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
  }
}
