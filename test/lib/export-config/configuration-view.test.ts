import { describe, expect, it } from 'vitest';
import { renderConfigurationTable, statusCause } from '../../../src/lib/export-config/configuration-view.js';
import { painter } from '../../../src/lib/output/terminal.js';

const NO_BUCKET =
  'Error testing access to S3 using AccessKey - NoSuchBucket: The specified bucket does not exist (Service: Amazon S3; Status Code: 404)';
const ASSUME =
  'Error testing access to S3 using AssumedRole arn:aws:iam::123456789012:role/audit - User: arn:aws:iam::999999999999:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/audit';

describe('statusCause: the cause of a connection status in a few words', () => {
  it.each([
    ['SUCCESS', 'SUCCESS'],
    [NO_BUCKET, 'NoSuchBucket'],
    [ASSUME, 'sts:AssumeRole denied'],
    [
      'Error testing access to S3 using AccessKey - Access Denied (Service: Amazon S3; Status Code: 403; Request ID: X)',
      'AccessDenied',
    ],
    [
      `Error testing access to ADLS - ${'something nobody catalogued '.repeat(3)}`,
      'something nobody catalogued something nobody ...',
    ],
  ])('%s', (status, cause) => {
    expect(statusCause(status)).toBe(cause);
  });
});

describe('the list table', () => {
  const configs = [
    { id: 'cfg-1', interval: 'EVERY_2_HOURS', enabled: true, connectionStatus: NO_BUCKET },
    { id: 'cfg-2', interval: 'EVERY_2_HOURS', enabled: true, connectionStatus: 'SUCCESS' },
  ];

  it('on a terminal shows the cause (not a cut text) and where the whole text is', () => {
    const text = renderConfigurationTable(configs, painter(false), true);
    expect(text).toContain('NoSuchBucket');
    expect(text).not.toContain('...');
    expect(text).toContain('immuta audit exportConfig get ID');
  });

  it('piped keeps the whole text', () => {
    expect(renderConfigurationTable(configs, painter(false), false)).toContain(NO_BUCKET);
  });
});
