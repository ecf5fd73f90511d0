import { listAllSessionSecrets, replaceSecretSeal } from '../db/repositories/session-secret.repository.js';
import type { Executor } from '../db/repositories/executor.js';
import type { SecretBox } from './secret-box.js';
import { secretAssociatedData } from './session-secret-seal.js';

export interface ResealReport {
  resealed: number;
  /** Secrets that opened under no key: left as they are (set them again, or delete them). */
  unreadable: { sessionId: string; name: string }[];
}

/**
 * Seals every stored session secret again under the box's current key (after ENCRYPTION_KEY
 * changed, with the old one as ENCRYPTION_KEY_PREVIOUS). Safe while servers run: a secret set
 * meanwhile is already under the current key and is not overwritten with the value read here.
 */
export async function resealSessionSecrets(db: Executor, box: SecretBox): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, unreadable: [] };
  for (const row of await listAllSessionSecrets(db)) {
    const context = secretAssociatedData(row.sessionId, row.name);
    let value: string;
    try {
      value = box.open(row, context);
    } catch {
      report.unreadable.push({ sessionId: row.sessionId, name: row.name });
      continue;
    }
    if (await replaceSecretSeal(db, row, box.seal(value, context))) report.resealed += 1;
  }
  return report;
}
