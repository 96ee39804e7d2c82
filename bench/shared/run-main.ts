// How a harness's entry point ends, the same for both: the exit code main() settles on (1 when a
// phase failed), or 1 with the error's stack when the run itself could not go on.
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
