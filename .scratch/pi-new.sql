WITH scoped AS (
  SELECT * FROM events
  WHERE event BETWEEN 'GlobalPolicyUpdated' AND 'GlobalPolicyUpdated'
    AND (event IN ('GlobalPolicyUpdated'))
    AND eventTimestamp >= '2026-01-02T08:59:58.552Z'::TIMESTAMPTZ
), answer AS (
WITH updates AS (
  SELECT id, eventTimestamp, actor, targetIds, targetNames FROM scoped WHERE event = 'GlobalPolicyUpdated'
), ties AS (
  SELECT d.policyId, d.targetIds
  FROM (SELECT *, unnest(payloadValues) AS policyId FROM (SELECT payloadValues, targetIds FROM events WHERE event >= 'DatasourceGlobalPolicy' AND event < 'DatasourceGlobalPolicz' AND starts_with(event, 'DatasourceGlobalPolicy'))) AS d
), tied AS (
  SELECT DISTINCT u.id AS updateId, t.dataSourceId
  FROM (SELECT *, unnest(targetIds) AS policyId FROM updates) AS u
  JOIN (SELECT *, unnest(targetIds) AS dataSourceId FROM ties) AS t ON t.policyId = u.policyId
), pairs AS (
  SELECT u.*, t.dataSourceId FROM updates u JOIN tied t ON t.updateId = u.id
  UNION ALL
  SELECT u.*, NULL AS dataSourceId FROM updates u WHERE u.id NOT IN (SELECT updateId FROM tied)
), numbered AS (
  SELECT p.*, row_number() OVER (ORDER BY id, dataSourceId) AS pairNo FROM pairs p
), span AS (
  SELECT min(eventTimestamp) - to_seconds(86400) AS windowStart, max(eventTimestamp) + to_seconds(86400) AS windowEnd FROM updates
), probes AS (
  SELECT pairNo, dataSourceId, s.probe,
    CASE s.probe WHEN 1 THEN eventTimestamp - to_seconds(86400) WHEN 2 THEN eventTimestamp ELSE eventTimestamp + to_seconds(86400) END AS instant
  FROM (SELECT *, unnest([1, 2, 3]) AS probe FROM numbered) AS s
), untiedProbes AS (
  SELECT pairNo, probe, instant, rank() OVER (ORDER BY instant) AS probeRank FROM probes WHERE dataSourceId IS NULL
), untiedQueries AS (
  SELECT eventTimestamp AS instant, actionStatus IS DISTINCT FROM 'SUCCESS' AS denied
  FROM events
  WHERE action = 'QUERY'
    AND eventTimestamp >= (SELECT windowStart FROM span) AND eventTimestamp < (SELECT windowEnd FROM span)
    AND EXISTS (SELECT 1 FROM untiedProbes)
), untiedCounts AS (
  SELECT pairNo, probe, queriesBefore AS queries, 0 AS denied FROM (
    SELECT pairNo, probe, rank() OVER (ORDER BY instant, isQuery) - probeRank AS queriesBefore
    FROM (
      SELECT pairNo, probe, instant, 0 AS isQuery, probeRank FROM untiedProbes
      UNION ALL
      SELECT NULL, NULL, instant, 1, NULL FROM untiedQueries
    ) stream
  ) ranked WHERE pairNo IS NOT NULL
  UNION ALL
  SELECT pairNo, probe, 0, deniedBefore FROM (
    SELECT pairNo, probe, rank() OVER (ORDER BY instant, isQuery) - probeRank AS deniedBefore
    FROM (
      SELECT pairNo, probe, instant, 0 AS isQuery, probeRank FROM untiedProbes
      UNION ALL
      SELECT NULL, NULL, instant, 1, NULL FROM untiedQueries WHERE denied
    ) stream
  ) ranked WHERE pairNo IS NOT NULL
), tiedQueries AS (
  SELECT DISTINCT q.id, q.dataSourceId, q.eventTimestamp, q.actionStatus IS DISTINCT FROM 'SUCCESS' AS denied
  FROM (SELECT *, unnest(targetIds) AS dataSourceId FROM (
    SELECT id, eventTimestamp, actionStatus, targetIds FROM events
    WHERE action = 'QUERY'
      AND eventTimestamp >= (SELECT windowStart FROM span) AND eventTimestamp < (SELECT windowEnd FROM span)
      AND EXISTS (SELECT 1 FROM tied)
      AND list_has_any(targetIds, (SELECT flatten(list([dataSourceId])) FROM tied))
  )) AS q
  WHERE q.dataSourceId IN (SELECT dataSourceId FROM tied)
), tiedProbes AS (
  SELECT pairNo, dataSourceId, probe, instant, rank() OVER (PARTITION BY dataSourceId ORDER BY instant) AS probeRank
  FROM probes WHERE dataSourceId IS NOT NULL
), tiedCounts AS (
  SELECT pairNo, probe, queriesBefore AS queries, 0 AS denied FROM (
    SELECT pairNo, probe, rank() OVER (PARTITION BY dataSourceId ORDER BY instant, isQuery) - probeRank AS queriesBefore
    FROM (
      SELECT pairNo, dataSourceId, probe, instant, 0 AS isQuery, probeRank FROM tiedProbes
      UNION ALL
      SELECT NULL, dataSourceId, NULL, eventTimestamp, 1, NULL FROM tiedQueries
    ) stream
  ) ranked WHERE pairNo IS NOT NULL
  UNION ALL
  SELECT pairNo, probe, 0, deniedBefore FROM (
    SELECT pairNo, probe, rank() OVER (PARTITION BY dataSourceId ORDER BY instant, isQuery) - probeRank AS deniedBefore
    FROM (
      SELECT pairNo, dataSourceId, probe, instant, 0 AS isQuery, probeRank FROM tiedProbes
      UNION ALL
      SELECT NULL, dataSourceId, NULL, eventTimestamp, 1, NULL FROM tiedQueries WHERE denied
    ) stream
  ) ranked WHERE pairNo IS NOT NULL
), counts AS (
  SELECT pairNo,
    sum(CASE WHEN probe = 2 THEN queries WHEN probe = 1 THEN -queries ELSE 0 END) AS queriesBefore,
    sum(CASE WHEN probe = 2 THEN denied WHEN probe = 1 THEN -denied ELSE 0 END) AS deniedBefore,
    sum(CASE WHEN probe = 3 THEN queries WHEN probe = 2 THEN -queries ELSE 0 END) AS queriesAfter,
    sum(CASE WHEN probe = 3 THEN denied WHEN probe = 2 THEN -denied ELSE 0 END) AS deniedAfter
  FROM (SELECT * FROM untiedCounts UNION ALL SELECT * FROM tiedCounts) running
  GROUP BY pairNo
)
SELECT p.id AS policyEventId, p.eventTimestamp, p.targetIds[1] AS policyId, p.targetNames[1] AS policy, p.actor,
  coalesce(p.dataSourceId, '*') AS dataSource, c.queriesBefore, c.deniedBefore, c.queriesAfter, c.deniedAfter
FROM numbered p JOIN counts c ON c.pairNo = p.pairNo
)
SELECT * FROM answer ORDER BY eventTimestamp, policyEventId, dataSource
