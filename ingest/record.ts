/** One work item of a duty manual: the single record type the whole product reads. */
export interface DutyRecord {
  /** Stable id: `<file>#<line>`. */
  id: string;
  /** The organisation: bureau, affiliated centre or task force. */
  unit: string;
  /** The section (科室) where the manual has one. */
  department: string | null;
  /** The unit's level in the administrative hierarchy, read from its name (省/市/区县/街道镇). */
  scope: Scope;
  /** The unit this one belongs to (a centre's bureau), where the document says so; null at the top. */
  parentUnit: string | null;
  kind: RecordKind;
  /** Post as printed, normalised: "综合岗2：档案管理岗". */
  post: string;
  /** The 序号 of the post in its table, where printed. */
  postNo: string | null;
  /** The work item: "三、档案借阅审批"; for centre posts, the post itself. */
  item: string;
  duties: string[];
  responsibilities: string[];
  flow: Flow | null;
  /** "5个工作日", "在法定时限内办结"; null where the text names none. */
  timeLimit: string | null;
  lead: string[];
  assistants: string[];
  /** True where the row printed no names and took its post's people. */
  peopleInherited: boolean;
  /** What a leader's row says it 分管: "执法大队", "规划股" … */
  oversees: string[];
  /** Other labelled facts of the row as printed (实施依据, 职权类型, 追责情形, 联系电话 …). */
  details?: Detail[];
  source: Source;
}

export interface Detail {
  label: string;
  text: string;
}

export interface Source {
  file: string;
  line: number;
  /** Where a line number alone does not say it: "表2 第7行", "Sheet1!B7", "第3页". */
  ref?: string;
}

/**
 * Administrative level of a unit: province, city (地级市), district (区/县/县级市/旗), subdistrict
 * (街道/乡镇), or `unit` where the name does not say.
 */
export type Scope = 'province' | 'city' | 'district' | 'subdistrict' | 'unit';

/**
 * `passage` is a stretch of text no layout recogniser could structure: searchable, quoted, never naming
 * people as responsible.
 */
export type RecordKind = 'item' | 'leader' | 'centre-post' | 'taskforce-role' | 'taskforce-duty' | 'passage';

export interface Flow {
  /** Chart codes as printed, without 详见: ["9-6-10"]. */
  codes: string[];
  /** Chart titles from the manual's chart section, aligned with codes where known. */
  titles: string[];
  /** Ordered step names. */
  steps: string[];
  /** Named sub-flows where one cell holds several ("规划批后监管": 定点放线 → …). */
  subflows: SubFlow[];
}

export interface SubFlow {
  name: string;
  steps: string[];
}

/** What a manual says about a unit as a whole (宗旨和业务范围, 隶属关系). */
export interface UnitInfo {
  unit: string;
  scope: Scope;
  parent: string | null;
  purpose: string | null;
  departments: string[];
  file: string;
}

export interface ParsedManual {
  file: string;
  records: DutyRecord[];
  units: UnitInfo[];
  /** Non-fatal oddities worth showing an operator (a chart matched by title, a post missing …). */
  warnings: string[];
}

export class ManualParseError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ManualParseError';
  }
}
