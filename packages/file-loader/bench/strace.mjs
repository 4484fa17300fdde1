// Reading `strace -c` reports. The `total` line leaves cells blank (older strace prints no
// usecs/call there, and no errors when there were none), so splitting it on whitespace shifts
// the columns; each cell is cut out under the header's run of dashes instead.

/** The cells of `line`, one per run of dashes in `rule`, right-aligned except the last. */
function cells(line, spans) {
  return spans.map(([, end], index) => {
    const from = index === 0 ? 0 : (spans[index - 1]?.[1] ?? 0);
    const to = index === spans.length - 1 ? line.length : end;
    return line.slice(from, to).trim();
  });
}

/**
 * The number in the `calls` column of the `total` line of a `strace -c` report, found by the
 * column headers `calls` and `syscall`; throws when the report has no such table.
 */
export function totalCalls(report) {
  const lines = report.split('\n');
  const ruleIndex = lines.findIndex((line) => /^-+( +-+)+\s*$/.test(line));
  if (ruleIndex < 1) throw new Error('strace -c: no table header');
  const header = lines[ruleIndex - 1];
  const spans = [...lines[ruleIndex].matchAll(/-+/g)].map((match) => [
    match.index,
    match.index + match[0].length,
  ]);
  const names = cells(header, spans);
  const calls = names.indexOf('calls');
  const name = names.indexOf('syscall');
  if (calls < 0 || name < 0) throw new Error(`strace -c: no calls or syscall column: ${header}`);
  const total = lines.slice(ruleIndex + 1).find((line) => cells(line, spans)[name] === 'total');
  if (total === undefined) throw new Error('strace -c: no total line');
  const count = Number(cells(total, spans)[calls]);
  if (!Number.isInteger(count) || count < 0) throw new Error(`strace -c: bad total: ${total}`);
  return count;
}
