import { suggest, suggestAll } from '../suggest.js';
import { type RuleProblem, problem } from './rule.js';

/**
 * AWS regions known to this version of the CLI (commercial, China, GovCloud, European Sovereign
 * Cloud). AWS adds regions every year, so a well-formed region that is not listed is accepted;
 * the list only serves to catch typos (`us-est-1`) and to pick the partition for ARNs.
 */
export const KNOWN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eusc-de-east-1',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
];

export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** `us-east` from `us-east-1`: the part that names a place. */
function areaOf(region: string): string {
  return region.replace(/-\d{1,2}$/, '');
}

const KNOWN_AREAS = [...new Set(KNOWN_REGIONS.map(areaOf))];

export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-eusc';

export function partitionOfRegion(region: string): AwsPartition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

export function checkRegion(value: string): RuleProblem[] {
  if (KNOWN_REGIONS.includes(value)) return [];
  const example = 'e.g. "us-east-1", "eu-central-2", "us-gov-west-1"';
  const lower = value.trim().toLowerCase();
  if (lower !== value && (KNOWN_REGIONS.includes(lower) || REGION_PATTERN.test(lower))) {
    return [problem(`"${value}" is not a valid AWS region: region codes are lower case`, `Use "region": "${lower}".`)];
  }
  // An availability zone (`us-east-1a`) where a region is expected.
  const zone = /^([a-z]{2,4}(?:-[a-z]+)+-\d{1,2})[a-z]$/.exec(lower);
  if (zone && KNOWN_REGIONS.includes(zone[1] ?? '')) {
    return [problem(`"${value}" is an availability zone, not a region`, `Use "region": "${zone[1]}".`)];
  }
  // Region names people type instead of codes (`N. Virginia`, `Frankfurt`) are not worth a table: point at the codes.
  if (!REGION_PATTERN.test(lower)) {
    const guess = suggest(lower, KNOWN_REGIONS);
    return [
      problem(
        `"${value}" is not an AWS region code${guess ? `; did you mean "${guess}"?` : ''}`,
        guess
          ? `Use "region": "${guess}" (the region the bucket was created in).`
          : `Use the code of the bucket's region, ${example}.`,
      ),
    ];
  }
  const area = areaOf(lower);
  if (KNOWN_AREAS.includes(area)) return []; // e.g. `ap-southeast-8`: a newer region in a known area.
  const areas = suggestAll(area, KNOWN_AREAS);
  if (areas.length > 0) {
    const number = lower.slice(area.length + 1);
    const guesses = areas.map((a) =>
      KNOWN_REGIONS.includes(`${a}-${number}`) ? `${a}-${number}` : (KNOWN_REGIONS.find((r) => areaOf(r) === a) ?? a),
    );
    const listed = guesses.map((g) => `"${g}"`).join(' or ');
    return [
      problem(
        `"${value}" is not a known AWS region; did you mean ${listed}?`,
        `Use the region the bucket was created in, e.g. "region": "${guesses[0]}".`,
      ),
    ];
  }
  // Well-formed and not near anything known: perhaps a region newer than this CLI. Accept it.
  return [];
}
