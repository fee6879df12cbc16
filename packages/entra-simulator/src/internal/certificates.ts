import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';

/** PEM material for the simulator's HTTPS listener. */
export interface TlsMaterial {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const CA_VALIDITY_DAYS = 3650;
// Browsers refuse server certificates valid for more than 398 days.
const SERVER_VALIDITY_DAYS = 397;
// Regenerate a stored server certificate this close to its expiry.
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

const FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
} as const;

function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  // node:crypto is orders of magnitude faster than forge's pure-JS key generation.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number): void {
  const notBefore = new Date(Date.now() - 5 * 60 * 1000); // tolerate small clock skew
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + days * 24 * 3600 * 1000);
}

function createCa(): { caCertPem: string; caKeyPem: string } {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serialNumber();
  validity(cert, CA_VALIDITY_DAYS);
  const subject = [
    { name: 'commonName', value: 'MCP Auth Bridge Entra Simulator Dev CA' },
    { name: 'organizationName', value: 'MCP Auth Bridge (development only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return { caCertPem: forge.pki.certificateToPem(cert), caKeyPem: keys.privateKeyPem };
}

function createServerCert(
  ca: { caCertPem: string; caKeyPem: string },
  extraHostNames: readonly string[] = [],
): { serverCertPem: string; serverKeyPem: string } {
  const keys = rsaKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.caCertPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serialNumber();
  validity(cert, SERVER_VALIDITY_DAYS);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        ...extraHostNames.map((value) => ({ type: 2, value })),
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.caKeyPem), forge.md.sha256.create());
  return { serverCertPem: forge.pki.certificateToPem(cert), serverKeyPem: keys.privateKeyPem };
}

/**
 * A fresh CA and a server certificate signed by it, in memory, for `localhost`, 127.0.0.1, ::1 and
 * `extraHostNames` (tests that impersonate public hosts on loopback, e.g. `vscode.dev`).
 *
 * @example
 * const tls = generateTlsMaterial(['vscode.dev']);
 * https.createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem });
 */
export function generateTlsMaterial(extraHostNames: readonly string[] = []): TlsMaterial {
  const ca = createCa();
  return { ...ca, ...createServerCert(ca, extraHostNames) };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function usable(certPem: string, issuerPem?: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    if (issuerPem !== undefined && !cert.verify(new X509Certificate(issuerPem).publicKey)) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads the CA and server certificate from `dir`, creating what is missing or about to expire.
 * The CA is kept as long as it is valid, so a CA a developer trusted once stays trusted.
 */
export async function loadOrCreateTlsMaterial(dir: string): Promise<TlsMaterial> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = {
    caCert: join(dir, FILES.caCert),
    caKey: join(dir, FILES.caKey),
    serverCert: join(dir, FILES.serverCert),
    serverKey: join(dir, FILES.serverKey),
  };
  let caCertPem = await readIfExists(paths.caCert);
  let caKeyPem = await readIfExists(paths.caKey);
  if (caCertPem === undefined || caKeyPem === undefined || !usable(caCertPem)) {
    ({ caCertPem, caKeyPem } = createCa());
    await writeFile(paths.caKey, caKeyPem, { mode: 0o600 });
    await writeFile(paths.caCert, caCertPem, { mode: 0o644 });
  }
  let serverCertPem = await readIfExists(paths.serverCert);
  let serverKeyPem = await readIfExists(paths.serverKey);
  if (serverCertPem === undefined || serverKeyPem === undefined || !usable(serverCertPem, caCertPem)) {
    ({ serverCertPem, serverKeyPem } = createServerCert({ caCertPem, caKeyPem }));
    await writeFile(paths.serverKey, serverKeyPem, { mode: 0o600 });
    await writeFile(paths.serverCert, serverCertPem, { mode: 0o644 });
  }
  return { caCertPem, caKeyPem, serverCertPem, serverKeyPem };
}
