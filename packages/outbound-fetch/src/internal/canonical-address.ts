import { isIPv4, isIPv6 } from 'node:net';

/** An IP address in one spelling per address: dotted decimal, or the WHATWG/RFC 5952 IPv6 form. */
export interface CanonicalAddress {
  address: string;
  family: 4 | 6;
  /** For an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), the IPv6 spelling it came from. */
  mappedFrom?: string;
}

// After canonicalisation an address in ::ffff:0:0/96 always reads `::ffff:x:y` (its five leading
// zero groups are the longest run, so they are the ones compressed).
const IPV4_MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * Parses an IP address literal (IPv6 with or without brackets). Returns `undefined` for anything
 * that is not a plain address, including IPv6 with a zone index (`fe80::1%eth0`) and the
 * non-decimal or shortened IPv4 forms (`0x7f.1`, `127.1`) that only a URL parser would accept.
 */
export function canonicalAddress(input: string): CanonicalAddress | undefined {
  const bare = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  if (isIPv4(bare)) return { address: bare, family: 4 };
  if (!isIPv6(bare) || bare.includes('%')) return undefined;
  let canonical: string;
  try {
    // The WHATWG URL host serialiser compresses and lower-cases IPv6 as RFC 5952 does.
    canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const mapped = IPV4_MAPPED.exec(canonical);
  if (mapped) {
    const high = Number.parseInt(mapped[1] ?? '0', 16);
    const low = Number.parseInt(mapped[2] ?? '0', 16);
    const address = [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
    return { address, family: 4, mappedFrom: canonical };
  }
  return { address: canonical, family: 6 };
}
