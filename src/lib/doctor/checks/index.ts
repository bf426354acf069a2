import { accessKeyCheck } from './access-key.js';
import { bucketOwnerCheck } from './bucket-owner.js';
import { bucketPolicyCheck } from './bucket-policy.js';
import { bucketCheck } from './bucket.js';
import { callerIdentityCheck } from './caller-identity.js';
import { connectionStatusCheck } from './connection-status.js';
import type { CheckDefinition } from './context.js';
import { encryptionCheck } from './encryption.js';
import { identityPolicyCheck } from './identity-policy.js';
import { objectLockCheck } from './object-lock.js';
import { objectOwnershipCheck } from './object-ownership.js';
import { organizationCheck } from './organization.js';
import { probeCheck } from './probe.js';
import { requesterPaysCheck } from './requester-pays.js';
import { trustPolicyCheck } from './trust-policy.js';

/** Every AWS-side check, in report order (the config-file check comes first and is not an AWS check). */
export const AWS_CHECKS: readonly CheckDefinition[] = [
  callerIdentityCheck,
  accessKeyCheck,
  bucketCheck,
  bucketOwnerCheck,
  bucketPolicyCheck,
  encryptionCheck,
  objectOwnershipCheck,
  objectLockCheck,
  requesterPaysCheck,
  identityPolicyCheck,
  trustPolicyCheck,
  organizationCheck,
  connectionStatusCheck,
  probeCheck,
];

export type {
  CheckContext,
  CheckDefinition,
  DoctorTarget,
  Finding,
  ProbeOptions,
  TenantStatusSource,
  Writer,
} from './context.js';
