// Adds up the "Tests: ..." lines Jest printed for every project and prints one closing line,
// "N passed, N failed, N skipped", so any reader of the log sees the whole run's count.
import fs from 'node:fs';

const text = fs.readFileSync(process.argv[2], 'utf8').replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), ''); // ANSI colours
const total = { passed: 0, failed: 0, skipped: 0, suites: 0 };
for (const line of text.split('\n')) {
  const m = /^Tests:\s+(.*)$/.exec(line.trim());
  if (!m) continue;
  total.suites += 1;
  for (const part of m[1].split(',')) {
    const [n, word] = part.trim().split(/\s+/);
    if (word === 'passed') total.passed += Number(n);
    if (word === 'failed') total.failed += Number(n);
    if (word === 'skipped' || word === 'todo') total.skipped += Number(n);
  }
}
console.log(`\nJest projects reporting: ${total.suites}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
