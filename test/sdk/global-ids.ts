import { randomUUID } from 'node:crypto';

/** A well-formed global id of an object that does not exist. */
export function missingId(typename: string): string {
  return Buffer.from(`${typename}:${randomUUID()}`).toString('base64');
}
