import { escapeLine } from '../output/control-codes.js';
import { redactValue } from '../output/redact.js';
import type { EventRow, PresetInfo } from './source.js';

/**
 * The bodies `logs watch` posts. `slack`: an incoming-webhook body, `text` (the notification
 * fallback) plus blocks with a line per event (time, event, actor, target, id), at most 20 events a
 * message, then "and N more" (in the messages that follow). `json`: {preset, question, events} with
 * the events as stored, for a Lambda or any receiver. Every event's id is in the payload, so a
 * receiver can drop a repeat (a crash between a delivery and the state write may send a batch again).
 * Payloads go through redaction: a secret never leaves in one.
 */
export type AlertFormat = 'slack' | 'json';

export const SLACK_EVENTS_PER_MESSAGE = 20;
export const JSON_EVENTS_PER_MESSAGE = 500;

export interface ThresholdHit {
  threshold: number;
  count: number;
  windowStart: string;
  windowEnd: string;
}

/** One message to post and the events it delivers (marked sent once it is accepted). */
export interface Message {
  preset: string;
  body: unknown;
  eventIds: string[];
  /** For a threshold alert: the window it reports. */
  threshold?: ThresholdHit;
}

/**
 * Remote text in Slack mrkdwn: &, < and > are Slack's control characters (links, mentions), and a
 * newline, CR, ESC, BEL or bidi override in a target name or actor forged a line of its own (a fake
 * "• ..." event) or reached the receiver raw: they are shown as visible escapes. Kept short.
 */
function slackText(value: string, max = 120): string {
  const short = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return escapeLine(short).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function targetNames(targets: unknown): string {
  if (!Array.isArray(targets)) return typeof targets === 'string' ? targets : '';
  return targets
    .map((t) => {
      if (typeof t === 'string') return t;
      if (t && typeof t === 'object') {
        const { name, id } = t as { name?: unknown; id?: unknown };
        return String(name ?? id ?? '');
      }
      return '';
    })
    .filter((name) => name !== '')
    .join(', ');
}

/** The columns an event line shows already, or that a reader needs no more (the row's own id). */
const SHOWN = new Set(['id', 'eventTimestamp', 'event', 'action', 'actor', 'targets', 'actionStatus']);

/**
 * A finding of an aggregate preset (a spike, a policy's impact) has no event: its own columns are
 * the news (`queries: 42 · notSuccessful: 7 · maxScore: 97`). The line showed only time, actor and
 * id, so a spike alert said nothing of its size. Values that are numbers, short text or lists of
 * short text, at most 8.
 */
function findingParts(row: EventRow): string[] {
  if (row.event !== undefined || row.action !== undefined) return [];
  const parts: string[] = [];
  for (const [name, value] of Object.entries(row)) {
    if (SHOWN.has(name) || value === null || value === undefined || parts.length >= 8) continue;
    const text = Array.isArray(value)
      ? value.filter((v) => typeof v === 'string' || typeof v === 'number').join(', ')
      : typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : '';
    if (text !== '') parts.push(`${name}: ${text}`);
  }
  return parts;
}

function eventLine(event: EventRow): string {
  const parts = [
    event.eventTimestamp,
    event.event ?? event.action ?? '',
    event.actor ?? '',
    targetNames(event.targets),
    event.actionStatus && event.actionStatus !== 'SUCCESS' ? event.actionStatus : '',
    ...findingParts(event),
  ].filter((part) => part !== '');
  return `• ${parts.map((part) => slackText(String(part))).join(' · ')} · \`${slackText(event.id, 80)}\``;
}

function slackBody(preset: PresetInfo, events: EventRow[], remaining: number, heading: string): unknown {
  const lines = events.map(eventLine);
  const more = remaining > 0 ? [`and ${remaining} more`] : [];
  const title = `${preset.name}: ${heading}`;
  return {
    text: `${title}\n${[...lines, ...more].join('\n')}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${slackText(preset.name)}* — ${slackText(heading, 300)}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: slackText(preset.question, 300) }] },
      ...lines.map((line) => ({ type: 'section', text: { type: 'mrkdwn', text: line } })),
      ...more.map((text) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] })),
    ],
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Messages for new matches of one preset (events sorted by time). */
export function matchMessages(preset: PresetInfo, events: EventRow[], format: AlertFormat): Message[] {
  const safe = redactValue(events);
  const size = format === 'slack' ? SLACK_EVENTS_PER_MESSAGE : JSON_EVENTS_PER_MESSAGE;
  const parts = chunks(safe, size);
  let remaining = safe.length;
  return parts.map((part, index) => {
    remaining -= part.length;
    const heading =
      parts.length === 1
        ? `${safe.length} new event${safe.length === 1 ? '' : 's'}`
        : `${safe.length} new events (message ${index + 1} of ${parts.length})`;
    return {
      preset: preset.name,
      eventIds: part.map((e) => e.id),
      body:
        format === 'slack'
          ? slackBody(preset, part, remaining, heading)
          : { preset: preset.name, question: preset.question, events: part },
    };
  });
}

/** One message for a threshold window that reached its count. */
export function thresholdMessage(
  preset: PresetInfo,
  hit: ThresholdHit,
  events: EventRow[],
  format: AlertFormat,
): Message {
  const heading = `${hit.count} events between ${hit.windowStart} and ${hit.windowEnd} (threshold ${hit.threshold})`;
  // The window's first events only: a burst (the very thing alerted, 50,000 failed queries in an
  // hour) made one body of tens of MB, which receivers refuse (413), so the alert never came and
  // every run failed on it. The count is in `threshold`; `more` says how many were left out.
  const shown = redactValue(events.slice(0, format === 'slack' ? SLACK_EVENTS_PER_MESSAGE : JSON_EVENTS_PER_MESSAGE));
  const more = events.length - shown.length;
  return {
    preset: preset.name,
    eventIds: events.map((e) => e.id),
    threshold: hit,
    body:
      format === 'slack'
        ? slackBody(preset, shown, more, heading)
        : {
            preset: preset.name,
            question: preset.question,
            threshold: hit,
            events: shown,
            ...(more > 0 ? { more } : {}),
          },
  };
}
