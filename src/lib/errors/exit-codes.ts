/**
 * The documented exit codes. They are part of the public interface: CI scripts branch on them,
 * so a change here is a breaking change (README "Exit codes", test/e2e/exit-codes.test.ts).
 */
export const ExitCode = {
  /** Done; for create/update/test the connection is SUCCESS. */
  OK: 0,
  /** Unexpected failure: a bug in this CLI. */
  BUG: 1,
  /** Usage or validation error: nothing was sent. */
  USAGE: 2,
  /** Done, but action is needed: the connection is not SUCCESS, or the doctor found a failing check. */
  ACTION_NEEDED: 3,
  /** The tenant refused the credentials or the permission (HTTP 401/403). */
  AUTH: 4,
  /** The tenant is unreachable or failing: DNS, TLS, timeout, 5xx, not an audit endpoint, GraphQL errors. */
  TENANT: 5,
  /** Interrupted (Ctrl-C). */
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
