import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';

// `npm run ingest [--strict] [--if-changed]`: re-reads the manuals folder into the index and reports each file.
const strict = process.argv.includes('--strict');
const config = loadConfig();
const llm = process.argv.includes('--llm');
if (llm && !config.llm) {
  console.error('--llm 需要大模型：请设置 LLM_MODE=assist 或 compose，以及 LLM_BASE_URL、LLM_MODEL（见 README）');
  process.exit(2);
}
const { report, index } = await openEngine(config, {
  force: !process.argv.includes('--if-changed'),
  strict,
  llmIngest: llm || config.llm?.ingest
    ? {
        report: (r) =>
          console.log(`大模型摘录：${r.sections} 段未结构化原文，询问 ${r.asked} 段，沿用缓存 ${r.cached} 段；采用 ${r.accepted} 段（${r.records} 条记录），未通过核对 ${r.rejected} 段，含指令未送 ${r.suspicious} 段，出错 ${r.failed} 段`),
        log: { warn: (msg, f) => console.log(`  ⚠ ${msg} ${JSON.stringify(f)}`) },
      }
    : false,
});
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
