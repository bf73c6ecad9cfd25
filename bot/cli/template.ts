import { writeFileSync } from 'node:fs';
import * as XLSX from '@e965/xlsx';

// `npm run template [-- out.xlsx]`: writes the recommended duty-list layout (seeds/template.xlsx by default).
const out = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'seeds/template.xlsx';
const header = ['序号', '单位', '科室', '岗位', '工作事项', '岗位职责', '办理流程', '办理时限', '牵头负责人', '辅助人员', '依据', '备注'];
const rows = [
  ['（示例）XX县自然资源局岗位履职清单'],
  header,
  ['1', 'XX县自然资源局', '规划股', '规划审批岗', '建设用地规划许可证核发', '1.受理申请材料；2.审查规划条件；3.提出审批意见', '受理→审查→决定→送达', '10个工作日', '张三', '李四', '《中华人民共和国城乡规划法》', '每行一项工作；同一岗位可合并单元格'],
  ['2', '', '', '', '规划条件核实', '负责建设工程竣工规划条件核实', '受理→现场核实→出具意见', '5个工作日', '', '', '', '岗位、人员留空时沿用上一行'],
];
const sheet = XLSX.utils.aoa_to_sheet(rows);
sheet['!merges'] = [
  { s: { r: 0, c: 0 }, e: { r: 0, c: header.length - 1 } },
  { s: { r: 2, c: 1 }, e: { r: 3, c: 1 } },
  { s: { r: 2, c: 2 }, e: { r: 3, c: 2 } },
  { s: { r: 2, c: 3 }, e: { r: 3, c: 3 } },
  { s: { r: 2, c: 8 }, e: { r: 3, c: 8 } },
  { s: { r: 2, c: 9 }, e: { r: 3, c: 9 } },
];
sheet['!cols'] = header.map((h) => ({ wch: ['岗位职责', '办理流程', '备注'].includes(h) ? 36 : 14 }));
const guide = XLSX.utils.aoa_to_sheet([
  ['填写说明'],
  ['1. 第一行写单位全称和清单名称，如“XX县自然资源局岗位履职清单”。'],
  ['2. 表头用这些列名（也认得常见的同义写法，如“事项名称”“职权名称”“承办机构”“责任人”“承诺时限”）。'],
  ['3. 每行一项工作；岗位、人员可以合并单元格，或只在第一行填写，下面留空表示沿用。'],
  ['4. 办理流程用“→”连接各步骤，或写“1.受理 2.审查 3.决定”。'],
  ['5. 时限写“N个工作日”“即办”“当场办结”等；多人用顿号分隔。'],
]);
const book = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(book, sheet, '履职清单');
XLSX.utils.book_append_sheet(book, guide, '填写说明');
writeFileSync(out, XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
console.log(`模板已写入 ${out}`);
