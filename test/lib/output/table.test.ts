import { describe, expect, it } from 'vitest';
import {
  SUMMARY_VALUE_MAX,
  renderConfigurationSummary,
  renderConfigurationTable,
} from '../../../src/lib/export-config/configuration-view.js';
import { CELL_MAX, LAST_CELL_MAX, renderTable, visibleLength } from '../../../src/lib/output/table.js';
import { painter } from '../../../src/lib/output/terminal.js';
import { renderTasksTable } from '../../../src/lib/lifecycle/tasks-view.js';
import type { ExportConfiguration, ExportJobTask } from '../../../src/lib/tenant/types.js';

const huge = 'A'.repeat(200_000);

describe('renderTable on a terminal', () => {
  it("cuts a tenant's huge value to its column (it padded every row to its width), piped it is whole", () => {
    const configs = [
      { id: `cfg-${huge}`, interval: 'EVERY_12_HOURS', enabled: true, connectionStatus: 'SUCCESS' },
      { id: 'cfg-2', interval: 'EVERY_12_HOURS', enabled: true, connectionStatus: 'SUCCESS' },
    ] as ExportConfiguration[];
    const tty = renderConfigurationTable(configs, painter(false), true);
    expect(tty.length).toBeLessThan(1000);
    const lines = tty.split('\n');
    expect(lines[1]).toContain(`cfg-${'A'.repeat(CELL_MAX - 5)}…`);
    expect(lines[2]?.indexOf('s3:')).toBe(lines[1]?.indexOf('s3:'));
    expect(renderConfigurationTable(configs, painter(false), false)).toContain(`cfg-${huge}`);
  });

  it('keeps the last column (a failure reason) up to LAST_CELL_MAX columns', () => {
    const tasks = [{ id: 't', status: 'FAILURE', failureReason: `why ${huge}` }] as ExportJobTask[];
    const line = renderTasksTable(tasks, painter(false), true).split('\n')[1] ?? '';
    expect(line).toContain(`why ${'A'.repeat(LAST_CELL_MAX - 5)}…`);
    expect(line.length).toBeLessThan(LAST_CELL_MAX + 100);
  });

  it('aligns CJK and emoji cells on terminal columns', () => {
    const rows = [
      { a: '漢字', b: 'x' },
      { a: '😀', b: 'y' },
      { a: 'abc', b: 'z' },
    ];
    const text = renderTable(
      rows,
      ['a', 'b'].map((c) => ({ header: c, value: (r: Record<string, string>) => r[c] ?? '' })),
      true,
    );
    const lines = text.split('\n');
    expect(lines).toEqual(['A     B', '漢字  x', '😀    y', 'abc   z']);
    expect(new Set(lines.map((l) => visibleLength(l)))).toEqual(new Set([7]));
  });
});

describe('renderConfigurationSummary', () => {
  it("prints a tenant's huge bucket and status cut, saying how much was left out", () => {
    const config = {
      id: 'cfg-1',
      interval: 'EVERY_12_HOURS',
      enabled: true,
      connectionStatus: `FAILED: ${huge}`,
      endpointConfiguration: { __typename: 'S3AccessKeyEndpointConfiguration', bucket: huge, region: 'us-east-1' },
    } as ExportConfiguration;
    const text = renderConfigurationSummary(config, painter(false));
    expect(text.length).toBeLessThan(2 * SUMMARY_VALUE_MAX + 500);
    expect(text).toContain(`more characters)`);
    expect(text).toContain('region      us-east-1');
  });
});
