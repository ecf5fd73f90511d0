/**
 * Runs a command-line tool's main and exits with what it means: its own code (0 when it returns
 * none), 2 with the message alone for what the user can put right, 1 with the whole error
 * otherwise. Exiting explicitly matters: the embedded database's runtime resets process.exitCode
 * when it closes, and a promise nobody settles would let Node exit with 0 halfway.
 */
export function runCommand(main: () => Promise<number | void>, isUserError: (error: unknown) => boolean): void {
  let finished = false;
  process.on('beforeExit', () => {
    if (finished) return;
    console.error('Stopped before finishing: nothing was left to wait for.');
    process.exit(1);
  });
  main().then(
    (code) => {
      finished = true;
      process.exit(code ?? 0);
    },
    (error: unknown) => {
      finished = true;
      const userError = isUserError(error);
      console.error(userError ? (error as Error).message : error);
      process.exit(userError ? 2 : 1);
    },
  );
}
