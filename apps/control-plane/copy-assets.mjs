// Part of the build: the dashboard's page and files go beside the built code, which serves them from there.
import fs from 'node:fs';

const from = new URL('./src/dashboard/public/', import.meta.url);
const to = new URL('./dist/dashboard/public/', import.meta.url);
fs.rmSync(to, { recursive: true, force: true });
fs.cpSync(from, to, { recursive: true });
