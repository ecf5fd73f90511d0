import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where end-to-end tests write their screenshots. */
export const ARTEFACTS = path.join(ROOT, 'test-results', 'e2e');

/** Debian's Chromium (CHROMIUM_PATH, else on PATH); undefined when the machine has none. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Headless Chromium as these machines need it (root: no sandbox), with a fresh profile per launch. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Builds the dashboard as `npm start` does, so the tests see the current sources. */
export function buildDashboard(): void {
  execFileSync('npm', ['run', '-s', 'dashboard:build'], { cwd: ROOT, stdio: 'pipe' });
}

export async function screenshotPath(name: string): Promise<string> {
  await fs.mkdir(ARTEFACTS, { recursive: true });
  return path.join(ARTEFACTS, `${name}.png`);
}
