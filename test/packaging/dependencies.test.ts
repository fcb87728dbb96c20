/** What package.json promises about Node.js and its dependencies holds for what `npm ci` installs. */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes';

interface LockedPackage {
  version?: string;
  dev?: boolean;
  engines?: { node?: string };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const lock: { packages: Record<string, LockedPackage> } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
const installed = Object.entries(lock.packages).filter(([key]) => key.includes('node_modules/'));

describe('dependencies', () => {
  it('every production dependency supports the oldest Node.js that package.json promises, and this one', () => {
    const oldest = semver.minVersion(manifest.engines.node)!.version;
    const unsupported = installed
      .filter(([, pkg]) => !pkg.dev && pkg.engines?.node)
      .filter(([, pkg]) => !semver.satisfies(oldest, pkg.engines!.node!) || !semver.satisfies(process.version, pkg.engines!.node!))
      .map(([key, pkg]) => `${key.replace(/^.*node_modules\//, '')}@${pkg.version} needs node ${pkg.engines!.node}`);
    expect(unsupported).toEqual([]);
  });

  it('each runtime dependency is installed once: the version we declare is the one the libraries using it get', () => {
    const direct = Object.keys(manifest.dependencies);
    // Only copies that ship (not dev-only): a test tool's own old copy never reaches the programs.
    const nested = installed
      .filter(([, pkg]) => !pkg.dev)
      .map(([key]) => key)
      .filter((key) => direct.some((name) => key.endsWith(`/node_modules/${name}`) && key !== `node_modules/${name}`));
    expect(nested).toEqual([]);
  });
});
