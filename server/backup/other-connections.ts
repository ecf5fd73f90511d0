import { sql, type Kysely } from 'kysely';
import { BackupRefusal } from './backup-refusal.js';

/** Refuses when other clients are connected to the database (such as a running server). */
export async function refuseIfOtherConnections(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ pid: number; application: string; address: string | null }>`
    select pid, application_name as "application", client_addr::text as "address"
    from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`.execute(db);
  if (rows.length === 0) return;
  const clients = rows.map((row) => `pid ${row.pid}${row.application ? ` "${row.application}"` : ''}${row.address ? ` from ${row.address}` : ''}`);
  throw new BackupRefusal(
    `${rows.length} other connection(s) use this database (${clients.join(', ')}). Stop every server that uses it before restoring: a running server would keep working on what the restore replaces.`,
  );
}
