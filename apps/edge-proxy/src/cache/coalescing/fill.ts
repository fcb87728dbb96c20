import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { BodyCollector } from '../body-collector';

/** A client waiting on another request's answer for the same key. */
export interface Follower {
  res: ServerResponse;
  /** The follower's request headers: a varying answer is shared only with clients of the same variant. */
  headers: IncomingHttpHeaders;
  /** Called instead of being served when the answer cannot be shared with it: the follower goes on by itself. */
  release(): void;
  /** Told which node the shared answer comes from, when it starts. */
  started(nodeId: string): void;
}

/**
 * One answer from a node, fetched once for every client asking for the same key at the same time
 * (request coalescing). Followers get the answer as it arrives, not after it completes: a late joiner
 * has the chunks so far replayed, then the rest live. The body is kept while it fits the cache's object
 * limit (it becomes the cache entry); past that the fill takes no new followers.
 */
export class Fill {
  private status = 0;
  private nodeId: string | undefined;
  private headers: string[] | undefined;
  private readonly collector: BodyCollector;
  private ended = false;
  private readonly followers = new Set<Follower>();

  constructor(limit: number) {
    this.collector = new BodyCollector(limit);
  }

  get followerCount(): number {
    return this.followers.size;
  }

  /** Whether a new follower can still be served from the start of the body. */
  get joinable(): boolean {
    return !this.collector.overflowed && !this.ended;
  }

  join(follower: Follower): void {
    follower.res.once('close', () => this.followers.delete(follower));
    if (this.headers !== undefined) {
      follower.started(this.nodeId!);
      follower.res.writeHead(this.status, this.headers);
      for (const chunk of this.collector.kept()) follower.res.write(chunk);
    }
    this.followers.add(follower);
  }

  /** Lets go of the followers for which `unfit` holds (another variant); they go on by themselves. */
  releaseWhere(unfit: (follower: Follower) => boolean): void {
    for (const follower of [...this.followers]) {
      if (!unfit(follower)) continue;
      this.followers.delete(follower);
      follower.release();
    }
  }

  /** The answer is shared: its status, the headers every follower gets, and the node it comes from. */
  start(status: number, headers: string[], nodeId: string): void {
    this.status = status;
    this.headers = headers;
    this.nodeId = nodeId;
    for (const follower of this.followers) {
      follower.started(nodeId);
      follower.res.writeHead(status, headers);
    }
  }

  /** The answer is not shareable: every follower goes on by itself. */
  release(): void {
    this.ended = true;
    this.releaseWhere(() => true);
  }

  push(chunk: Buffer): void {
    this.collector.push(chunk);
    for (const { res } of this.followers) res.write(chunk);
  }

  /** The whole body, when it completed within the limit. */
  body(): Buffer | undefined {
    return this.collector.body();
  }

  end(): void {
    this.ended = true;
    for (const { res } of this.followers) res.end();
    this.followers.clear();
  }

  /** The node failed: followers already answered in part are cut off; the others go on by themselves. */
  abort(): void {
    this.ended = true;
    for (const follower of [...this.followers]) {
      this.followers.delete(follower);
      if (follower.res.headersSent) follower.res.destroy();
      else follower.release();
    }
  }
}
