import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths whose values must never reach a log line: tokens, codes, secrets and cookies (MCP security
 * best practices, "never log tokens"). Applied to every logger made here.
 */
export const REDACTED_PATHS: readonly string[] = [
  'access_token', 'refresh_token', 'id_token', 'code', 'code_verifier', 'client_secret', 'password',
  'token', 'assertion', 'client_assertion', 'state', 'cookie', 'authorization',
  '*.access_token', '*.refresh_token', '*.id_token', '*.code', '*.code_verifier', '*.client_secret',
  '*.token', '*.state', '*.cookie', '*.authorization',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  'headers.authorization', 'headers.cookie', 'headers["set-cookie"]',
];

export interface CreateLoggerOptions {
  /** pino level; `silent` turns logging off (tests). */
  level?: LoggerOptions['level'];
  /** Name of the application or package emitting the lines. */
  name?: string;
  /** Where lines go; defaults to stdout. */
  destination?: pino.DestinationStream;
}

/**
 * The one logger factory of the project: JSON lines with secrets redacted.
 *
 * @example
 * const log = createLogger({ name: 'authz-server', level: 'info' });
 * const storeLog = log.child({ pkg: 'store-cosmos' });
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    base: options.name ? { name: options.name } : {},
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A logger that discards everything; the default for library code given no logger. */
export const silentLogger: Logger = pino({ level: 'silent' });
