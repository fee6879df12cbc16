export {
  createGuardedFetch,
  DEFAULT_TIMEOUT_MS,
  OUTBOUND_USER_AGENT,
  type GuardedFetch,
  type GuardedFetchOptions,
} from './create-guarded-fetch.ts';
export { isSpecialUseAddress } from './is-special-use-address.ts';
export { OutboundRequestFailed, OutboundRequestRefused } from './errors.ts';
