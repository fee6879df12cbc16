import { ConfigSchema } from './schema.ts';

/**
 * Renders docs/configuration.md from the schema's descriptions, so the docs cannot drift from the code.
 *
 * @example
 * writeFileSync('docs/configuration.md', renderConfigurationDocs());
 */
export function renderConfigurationDocs(): string {
  // Every variable is optional or defaulted, so parsing nothing yields exactly the defaults.
  const defaults: Record<string, unknown> = ConfigSchema.parse({});
  const rows = Object.entries(ConfigSchema.shape).map(([name, field]) => {
    const value = defaults[name];
    const fallback = value === undefined || (Array.isArray(value) && value.length === 0) ? '' : `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
    const description = (field.description ?? '').replace(/\|/g, '\\|');
    return `| \`${name}\` | ${fallback} | ${description} |`;
  });
  return [
    '# Configuration',
    '',
    'Every setting is an environment variable, read once at start and validated as a whole: all problems',
    'are reported together, each with its variable name. Generated from `packages/config/src/schema.ts`',
    'by `pnpm --filter @mcp-bridge/config docs`; do not edit by hand.',
    '',
    'Variables named `DANGEROUSLY_*` are development shortcuts; the bridge logs a warning at start when one is on.',
    '`pnpm start` turns on `DANGEROUSLY_USE_DEV_ENTRA` and `DANGEROUSLY_USE_EMBEDDED_COSMOS` by itself when no Entra or',
    'Cosmos settings are given.',
    '',
    '| Variable | Default | Meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
