#!/usr/bin/env node
/**
 * The container image's one entry point: `cdn [control-plane | edge | all-in-one] [flags]`, all-in-one when no
 * program is named. The program runs in this very process, so the signals tini forwards reach it unchanged.
 */
'use strict';
const path = require('node:path');

const PROGRAMS = {
  'all-in-one': 'apps/all-in-one/dist/main.js',
  'control-plane': 'apps/control-plane/dist/main.js',
  edge: 'apps/edge-proxy/dist/main.js',
};

const [first] = process.argv.slice(2);
// Flags alone (`docker run <image> --port 8080`) go to the default program, as they did before there were three.
const name = first === undefined || first.startsWith('-') ? 'all-in-one' : first;
if (!Object.hasOwn(PROGRAMS, name)) {
  process.stderr.write(`cdn: unknown program "${name}"; expected one of ${Object.keys(PROGRAMS).join(', ')}, then its flags (--help lists them)\n`);
  process.exit(2);
}
// The program reads its flags from process.argv: it must not see its own name among them.
if (name === first) process.argv.splice(2, 1);
require(path.join(__dirname, '..', PROGRAMS[name]));
