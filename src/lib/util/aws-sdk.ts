/**
 * The AWS SDK's client packages, loaded when first used (only the commands that reach AWS pay for
 * them), with require: see requirePackage.
 */
import type * as Athena from '@aws-sdk/client-athena';
import type * as Iam from '@aws-sdk/client-iam';
import type * as Kms from '@aws-sdk/client-kms';
import type * as Organizations from '@aws-sdk/client-organizations';
import type * as S3 from '@aws-sdk/client-s3';
import type * as Sts from '@aws-sdk/client-sts';
import { requirePackage } from './require-package.js';

export const s3Sdk = () => requirePackage<typeof S3>('@aws-sdk/client-s3');
export const stsSdk = () => requirePackage<typeof Sts>('@aws-sdk/client-sts');
export const iamSdk = () => requirePackage<typeof Iam>('@aws-sdk/client-iam');
export const kmsSdk = () => requirePackage<typeof Kms>('@aws-sdk/client-kms');
export const organizationsSdk = () => requirePackage<typeof Organizations>('@aws-sdk/client-organizations');
export const athenaSdk = () => requirePackage<typeof Athena>('@aws-sdk/client-athena');
