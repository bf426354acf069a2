/**
 * The `immuta` a printed next step starts with. A hint is pasted as is: without `-p NAME` it would
 * run against the default profile's tenant, not the one this run used.
 */
export function immutaCli(profile: string | undefined): string {
  return profile && profile !== 'default' ? `immuta -p ${shellWord(profile)}` : 'immuta';
}

/** A profile name as one shell word: quoted when it holds anything but letters, digits and `._-`. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9._-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A file name or other value as one shell word in a printed command: as typed when it is made of
 * characters no shell treats specially (paths: letters, digits, `._-/:=@%+,`), else single-quoted.
 * `my key (prod).json` printed bare was a syntax error when pasted; `$(...)` in a name would run.
 */
export function shellArg(text: string): string {
  return /^[A-Za-z0-9._\-/:=@%+,]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
