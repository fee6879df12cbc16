import { canonicalAddress } from './canonical-address.ts';
import { GLOBAL_UNICAST_IPV6, SPECIAL_USE_IPV4, SPECIAL_USE_IPV6 } from './special-use-ranges.ts';

/**
 * Says why `address` must not be connected to (`'a loopback address (127.0.0.0/8)'`), or returns
 * `undefined` for an ordinary public unicast address.
 */
export function describeSpecialUse(address: string): string | undefined {
  const parsed = canonicalAddress(address);
  if (parsed === undefined) return 'not a plain IP address';
  if (parsed.family === 4) {
    const hit = SPECIAL_USE_IPV4.find((r) => r.list.check(parsed.address, 'ipv4'));
    if (hit === undefined) return undefined;
    const what = `${hit.label} (${hit.cidr})`;
    return parsed.mappedFrom === undefined ? what : `the ${parsed.embedding} form of ${parsed.address}, ${what}`;
  }
  const hit = SPECIAL_USE_IPV6.find((r) => r.list.check(parsed.address, 'ipv6'));
  if (hit !== undefined) return `${hit.label} (${hit.cidr})`;
  if (!GLOBAL_UNICAST_IPV6.list.check(parsed.address, 'ipv6')) {
    return `not a global unicast address (outside ${GLOBAL_UNICAST_IPV6.cidr})`;
  }
  return undefined;
}
