/**
 * A pino transport, run in pino's worker thread so that formatting and disk writes never block a request.
 * Options: `destination` (1 for stdout, or a file path appended to) and `format` (text or json).
 */
import { once } from 'node:events';
import build from 'pino-abstract-transport';
import SonicBoom from 'sonic-boom';
import { formatJsonLine, formatTextLine, LogRecord } from './log-line';

interface TransportOptions {
  destination: number | string;
  format: 'text' | 'json';
}

export default async function logTransport(options: TransportOptions) {
  const destination = new SonicBoom({ dest: options.destination, sync: false, mkdir: true, append: true });
  await once(destination, 'ready');
  const format = options.format === 'json' ? formatJsonLine : formatTextLine;
  return build(
    async (source: AsyncIterable<LogRecord>) => {
      for await (const record of source) {
        if (!destination.write(format(record))) await once(destination, 'drain');
      }
    },
    {
      async close() {
        destination.end();
        await once(destination, 'close');
      },
    },
  );
}
