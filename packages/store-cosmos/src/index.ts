export { connectCosmos, type ConnectCosmosOptions, type CosmosConnection } from './connect.ts';
export {
  EMULATOR_WELL_KNOWN_KEY,
  startEmbeddedCosmos,
  type EmbeddedCosmos,
  type EmbeddedCosmosOptions,
} from './embedded-cosmos.ts';
export {
  CONTAINERS,
  openCosmosStore,
  type CosmosStore,
  type OpenCosmosStoreOptions,
} from './open-cosmos-store.ts';
export type { Account, AccountInput, AccountStore } from './account-store.ts';
export type { Consent, ConsentStore } from './consent-store.ts';
export type { SecretStore } from './secret-store.ts';
export type { GrantIndexDocument, GrantMember, ModelDocument, PointerDocument } from './oidc-adapter.ts';
export { AlreadyConsumedError, StoreContentionError } from './errors.ts';
export { createGrantStatusReader, type GrantStatusReader, type GrantStatusReaderOptions } from './grant-status.ts';
