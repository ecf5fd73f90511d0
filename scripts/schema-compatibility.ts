import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';
import { z } from 'zod';

/**
 * A breaking change that was made on purpose. It names the change by its exact message or by its
 * path (every breaking change at that path), and says why clients may be broken.
 */
const acknowledgementSchema = z
  .object({
    message: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    reason: z.string().trim().min(1, 'every acknowledgement needs a reason'),
  })
  .strict()
  .refine((entry) => entry.message !== undefined || entry.path !== undefined, 'an acknowledgement names a message or a path');

export type Acknowledgement = z.infer<typeof acknowledgementSchema>;

export interface CompatibilityReport {
  /** Every change from the released schema to the current one, breaking first. */
  changes: Change[];
  /** Breaking changes with the acknowledgement that allows each. */
  acknowledged: { change: Change; acknowledgement: Acknowledgement }[];
  /** Breaking changes that nothing allows: the check fails on these. */
  unacknowledged: Change[];
  /** Acknowledgements that match no change: left over from an earlier release. */
  unused: Acknowledgement[];
}

/** Reads the acknowledgements file: a JSON array of { message | path, reason }. */
export function parseAcknowledgements(json: string): Acknowledgement[] {
  const parsed = z.array(acknowledgementSchema).safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
  return parsed.data;
}

export async function compareSchemas(releasedSdl: string, currentSdl: string, acknowledgements: Acknowledgement[]): Promise<CompatibilityReport> {
  const changes = await diff(buildSchema(releasedSdl), buildSchema(currentSdl));
  const order = [CriticalityLevel.Breaking, CriticalityLevel.Dangerous, CriticalityLevel.NonBreaking];
  changes.sort((a, b) => order.indexOf(a.criticality.level) - order.indexOf(b.criticality.level));

  const acknowledged: CompatibilityReport['acknowledged'] = [];
  const unacknowledged: Change[] = [];
  const used = new Set<Acknowledgement>();
  for (const change of changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking)) {
    const acknowledgement = acknowledgements.find((entry) => matches(entry, change));
    if (acknowledgement) {
      acknowledged.push({ change, acknowledgement });
      used.add(acknowledgement);
    } else {
      unacknowledged.push(change);
    }
  }
  return { changes, acknowledged, unacknowledged, unused: acknowledgements.filter((entry) => !used.has(entry)) };
}

function matches(entry: Acknowledgement, change: Change): boolean {
  return (entry.message === undefined || entry.message === change.message) && (entry.path === undefined || entry.path === change.path);
}
