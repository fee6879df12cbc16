import { setTimeout as delay } from 'node:timers/promises';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { jsonResult, missingScope, toolError } from './tool-context.ts';

/** Longest text `reverse_text` accepts. */
export const MAX_REVERSE_TEXT_LENGTH = 10_000;
/** Number of progress steps `reverse_text` reports. */
export const REVERSE_TEXT_STEPS = 4;
/** Pause between two progress steps. */
export const REVERSE_TEXT_STEP_DELAY_MS = 25;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Registers `reverse_text` (mcp:read): reverses text by grapheme (emoji and accents stay whole),
 * reporting `notifications/progress` when the request carries a `progressToken`. Bounded: at most
 * {@link REVERSE_TEXT_STEPS} × {@link REVERSE_TEXT_STEP_DELAY_MS}, cancellable.
 */
export function registerReverseText(server: McpServer): void {
  server.registerTool(
    'reverse_text',
    {
      title: 'Reverse text',
      description: `Reverses a text (up to ${MAX_REVERSE_TEXT_LENGTH} characters), reporting progress while it works.`,
      inputSchema: { text: z.string().max(MAX_REVERSE_TEXT_LENGTH).describe('The text to reverse.') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ text }, extra) => {
      const denied = missingScope(extra, 'mcp:read');
      if (denied) return denied;
      const progressToken = extra._meta?.progressToken;
      try {
        for (let step = 1; step <= REVERSE_TEXT_STEPS; step += 1) {
          await delay(REVERSE_TEXT_STEP_DELAY_MS, undefined, { signal: extra.signal });
          if (progressToken !== undefined) {
            await extra.sendNotification({
              method: 'notifications/progress',
              params: { progressToken, progress: step, total: REVERSE_TEXT_STEPS, message: `Reversing: step ${step} of ${REVERSE_TEXT_STEPS}` },
            });
          }
        }
      } catch (err) {
        if (extra.signal.aborted) return toolError('reverse_text was cancelled.');
        throw err;
      }
      const reversed = Array.from(segmenter.segment(text), (s) => s.segment).reverse().join('');
      return jsonResult({ text: reversed });
    },
  );
}
