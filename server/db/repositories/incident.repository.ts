import type { Insertable } from 'kysely';
import type { IncidentsTable } from '../types.js';
import type { Executor } from './executor.js';

export async function insertIncident(db: Executor, row: Insertable<IncidentsTable>): Promise<void> {
  await db.insertInto('incidents').values(row).execute();
}
