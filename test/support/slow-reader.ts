/** HTTP clients that read answers slowly, or stop reading: what a listener's idle timeout must tell apart. */
import http from 'node:http';

export interface Download {
  status: number;
  bytes: number;
  /** The body arrived whole (Content-Length reached and the message ended). */
  complete: boolean;
  durationMs: number;
}

/** GETs `url` and reads the body at about `bytesPerSecond`, pausing the socket whenever it is ahead of that pace. */
export function throttledDownload(url: string, bytesPerSecond: number): Promise<Download> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    http
      .get(url, { agent: false }, (res) => {
        let bytes = 0;
        let timer: NodeJS.Timeout | undefined;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          const ahead = started + (bytes / bytesPerSecond) * 1000 - Date.now();
          if (ahead > 5) {
            res.pause();
            timer = setTimeout(() => res.resume(), ahead);
          }
        });
        const done = () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode!, bytes, complete: res.complete, durationMs: Date.now() - started });
        };
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      })
      .on('error', reject);
  });
}

/**
 * GETs `url`, takes the headers, then reads nothing for `stallMs`; afterwards reads as fast as it can.
 * A server that closed the stalled connection leaves the body incomplete.
 */
export function stalledDownload(url: string, stallMs: number): Promise<Download> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    http
      .get(url, { agent: false }, (res) => {
        let bytes = 0;
        res.pause();
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        const done = () => resolve({ status: res.statusCode!, bytes, complete: res.complete, durationMs: Date.now() - started });
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
        setTimeout(() => res.resume(), stallMs);
      })
      .on('error', reject);
  });
}
