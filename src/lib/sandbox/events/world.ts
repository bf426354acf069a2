/**
 * The imaginary organisation whose activity the sandbox exports: a few people, data sources with
 * tagged columns, policies, domains. Small and fixed, so generated logs read like one tenant's
 * history (the same people touch the same data), which is what insight queries need to be tested.
 */

export interface Person {
  id: string;
  name: string;
  identityProvider: 'bim' | 'okta';
  profileId: string;
  role: 'governor' | 'admin' | 'engineer' | 'analyst';
  ip: string;
}

export interface Column {
  name: string;
  tags: string[];
}

export interface DataSource {
  id: string;
  name: string;
  technology: 'SNOWFLAKE' | 'DATABRICKS' | 'TRINO';
  /** Fully qualified table name in the platform. */
  table: string;
  columns: Column[];
}

export const PEOPLE: readonly Person[] = [
  {
    id: 'taylor@example.com',
    name: 'Taylor Smith',
    identityProvider: 'bim',
    profileId: '1',
    role: 'admin',
    ip: '10.20.0.11',
  },
  {
    id: 'priya.governor@example.com',
    name: 'Priya Raman',
    identityProvider: 'okta',
    profileId: '7',
    role: 'governor',
    ip: '10.20.0.24',
  },
  {
    id: 'marc.steward@example.com',
    name: 'Marc Dubois',
    identityProvider: 'okta',
    profileId: '9',
    role: 'governor',
    ip: '10.20.3.9',
  },
  {
    id: 'lee.engineer@example.com',
    name: 'Lee Chen',
    identityProvider: 'okta',
    profileId: '12',
    role: 'engineer',
    ip: '10.20.5.40',
  },
  {
    id: 'sam.engineer@example.com',
    name: 'Sam Okafor',
    identityProvider: 'okta',
    profileId: '15',
    role: 'engineer',
    ip: '10.20.5.41',
  },
  {
    id: 'ana.analyst@example.com',
    name: 'Ana Souza',
    identityProvider: 'okta',
    profileId: '21',
    role: 'analyst',
    ip: '10.30.1.17',
  },
  {
    id: 'ben.analyst@example.com',
    name: 'Ben Fischer',
    identityProvider: 'okta',
    profileId: '22',
    role: 'analyst',
    ip: '10.30.1.18',
  },
  {
    id: 'chloe.analyst@example.com',
    name: 'Chloe Martin',
    identityProvider: 'okta',
    profileId: '23',
    role: 'analyst',
    ip: '10.30.2.5',
  },
  {
    id: 'dev.contractor@example.com',
    name: 'Dev Patel (contractor)',
    identityProvider: 'okta',
    profileId: '31',
    role: 'analyst',
    ip: '172.16.8.90',
  },
];

export const DATA_SOURCES: readonly DataSource[] = [
  {
    id: '101',
    name: 'Customers',
    technology: 'SNOWFLAKE',
    table: 'ANALYTICS.CRM.CUSTOMERS',
    columns: [
      { name: 'CUSTOMER_ID', tags: [] },
      { name: 'FULL_NAME', tags: ['Discovered.Identifier Direct', 'PII'] },
      { name: 'EMAIL', tags: ['Discovered.Email Address', 'PII'] },
      { name: 'COUNTRY', tags: ['Discovered.Country'] },
      { name: 'SIGNUP_DATE', tags: [] },
    ],
  },
  {
    id: '102',
    name: 'Payments',
    technology: 'SNOWFLAKE',
    table: 'ANALYTICS.FINANCE.PAYMENTS',
    columns: [
      { name: 'PAYMENT_ID', tags: [] },
      { name: 'CUSTOMER_ID', tags: [] },
      { name: 'CARD_NUMBER', tags: ['Discovered.Credit Card Number', 'PCI'] },
      { name: 'AMOUNT', tags: [] },
      { name: 'PAID_AT', tags: [] },
    ],
  },
  {
    id: '103',
    name: 'Patient Visits',
    technology: 'DATABRICKS',
    table: 'main.clinical.patient_visits',
    columns: [
      { name: 'visit_id', tags: [] },
      { name: 'patient_name', tags: ['PII', 'PHI'] },
      { name: 'diagnosis_code', tags: ['PHI'] },
      { name: 'visit_date', tags: [] },
    ],
  },
  {
    id: '104',
    name: 'Web Sessions',
    technology: 'DATABRICKS',
    table: 'main.web.sessions',
    columns: [
      { name: 'session_id', tags: [] },
      { name: 'ip_address', tags: ['Discovered.IP Address'] },
      { name: 'page', tags: [] },
      { name: 'duration_ms', tags: [] },
    ],
  },
  {
    id: '105',
    name: 'Product Catalog',
    technology: 'TRINO',
    table: 'hive.retail.products',
    columns: [
      { name: 'sku', tags: [] },
      { name: 'title', tags: [] },
      { name: 'price', tags: [] },
    ],
  },
  {
    id: '106',
    name: 'Employees',
    technology: 'TRINO',
    table: 'hive.hr.employees',
    columns: [
      { name: 'employee_id', tags: [] },
      { name: 'name', tags: ['PII'] },
      { name: 'salary', tags: ['Confidential'] },
      { name: 'ssn', tags: ['Discovered.US Social Security Number', 'PII'] },
    ],
  },
];

export const GLOBAL_POLICIES = [
  { id: '501', name: 'Mask PII for non-privileged users', type: 'DATA' },
  { id: '502', name: 'Subscribe analysts to Marketing domain', type: 'SUBSCRIPTION' },
  { id: '503', name: 'Row filter by country', type: 'DATA' },
  { id: '504', name: 'Restrict PCI to Finance', type: 'SUBSCRIPTION' },
] as const;

export const DOMAINS = [
  { id: 'd-201', name: 'Marketing' },
  { id: 'd-202', name: 'Finance' },
  { id: 'd-203', name: 'Clinical' },
] as const;

export const PERMISSIONS = [
  'AUDIT',
  'GOVERNANCE',
  'USER_ADMIN',
  'CREATE_DATA_SOURCE',
  'APPLICATION_ADMIN',
  'CREATE_PROJECT',
] as const;
export const DOMAIN_PERMISSIONS = ['MANAGE_POLICIES', 'AUDIT_ACTIVITY', 'VIEW_DATA_INVENTORY'] as const;
export const TAGS = [
  'PII',
  'PCI',
  'PHI',
  'Confidential',
  'New',
  'Discovered.Email Address',
  'Discovered.Person Name',
] as const;
export const ATTRIBUTES = [
  { name: 'Department', values: ['Marketing', 'Finance', 'Clinical', 'Engineering'] },
  { name: 'Country', values: ['US', 'FR', 'DE', 'BR'] },
  { name: 'Clearance', values: ['Standard', 'Elevated'] },
] as const;
export const APP_SETTINGS = [
  'audit.exportEnabled',
  'sdd.enabled',
  'snowflake.tableGrants',
  'email.notifications',
  'defaultSubscriptionPolicy',
] as const;

/** Sensitivity contribution of a tag (sandbox scale 0-100; Immuta does not document the scale). */
export function tagSensitivity(tag: string): number {
  if (tag === 'PCI' || tag.includes('Credit Card') || tag.includes('Social Security')) return 95;
  if (tag === 'PHI') return 90;
  if (tag === 'PII' || tag.startsWith('Discovered.Identifier') || tag.includes('Email')) return 75;
  if (tag === 'Confidential') return 60;
  if (tag.startsWith('Discovered.')) return 30;
  return 0;
}
