/**
 * Keeps a copy of a body as it streams to the client, up to a limit. Once the limit is crossed it drops
 * what it held and ignores the rest, so a large download is never buffered.
 */
export class BodyCollector {
  private chunks: Buffer[] = [];
  private length = 0;
  private overflowed = false;

  constructor(private readonly limit: number) {}

  /** Returns false once the body is over the limit (the caller may stop feeding it). */
  push(chunk: Buffer): boolean {
    if (this.overflowed) return false;
    this.length += chunk.length;
    if (this.length > this.limit) {
      this.overflowed = true;
      this.chunks = [];
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  get bytes(): number {
    return this.length;
  }

  /** The whole body, or undefined when it went over the limit. */
  body(): Buffer | undefined {
    if (this.overflowed) return undefined;
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
  }
}
