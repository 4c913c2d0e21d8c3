/*
 * What the demo writes: the chat or the transcript on stdout, its own troubles on stderr. Whoever reads them
 * may close them first: `npm run demo | head`, or a `tee` that the same Ctrl-C ended. A write into a closed
 * pipe fails (EPIPE), and Node keeps its standard streams open after an error, so that every later write
 * fails again; with no listener, each failure is an uncaught exception. So a stream that failed once is not
 * written to again, and the demo is told, once, that its output is gone.
 */

let stdoutOpen = true;
let stderrOpen = true;

/** Listens for the end of stdout and stderr; `onStdoutClosed` is called once, at the first failed write to stdout. */
export function watchOutput(onStdoutClosed: () => void): void {
  process.stdout.on("error", () => {
    if (!stdoutOpen) return;
    stdoutOpen = false;
    onStdoutClosed();
  });
  process.stderr.on("error", () => {
    stderrOpen = false;
  });
}

/** False once a write to stdout has failed: nobody reads it any more. */
export function outputOpen(): boolean {
  return stdoutOpen;
}

/** Lines of the chat or the transcript, on stdout. */
export function print(lines: readonly string[]): void {
  if (lines.length > 0) write(`${lines.join("\n")}\n`);
}

/** Text as it is (a prompt, a progress line), on stdout. */
export function write(text: string): void {
  if (stdoutOpen) process.stdout.write(text);
}

/** A message about the demo itself (a bad option, a failure), on stderr. */
export function warn(message: string): void {
  if (stderrOpen) process.stderr.write(`${message}\n`);
}
