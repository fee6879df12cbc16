import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCalendarDate } from '../../src/tools/expenses.ts';

describe('isCalendarDate — YYYY-MM-DD (ISO 8601 calendar date)', () => {
  it('accepts real dates', () => {
    for (const d of ['2026-11-24', '2024-02-29', '2000-01-01']) assert.equal(isCalendarDate(d), true, d);
  });
  it('rejects impossible or malformed dates', () => {
    for (const d of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-1-01', '24/11/2026', '', '2026-11-24T00:00:00Z']) assert.equal(isCalendarDate(d), false, d);
  });
});
