import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigurationDocs } from './render-docs.ts';

const target = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));
writeFileSync(target, renderConfigurationDocs());
process.stdout.write(`wrote ${target}\n`);
