#!/usr/bin/env node
/**
 * The image's HEALTHCHECK for plain Docker (Kubernetes uses its own probes): exit 0 when the program answers
 * GET /healthz on CDN_PORT (5000 by default), 1 otherwise. Node itself, so the image needs no shell or curl.
 */
'use strict';
const http = require('node:http');

const port = Number(process.env.CDN_PORT || 5000);
const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2_500 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (err) => {
  process.stderr.write(`healthcheck: GET http://127.0.0.1:${port}/healthz failed: ${err.message}\n`);
  process.exit(1);
});
