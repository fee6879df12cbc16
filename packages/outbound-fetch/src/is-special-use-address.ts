import { describeSpecialUse } from './internal/describe-special-use.ts';

/**
 * Whether an outbound request must never connect to `address`: loopback, private, link-local,
 * shared, documentation, benchmarking, multicast, reserved and protocol-assignment blocks of the
 * IANA special-purpose registries, for IPv4 and IPv6. An IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`) is judged by the IPv4 address it embeds; NAT64 and 6to4 prefixes are refused
 * whole, and so is any IPv6 address outside global unicast `2000::/3`.
 *
 * Fails closed: anything that is not a plain IP address (a host name, `0x7f.1`, an IPv6 address
 * with a zone index) counts as special-use. Parse URLs first and pass `url.hostname`.
 *
 * @example
 * ```ts
 * isSpecialUseAddress('169.254.169.254'); // true (link-local: cloud instance metadata)
 * isSpecialUseAddress('::ffff:10.0.0.1'); // true (IPv4-mapped private address)
 * isSpecialUseAddress('8.8.8.8');         // false
 * isSpecialUseAddress('2606:4700::1111'); // false
 * ```
 */
export function isSpecialUseAddress(address: string): boolean {
  return describeSpecialUse(address) !== undefined;
}
