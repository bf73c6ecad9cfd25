import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';

// `npm run ingest [--strict] [--if-changed]`: re-reads the manuals folder into the index and reports each file.
const strict = process.argv.includes('--strict');
const config = loadConfig();
const { report, index } = await openEngine(config, { force: !process.argv.includes('--if-changed'), strict });
index.close();
for (const m of report.manuals) {
  if (m.error) console.log(`✗ ${m.file}：无法解析 —— ${m.error}`);
  else console.log(`✓ ${m.file}：${m.records} 条记录${m.warnings.length ? `（${m.warnings.length} 条提示）` : ''}`);
  for (const w of m.warnings) console.log(`    提示：${w}`);
}
for (const s of report.skipped) console.log(`- ${s.file}：已跳过 —— ${s.reason}`);
const failed = report.manuals.filter((m) => m.error);
const lines = [
  `共 ${report.manuals.length + report.skipped.length} 个文件：${report.manuals.length - failed.length} 个已读取，${failed.length} 个无法解析，${report.skipped.length} 个不支持的类型已跳过；${report.records} 条记录。`,
];
if (failed.length > 0) lines.push(`无法解析：${failed.map((m) => m.file).join('、')}`);
if (report.skipped.length > 0) lines.push(`已跳过：${report.skipped.map((s) => s.file).join('、')}`);
if (report.kept) lines.push(`新的读取结果没有启用，继续使用原来的索引（${report.records} 条记录）：${report.kept}`);
lines.push(`索引：${config.indexPath}（${report.millis.toFixed(0)} ms）；向量：${report.embedder}`);
console.log(lines.join('\n'));
process.exitCode = report.records === 0 || report.kept || (strict && failed.length + report.skipped.length > 0) ? 1 : 0;
