/**
 * Secrets never reach output. Two layers, both here:
 * 1. by key: any object value under a secret-looking key is replaced before it is rendered;
 * 2. by value: every secret the process learns (API key, secretAccessKey, sasToken) is registered,
 *    and every byte written to stdout/stderr is scrubbed of it (`installStreamRedaction`), which
 *    also covers debug logs and third-party messages we do not control.
 */
import { escapeC1 } from './control-codes.js';

export const REDACTED = '[REDACTED]';

const SECRET_KEYS = 'secretaccesskey|sastoken|apikey|api_key|api-key|authorization|password|sessiontoken|token|secret';
const SECRET_KEY_PATTERN = new RegExp(`^(${SECRET_KEYS})$`, 'i');
/** A secret key as JSON.stringify writes one (it never escapes these letters). */
const SECRET_KEY_IN_JSON = new RegExp(`"(${SECRET_KEYS})":`, 'i');

const registeredSecrets = new Set<string>();

/** Secrets shorter than this are not scrubbed by value (they would mangle ordinary text). */
const MIN_SECRET_LENGTH = 6;

export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return;
  const trimmed = value.trim();
  if (trimmed.length >= MIN_SECRET_LENGTH) registeredSecrets.add(trimmed);
  // A value may also travel URL-encoded (e.g. SAS tokens, secrets with "/" and "+").
  const encoded = encodeURIComponent(trimmed);
  if (encoded !== trimmed && encoded.length >= MIN_SECRET_LENGTH) registeredSecrets.add(encoded);
}

/**
 * A URL's password, as URL parsers give it (percent-encoded), registered as written and decoded;
 * returns the values registered. A malformed %-escape (`p%zz`) is registered as written: decoding it
 * threw "URI malformed", an unexpected failure of whatever echoed the URL.
 */
export function registerUrlPassword(password: string): string[] {
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // Not percent-encoded: the raw text is the password.
  }
  const values = [...new Set([password, decoded])];
  for (const value of values) registerSecret(value);
  return values;
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}

/** Whether JSON text written by JSON.stringify has a secret key anywhere (so redactSecretKeys would change its value). */
export function hasSecretKey(json: string): boolean {
  return SECRET_KEY_IN_JSON.test(json);
}

/**
 * Secrets this process never read can still arrive in text from elsewhere (a tenant echoing its
 * input in an error, a library dumping a request). Values written as `name=value`, `name: value`
 * or `"name": "value"` under a secret-looking name, and credentials in query strings (`sig=`,
 * `X-Amz-Signature=`), are scrubbed by shape.
 */
