/**
 * The `immuta` a printed next step starts with. A hint is pasted as is: without `-p NAME` it would
 * run against the default profile's tenant, not the one this run used.
 */
export function immutaCli(profile: string | undefined): string {
  return profile && profile !== 'default' ? `immuta -p ${profile}` : 'immuta';
}
