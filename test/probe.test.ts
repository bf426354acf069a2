import { it } from 'vitest';
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';
import { athenaDdl } from '../src/lib/logs/athena-table.js';
import { PRESETS } from '../src/lib/logs/presets/definitions.js';
import { renderPresetSql, resolvePresetFilters } from '../src/lib/logs/presets/run.js';
it('probe', () => {
  const ddl = athenaDdl({ database: 'immuta_audit', table: 'audit_events', layout: 'yyyy/MM/dd', bucket: 'b', prefix: 'immuta/logs' });
  for (const s of ddl) { console.log(s); console.log(JSON.stringify(new HiveSQL().validate(s).map(e => e.message))); }
  const t = new TrinoSQL();
  for (const p of PRESETS) {
    const sql = renderPresetSql(p, resolvePresetFilters(p, { since: '2026-01-01', until: '2026-01-20', target: 'a,b', actor: 'x', status: 'failure' }), 'trino');
    const errs = t.validate(sql);
    console.log(p.name, JSON.stringify(errs).slice(0, 400));
    if (p.name === 'policy-impact') console.log(sql);
  }
});
