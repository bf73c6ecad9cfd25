import { describe, expect, it } from 'vitest';
import { failed, formatRow, runChaos } from '../bot/cli/chaosSuite.js';

// `npm run chaos -- --short` as a test: the real server bundle in a child process, the Feishu stub, 127.0.0.1 only.
describe('chaos suite (short mode)', () => {
  it('shows no duplicates, losses, 500s or unmet expectations in any scenario', async () => {
    const rows = await runChaos({ short: true });
    const table = rows.map(formatRow).join('\n');
    expect(rows.map((r) => r.scenario)).toHaveLength(9);
    for (const r of rows) {
      expect(r.sent, table).toBeGreaterThan(0);
      expect({ scenario: r.scenario, duplicated: r.duplicated, lost: r.lost, errors500: r.errors500, problems: r.problems }, table).toEqual({
        scenario: r.scenario,
        duplicated: 0,
        lost: 0,
        errors500: 0,
        problems: [],
      });
    }
    expect(rows.filter(failed)).toEqual([]);
    // Scenarios that must refuse did refuse.
    const by = Object.fromEntries(rows.map((r) => [r.scenario, r]));
    expect(by['重放与过期事件']!.refused).toBeGreaterThan(0);
    expect(by['无 Token 启动']!.refused).toBe(2);
    expect(by['api/ask 突发']!.refused).toBeGreaterThan(0);
  }, 120_000);
});
