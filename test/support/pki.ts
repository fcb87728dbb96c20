/** A throwaway PKI made with openssl for TLS tests: CAs, a server certificate for 127.0.0.1, client certificates. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './processes';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** The CA that signs the server and client certificates below. */
  ca: string;
  /** For 127.0.0.1 and localhost, signed by `ca`. */
  server: KeyPair;
  /** A client certificate signed by `ca`, with the given common name. */
  client(name: string): KeyPair;
  /** Another CA, which signs nothing the servers trust. */
  otherCa: string;
  /** A client certificate signed by `otherCa`. */
  strangerClient: KeyPair;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** EC keys: quicker to make than RSA, and every TLS stack takes them. */
function newKey(dir: string, name: string): string {
  openssl(dir, 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', `${name}.key`);
  return path.join(dir, `${name}.key`);
}

function newCa(dir: string, name: string): void {
  newKey(dir, name);
  openssl(dir, 'req', '-x509', '-new', '-key', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
}

function signed(dir: string, ca: string, name: string, extensions: string): KeyPair {
  newKey(dir, name);
  openssl(dir, 'req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
}

export function createTestPki(dir = tempDir('pki-')): TestPki {
  newCa(dir, 'test-ca');
  newCa(dir, 'other-ca');
  const server = signed(dir, 'test-ca', 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  const clients = new Map<string, KeyPair>();
  return {
    dir,
    ca: path.join(dir, 'test-ca.pem'),
    server,
    client(name) {
      if (!clients.has(name)) clients.set(name, signed(dir, 'test-ca', name, 'extendedKeyUsage=clientAuth\n'));
      return clients.get(name)!;
    },
    otherCa: path.join(dir, 'other-ca.pem'),
    strangerClient: signed(dir, 'other-ca', 'stranger', 'extendedKeyUsage=clientAuth\n'),
  };
}
