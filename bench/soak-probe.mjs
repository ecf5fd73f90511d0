// Loaded into the server under soak (NODE_OPTIONS=--import=<this file>): every
// SOAK_PROBE_INTERVAL_MS it appends one JSON line to SOAK_PROBE_FILE with the process's active
// resources by type (process.getActiveResourcesInfo(): sockets, pipes, child processes, ref'd
// timers, pending fs requests) and its memory figures, which cannot be read from outside.
// With SOAK_PROBE_GC_MS, a full garbage collection runs that often first and the line carries
// `liveHeap`: the heap that survived it, the figure a leak makes grow (heapUsed alone follows the
// collector's sawtooth). It only reads otherwise; its timer is unref'd, so it neither keeps the
// server alive nor shows in the counts. Plain JavaScript: NODE_OPTIONS imports run before tsx.
import { appendFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

const file = process.env.SOAK_PROBE_FILE;
if (file) {
  const intervalMs = Number(process.env.SOAK_PROBE_INTERVAL_MS ?? 1000);
  const gcMs = Number(process.env.SOAK_PROBE_GC_MS ?? 0);
  let gc;
  if (gcMs > 0) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc');
  }
  let lastGc = Date.now();
  const sample = () => {
    let liveHeap;
    if (gc && Date.now() - lastGc >= gcMs) {
      gc();
      lastGc = Date.now();
      liveHeap = process.memoryUsage().heapUsed;
    }
    const resources = {};
    for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
    const { rss, heapUsed, external } = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), pid: process.pid, resources, rss, heapUsed, external, liveHeap })}\n`);
  };
  setInterval(sample, intervalMs).unref();
}
