import { loadConfig } from '../config.js';
import { openEngineAsync } from '../runtime/nodeEngine.js';

// `npm run ingest`: re-reads the manuals into the index and reports each file.
const config = loadConfig();
const { report, index } = await openEngineAsync(config, { force: !process.argv.includes('--if-changed') });
index.close();
for (const m of report.manuals) {
  if (m.error) console.log(`✗ ${m.file}：无法解析 —— ${m.error}`);
  else console.log(`✓ ${m.file}：${m.records} 条事项${m.warnings.length ? `（${m.warnings.length} 条提示）` : ''}`);
  for (const w of m.warnings) console.log(`    提示：${w}`);
}
const bad = report.manuals.filter((m) => m.error).length;
console.log(
  `共 ${report.manuals.length} 个文件，${report.records} 条事项，${bad} 个文件无法解析；索引：${config.indexPath}（${report.millis.toFixed(0)} ms）；向量：${report.embedder}`,
);
process.exitCode = report.records > 0 ? 0 : 1;
