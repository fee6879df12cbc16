/**
 * The bridge's account id for an upstream user: tenant id and object id together, because an `oid`
 * is unique only within its tenant. It is the `sub` of our tokens and the key of the account record.
 *
 * @example
 * accountIdFor({ tenantId: '72f9…', objectId: '0b8c…' }) // '72f9….0b8c…'
 */
export function accountIdFor(identity: { tenantId: string; objectId: string }): string {
  return `${identity.tenantId.toLowerCase()}.${identity.objectId.toLowerCase()}`;
}
