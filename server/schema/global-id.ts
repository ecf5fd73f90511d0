import { decodeGlobalID } from '@pothos/plugin-relay';
import { InvalidInputError } from '../errors.js';
import { isUuid } from '../ids.js';

/** Decodes a Relay global id of the expected type, or rejects the argument by name. */
export function parseGlobalId(value: string, typename: string, field: string): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(value);
  } catch {
    throw new InvalidInputError(field, `is not a valid ${typename} id`);
  }
  if (decoded.typename !== typename || !isUuid(decoded.id)) {
    throw new InvalidInputError(field, `is not a valid ${typename} id`);
  }
  return decoded.id;
}

export function parseOptionalGlobalId(value: string | null | undefined, typename: string, field: string): string | undefined {
  return value === null || value === undefined ? undefined : parseGlobalId(value, typename, field);
}
