export { startStack, type Stack, type StartStackOptions } from './start-stack.ts';
export { listen, type ListeningServer } from './listen.ts';
