import { buildDashboard } from './browser.js';

/**
 * Once before every test file: the dashboard is built as `npm start` builds it, so the files
 * that serve it (and drive it in Chromium) see the current sources and never a build in progress.
 */
export default function setup(): void {
  buildDashboard();
}