// A GraphQL variable (`$secretAccessKey: String!`, `secretAccessKey: $secretAccessKey`) is a name, not
// a value: the documents the CLI sends (and `--dry-run` prints) stay readable, the values stay redacted.
// Name, separator and value stay on one line ([ \t], not \s): a line ending in a field name followed
// by one starting with `= unchanged` is two lines of a plan, not an assignment. A value never starts
// with `{` `[` `<` `(`: those are a secret reference (`"sasToken": {"fromEnv": ...}`), a marker
// (`[REDACTED]`) or a placeholder (`<key>`, `(none)`), not a secret.
const SECRET_ASSIGNMENT =
  /(?<!\$)\b(secret_?access_?key|aws_secret_access_key|aws_session_token|x-amz-security-token|sas_?token|api_?key|x-api-key)("?[ \t]*[=:][ \t]*"?)([^\s"',;}${[<(][^\s"',;}]*)/gi;
/**
 * Query parameters that are credentials: a SAS signature (`sig=`) and a presigned S3 URL's signature,
 * session token and credential scope (`X-Amz-Signature=`, `X-Amz-Security-Token=`,
 * `X-Amz-Credential=`, as a pasted URL that is echoed holds them). Each value ends at its `&`.
 */
const QUERY_SECRET = /([?&\s](?:sig|x-amz-signature|x-amz-security-token|x-amz-credential)=)([^&\s"]+)/gi;
/** `...` and `…`: what documentation writes where a value goes. */
const ELLIPSIS = /^(?:\.{3,}|…)$/;
/** A short lower-case word: with `name: ` before it and more words after, it is prose, not a value. */
const WORD = /^[a-z]{1,15}$/;
const PROSE_SEPARATOR = /^[ \t]*:[ \t]+$/;
const NEXT_WORD = /^[ \t]+[a-z]/;

/**
 * Whether a value matched by SECRET_ASSIGNMENT is wording rather than a secret: a placeholder, or a
 * word of a sentence such as our own `invalid api_key: it must be a string`. Real keys are random
 * (mixed case, digits, `/+=`), so a short lower-case word followed by more words is let through.
 */
function notASecret(separator: string, value: string, after: string): boolean {
  if (ELLIPSIS.test(value)) return true;
  return PROSE_SEPARATOR.test(separator) && WORD.test(value) && NEXT_WORD.test(after);
}

/** Replaces every registered secret value, and anything shaped like a secret assignment, in a text. */
export function redactText(text: string): string {
  let out = text;
  // Known values first and longest first, so a secret containing another is removed whole.
  for (const secret of [...registeredSecrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  // Query parameters before assignments: an assignment's value runs past `&` (a presigned URL's
  // `X-Amz-Security-Token=...&X-Amz-Date=...`), a parameter's stops there.
  return out
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(
      SECRET_ASSIGNMENT,
      (match: string, name: string, separator: string, value: string, offset: number, whole: string) =>
        notASecret(separator, value, whole.slice(offset + match.length, offset + match.length + 8))
          ? match
          : `${name}${separator}${REDACTED}`,
    );
}

/** A value that redaction by key replaces (an empty one says nothing and stays). */
const underSecretKey = (key: string, value: unknown) =>
  isSecretKey(key) && value !== null && value !== undefined && value !== '';

/**
 * The value with what is under a secret key replaced (layer 1 alone), copying only the objects on
 * the way to one: for big documents whose text is then written through redactText anyway (streamed
 * `--json` answers), where redactValue's copy and scrub of every string doubled the time.
 */
export function redactSecretKeys<T>(value: T): T {
  return redactKeys(value) as T;
}

function redactKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redactKeys(item);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    });
    return copy ?? value;
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, inner] of Object.entries(value)) {
      const redacted = underSecretKey(key, inner) ? REDACTED : redactKeys(inner);
      if (redacted !== inner) (copy ??= { ...value })[key] = redacted;
    }
    return copy ?? value;
  }
  return value;
}

/** Deep copy of a value with secret keys replaced and secret values scrubbed from strings. */
export function redactValue<T>(value: T): T {
  return redactAny(value) as T;
}

function redactAny(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactAny);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = underSecretKey(key, inner) ? REDACTED : redactAny(inner);
    }
    return out;
  }
  return value;
}

let streamsPatched = false;

/**
 * A stream's write that scrubs every registered secret and raw C1 control code (`\u009b` is a
 * one-character CSI; JSON.stringify leaves it raw, its `\u009b` escape is valid JSON) from what it
 * is given, then hands it to `write`.
 */
export function redactingWrite<W extends (...args: never[]) => boolean>(write: W): W {
  const original = write as unknown as (...args: unknown[]) => boolean;
  return ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') chunk = escapeC1(redactText(chunk));
    else if (chunk instanceof Uint8Array) chunk = escapeC1(redactText(Buffer.from(chunk).toString('utf8')));
    return original(chunk, ...rest);
  }) as unknown as W;
}

/**
 * Wraps process.stdout/stderr.write (redactingWrite) so that no registered secret can be printed by
 * anything in this process (our code, oclif, a library's debug output). Idempotent.
 */
export function installStreamRedaction(): void {
  if (streamsPatched) return;
  streamsPatched = true;
  for (const stream of [process.stdout, process.stderr]) stream.write = redactingWrite(stream.write.bind(stream));
}

/** For tests only. */
export function clearRegisteredSecrets(): void {
  registeredSecrets.clear();
}
