import { DuckDBInstance } from '@duckdb/node-api';
const c = await (await DuckDBInstance.create(':memory:')).connect();
const show = async (sql) => { try { const r = await c.runAndReadAll(sql); console.log(JSON.stringify(r.getRowObjectsJson())); } catch (e) { console.log('ERR', e.message.split('\n')[0]); } };
const t = `'[{"id":"a"},{"name":"x"},{"id":"c","name":"z"},"str",{"id":5,"name":{"o":1}},null]'`;
await show(`SELECT json_extract_string(${t}, '$[*].id') ids, json_extract_string(${t}, '$[*].name') names`);
await show(`SELECT json_transform(${t}, '[{"id":"VARCHAR","name":"VARCHAR"}]') s`);
await show(`SELECT list_transform(json_extract(${t}, '$[*]'), e -> json_extract_string(e, '$.id')) ids`);
await show(`SELECT list_transform(json_extract(${t}, '$[*]'), e -> e->>'$.name') names`);
