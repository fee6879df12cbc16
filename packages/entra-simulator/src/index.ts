export {
  startEntraSimulator,
  type EntraSimulator,
  type EntraSimulatorClient,
  type EntraSimulatorOptions,
  type EntraSimulatorUser,
} from './start-entra-simulator.ts';
export { DEFAULT_TENANT_ID, DEFAULT_USERS } from './internal/defaults.ts';
export { signInWithSimulator, type SignInWithSimulatorOptions } from './sign-in-with-simulator.ts';
export { generateTlsMaterial, type TlsMaterial } from './internal/certificates.ts';
