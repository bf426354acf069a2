import { type RuleProblem, problem } from './rule.js';

/**
 * SAS tokens are URL query strings (`sv=...&ss=...&sp=...&se=...&sig=...`). Portals copy them with
 * a leading `?`, which we drop. The token is a secret: messages name its parameters, never values
 * other than the expiry.
 */
export function normalizeSasToken(value: string): string {
  return value.trim().replace(/^\?/, '');
}

const FIX_COPY =
  'Copy the SAS token again from the Azure portal (Shared access signature > "SAS token"), or generate one with `az storage container generate-sas`.';

export function checkSasToken(raw: string, now: Date = new Date()): RuleProblem[] {
  if (raw.trim() !== raw)
    return [problem('"sasToken" has spaces or a line break around it', 'Remove the surrounding whitespace.')];
  const token = normalizeSasToken(raw);
  if (/^https?:\/\//i.test(token)) {
    return [
      problem(
        '"sasToken" is a whole URL; only the token (the part after "?") is expected',
        'Keep only the text after the "?" of the SAS URL.',
      ),
    ];
  }
  if (/\s/.test(token)) return [problem('"sasToken" contains whitespace', FIX_COPY)];
  const pairs = token.split('&');
  if (token === '' || pairs.some((pair) => !/^[a-z]+=/i.test(pair))) {
    return [problem('"sasToken" does not look like a SAS token (name=value pairs joined by "&")', FIX_COPY)];
  }
  const params = new URLSearchParams(token);
  const missing = ['sv', 'sig'].filter((name) => !params.get(name));
  if (missing.length > 0) {
    return [
      problem(
        `"sasToken" has no ${missing.map((m) => `"${m}="`).join(' or ')} parameter; a SAS token has a version (sv) and a signature (sig)`,
        FIX_COPY,
      ),
    ];
  }
  const problems: RuleProblem[] = [];
  const expiry = params.get('se');
  if (expiry) {
    const when = new Date(expiry);
    if (!Number.isNaN(when.getTime()) && when.getTime() <= now.getTime()) {
      problems.push(
        problem(
          `"sasToken" expired on ${expiry} (its "se" parameter)`,
          'Generate a new SAS token with an expiry far enough ahead for the export to keep running.',
        ),
      );
    }
  }
  const permissions = params.get('sp');
  if (permissions && !/[cw]/.test(permissions)) {
    problems.push(
      problem(
        `"sasToken" grants only "${permissions}" (sp); Immuta needs to create and write files`,
        'Generate the SAS token with at least the Create and Write permissions (sp includes c and w).',
      ),
    );
  }
  return problems;
}
