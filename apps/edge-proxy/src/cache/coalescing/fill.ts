import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exchange } from '../../proxy/exchange';
import { relayInterim } from '../../proxy/interim';
import { BodyCollector } from '../body-collector';

/** A client waiting on the shared fetch of its key. */
export interface Follower {
  req: IncomingMessage;
  res: ServerResponse;
  exchange: Exchange;
  /** Called instead of being served when the answer cannot be shared with it: the follower goes on by itself. */
  release(): void;
}

/** Headers of a shared answer for one follower alone (the Set-Cookie of the client whose request was sent), and what to call each time another follower gets the answer without them. */
export interface OwnHeaders {
  res: ServerResponse;
  headers: readonly string[];
  withheld(): void;
}

/**
 * One answer from a node, fetched once for every client asking for the same key at the same time
 * (request coalescing). Followers get the answer as it arrives, not after it completes: a late joiner has
 * the chunks so far replayed, then the rest live. The fetch runs at the pace of the slowest follower
 * (push() reports back-pressure), and no follower leaving stops it for the others. The body is kept while
 * it fits the cache's object limit (it becomes the cache entry); past that the fill takes no new followers.
 */
export class Fill {
  private status = 0;
  private headers: string[] | undefined;
  private nodeId: string | undefined;
  private own: OwnHeaders | undefined;
  private readonly collector: BodyCollector;
  private ended = false;
  private readonly followers = new Set<Follower>();
  /** Followers whose socket buffer is full; the fetch waits until they drain. */
  private readonly waiting = new Set<Follower>();
  private onDrained: (() => void) | undefined;
  private onEmpty: (() => void) | undefined;
  /** The node's interim heads (103 Early Hints) so far: a follower that joins before the answer starts gets them too. */
  private interims: string[] | undefined;

  constructor(limit: number) {
    this.collector = new BodyCollector(limit);
  }

  /** Whether a new follower can still be served from the start of the body. */
  get joinable(): boolean {
    return !this.collector.overflowed && !this.ended;
  }

  get followerCount(): number {
    return this.followers.size;
  }

  join(follower: Follower): void {
    follower.res.once('close', () => this.leave(follower));
    if (this.headers !== undefined) {
      follower.exchange.nodeId = this.nodeId;
      this.writeHead(follower);
      for (const chunk of this.collector.kept()) follower.res.write(chunk);
    } else if (this.interims !== undefined) {
      for (const head of this.interims) relayInterim(follower.req, follower.res, head);
    }
    this.followers.add(follower);
  }

  /** Calls `handler` once every follower has gone (the fetch may stop if nothing is worth keeping). */
  whenEmpty(handler: () => void): void {
    this.onEmpty = handler;
  }

  /** Takes the followers out of the fill, to answer them another way (a revalidated or stale entry). */
  takeFollowers(): Follower[] {
    const followers = [...this.followers];
    this.followers.clear();
    this.waiting.clear();
    this.ended = true;
    return followers;
  }

  /** Lets go of the followers for which `unfit` holds (another variant); they go on by themselves. */
  releaseWhere(unfit: (follower: Follower) => boolean): void {
    for (const follower of [...this.followers]) {
      if (!unfit(follower)) continue;
      this.followers.delete(follower);
      this.waiting.delete(follower);
      follower.release();
    }
  }

  /** The answer is not shareable: every follower goes on by itself. */
  release(): void {
    this.ended = true;
    this.releaseWhere(() => true);
  }

  /** The answer is shared: its status, the headers every follower gets (each adds its own X-Request-Id), the node it comes from, and headers for one follower alone. */
  start(status: number, headers: string[], nodeId: string, own?: OwnHeaders): void {
    this.status = status;
    this.headers = headers;
    this.nodeId = nodeId;
    this.own = own;
    for (const follower of this.followers) {
      follower.exchange.nodeId = nodeId;
      this.writeHead(follower);
    }
  }

  /** Passes a node's interim head on to every follower (their answers have not started); returns how many got it. */
  interim(head: string): number {
    (this.interims ??= []).push(head);
    let sent = 0;
    for (const follower of this.followers) if (relayInterim(follower.req, follower.res, head)) sent++;
    return sent;
  }

  /** Sends a chunk to every follower; false when one of them cannot take more yet (call whenDrained). */
  push(chunk: Buffer): boolean {
    this.collector.push(chunk);
    for (const follower of this.followers) {
      if (!follower.res.write(chunk) && !this.waiting.has(follower)) {
        this.waiting.add(follower);
        follower.res.once('drain', () => this.drained(follower));
      }
    }
    return this.waiting.size === 0;
  }

  /** Calls `handler` once every follower that was full has drained (or left). */
  whenDrained(handler: () => void): void {
    if (this.waiting.size === 0) return handler();
    this.onDrained = handler;
  }

  /** The whole body, when it completed within the limit. */
  body(): Buffer | undefined {
    return this.collector.body();
  }

  end(): void {
    this.ended = true;
    for (const { res } of this.followers) res.end();
    this.followers.clear();
    this.waiting.clear();
  }

  /** The node failed: followers already answered in part are cut off; the others go on by themselves. */
  abort(): void {
    this.ended = true;
    for (const follower of this.takeFollowers()) {
      if (follower.res.headersSent) follower.res.destroy();
      else follower.release();
    }
  }

  private writeHead(follower: Follower): void {
    const headers = [...this.headers!, 'X-Request-Id', follower.exchange.requestId];
    const own = this.own;
    if (own?.res === follower.res) headers.push(...own.headers);
    else own?.withheld();
    follower.res.writeHead(this.status, headers);
  }

  private drained(follower: Follower): void {
    if (!this.waiting.delete(follower) || this.waiting.size > 0) return;
    const handler = this.onDrained;
    this.onDrained = undefined;
    handler?.();
  }

  private leave(follower: Follower): void {
    if (!this.followers.delete(follower)) return;
    this.drained(follower);
    if (this.followers.size === 0 && !this.ended) this.onEmpty?.();
  }
}
