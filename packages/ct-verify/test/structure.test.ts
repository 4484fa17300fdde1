import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The timing script measures the comparisons; this checks their source, so that a refactor
// that adds an early exit or a branch inside a comparison loop fails in CI, where no timing
// is measured. It reads the TypeScript syntax tree, not the text, so formatting cannot hide
// a `return` or an `if`.
const source = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'compare.ts'),
  'utf8',
);
const file = ts.createSourceFile('compare.ts', source, ts.ScriptTarget.ES2022, true);

function functionNamed(name: string): ts.FunctionDeclaration {
  const found = file.statements.find(
    (node): node is ts.FunctionDeclaration =>
      ts.isFunctionDeclaration(node) && node.name?.text === name,
  );
  if (found === undefined) throw new Error(`src/compare.ts has no function ${name}`);
  return found;
}

function loopsOf(node: ts.Node): ts.ForStatement[] {
  const loops: ts.ForStatement[] = [];
  const visit = (child: ts.Node): void => {
    if (ts.isForStatement(child)) loops.push(child);
    if (ts.isWhileStatement(child) || ts.isDoStatement(child) || ts.isForOfStatement(child)) {
      throw new Error('a comparison loop other than a counted for loop');
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return loops;
}

// `text.charCodeAt(i)` reads the candidate string, as `candidate[i]` reads candidate bytes.
function readsACharacter(call: ts.CallExpression): boolean {
  return (
    ts.isPropertyAccessExpression(call.expression) &&
    call.expression.name.text === 'charCodeAt' &&
    ts.isIdentifier(call.expression.expression) &&
    call.expression.expression.text === 'text'
  );
}

// What would let the time depend on the bytes: leaving the loop, or choosing between paths.
function branchesIn(node: ts.Node): string[] {
  const found: string[] = [];
  const visit = (child: ts.Node): void => {
    if (
      ts.isReturnStatement(child) ||
      ts.isBreakStatement(child) ||
      ts.isContinueStatement(child) ||
      ts.isIfStatement(child) ||
      ts.isConditionalExpression(child) ||
      ts.isSwitchStatement(child) ||
      ts.isThrowStatement(child) ||
      (ts.isCallExpression(child) && !readsACharacter(child)) ||
      (ts.isBinaryExpression(child) &&
        [
          ts.SyntaxKind.AmpersandAmpersandToken,
          ts.SyntaxKind.BarBarToken,
          ts.SyntaxKind.QuestionQuestionToken,
        ].includes(child.operatorToken.kind))
    ) {
      found.push(child.getText(file).split('\n')[0] ?? '');
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

describe('the comparison loops of src/compare.ts', () => {
  it.each([
    ['constantTimeEqual', 2],
    ['matches', 2],
    ['matchesAscii', 2],
    ['windowMatches', 2],
    ['windowMatchesAscii', 2],
  ] as const)(
    'SEC-SECRET-032: %s examines every byte: its loops hold no exit, branch or call',
    (name, expectedLoops) => {
      const loops = loopsOf(functionNamed(name));
      expect(loops).toHaveLength(expectedLoops);
      for (const loop of loops) expect(branchesIn(loop.statement)).toEqual([]);
    },
  );

  it('the check itself finds an early exit in a loop that has one', () => {
    const bad = ts.createSourceFile(
      'bad.ts',
      'function f(a, b) { for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return; }',
      ts.ScriptTarget.ES2022,
      true,
    );
    const loop = loopsOf(bad)[0];
    expect(loop).toBeDefined();
    if (loop !== undefined) expect(branchesIn(loop.statement).length).toBeGreaterThan(0);
  });
});
