/**
 * What another process holds, read from outside through /proc: resident memory, open file
 * descriptors and threads, once or at an interval. Linux only.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessSample {
  /** Epoch ms. */
  at: number;
  rssMb: number;
  fds: number;
  threads: number;
}

/** One reading of /proc/<pid>; undefined once the process is gone. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { at: Date.now(), rssMb: field('VmRSS') / 1024, fds: readdirSync(`/proc/${pid}/fd`).length, threads: field('Threads') };
  } catch {
    return undefined;
  }
}

/** Samples one process every `intervalMs` until stopped (or until it is gone). */
export class ProcessSampler {
  readonly samples: ProcessSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => {
      const sample = sampleProcess(pid);
      if (sample) this.samples.push(sample);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): ProcessSample[] {
    clearInterval(this.timer);
    return this.samples;
  }
}
