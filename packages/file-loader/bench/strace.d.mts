/** The `calls` figure of the `total` line of a `strace -c` report, read by column header. */
export function totalCalls(report: string): number;
