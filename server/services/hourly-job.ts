const HOUR_MS = 3_600_000;

/** Runs a job (a retention sweep) now and then every hour until stopped; a failure is reported, not thrown. */
export class HourlyJob {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly job: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    const run = () => void this.job().catch(this.onError);
    run();
    this.timer = setInterval(run, HOUR_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
