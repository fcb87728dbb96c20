/** One HTTP request from the runner, with a time limit: {status, headers, body}. Never throws for a status. */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export function request(url, { method = 'GET', json, body, timeoutMs = 10_000 } = {}) {
  const payload = json === undefined ? body : Buffer.from(JSON.stringify(json));
  const type = json === undefined ? 'application/octet-stream' : 'application/json';
  const headers = payload ? { 'content-type': type, 'content-length': payload.length } : {};
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Closes the runner's keep-alive connections (so the servers can stop at once). */
export const closeConnections = () => agent.destroy();
