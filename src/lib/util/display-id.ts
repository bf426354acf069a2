/**
 * How to show a command id to people: spaced (`sandbox role put`), except the create/update
 * commands, which Immuta documents in colon form (`audit exportConfig create:s3:accessKey`).
 * Both forms run the same command (src/lib/cli/argv.ts).
 */
export function displayCommandId(id: string): string {
  const documented = /^audit:exportConfig:((?:create|update):.+)$/.exec(id);
  return documented ? `audit exportConfig ${documented[1]}` : id.replaceAll(':', ' ');
}
