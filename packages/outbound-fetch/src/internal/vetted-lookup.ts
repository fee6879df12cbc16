import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { OutboundRequestRefused } from '../errors.ts';

/** Resolves a host name to all of its addresses. */
export type ResolveAll = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** Returns why an address may not be reached, or `undefined` when it may. */
export type VetAddress = (address: string) => string | undefined;

/**
 * Resolves `hostname` once and vets every answer. One special-use answer refuses the whole name:
 * picking the "good" answers would still let an attacker who controls the zone steer us whenever
 * the good ones fail to connect.
 */
export async function resolveVetted(hostname: string, resolve: ResolveAll, vet: VetAddress): Promise<LookupAddress[]> {
  const answers = await resolve(hostname);
  if (answers.length === 0) {
    throw Object.assign(new Error(`${hostname} does not resolve to any address`), { code: 'ENOTFOUND' });
  }
  return answers.map(({ address }) => {
    const why = vet(address);
    if (why !== undefined) throw new OutboundRequestRefused(`${hostname} resolves to ${address}, ${why}`);
    return { address, family: isIP(address) };
  });
}

/**
 * A `lookup` for `net.connect`/`tls.connect` (undici passes `connect` options through) that hands
 * the socket only addresses it has just vetted. Because the same answer is checked and connected
 * to, a DNS answer that changes between "check" and "connect" (rebinding) cannot slip through.
 *
 * Node skips `lookup` for IP literals, so those must be vetted before the request starts.
 */
export function vettedLookup(resolve: ResolveAll, vet: VetAddress): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolveVetted(hostname, resolve, vet).then(
      (vetted) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const wanted = family === 4 || family === 6 ? vetted.filter((a) => a.family === family) : vetted;
        const first = wanted[0];
        if (first === undefined) {
          callback(Object.assign(new Error(`${hostname} has no IPv${String(family)} address`), { code: 'ENOTFOUND' }), '');
        } else if (options.all === true) {
          callback(null, wanted);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, ''),
    );
  };
}
