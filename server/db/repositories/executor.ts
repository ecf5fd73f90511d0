import type { Kysely } from 'kysely';
import type { DB } from '../types.js';

/** A database or an open transaction: repositories run on either, services decide which. */
export type Executor = Kysely<DB>;
