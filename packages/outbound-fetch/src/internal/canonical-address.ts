import { isIPv4, isIPv6 } from 'node:net';

/** An IP address in one spelling per address: dotted decimal, or the WHATWG/RFC 5952 IPv6 form. */
export interface CanonicalAddress {
  address: string;
  family: 4 | 6;
  /** For an IPv6 address that embeds an IPv4 one (`::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), the IPv6 spelling it came from. */
  mappedFrom?: string;
  /** How it embeds it. */
  embedding?: 'IPv4-mapped' | 'NAT64';
}

// After canonicalisation an address in ::ffff:0:0/96 always reads `::ffff:x:y` (its five leading
// zero groups are the longest run, so they are the ones compressed).
const IPV4_MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;
// The NAT64 well-known prefix 64:ff9b::/96 (RFC 6052 §2.1) reaches the IPv4 address in its last 32 bits;
// canonically `64:ff9b::x:y`, `64:ff9b::y` or `64:ff9b::`. (The local-use 64:ff9b:1::/48 is refused as is.)
const NAT64 = /^64:ff9b::(?:(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,4}))?$/;

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
  const nat64 = mapped ? undefined : NAT64.exec(canonical);
  const embedded = mapped ?? nat64;
  if (embedded) {
    const high = Number.parseInt(embedded[1] ?? '0', 16);
    const low = Number.parseInt(embedded[2] ?? '0', 16);
    const address = [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
    return { address, family: 4, mappedFrom: canonical, embedding: mapped ? 'IPv4-mapped' : 'NAT64' };
  }
  return { address: canonical, family: 6 };
}
