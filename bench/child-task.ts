/**
 * The child side of a forked benchmark worker (bench/harness.ts `forkChild`):
 * answers each parent message of one kind with the result of `work`. A
 * failure is printed and ends the child with exit 1, which makes the parent's
 * `next` reject. `exitAfter` ends the child once its one answer is delivered
 * (seeding); otherwise it stays for further requests (load runs).
 */
export function answerParent<M extends { kind: string }>(kind: M['kind'], work: (message: M) => Promise<unknown>, options: { exitAfter: boolean }): void {
  process.on('message', (message: M) => {
    if (message.kind !== kind) return;
    work(message).then(
      (result) => process.send?.(result, () => options.exitAfter && process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
