/**
 * Run before each test file. Test files share a worker's modules (vitest `isolate: false`), so what
 * a module keeps for the process would pass from one file to the next: here, the secrets registered
 * for redaction (webhook URLs, API keys), which would redact a later file's output.
 */
import { clearRegisteredSecrets } from '../../src/lib/output/redact.js';

clearRegisteredSecrets();
