import type { Intent } from './query.js';

/**
 * Intent from cues: each cue adds weight to an intent, the heaviest wins. Cues are the ways staff say
 * "who", "how", "how long", "who leads" and "what does this person do", not whole phrasings.
 */
interface Cue {
  re: RegExp;
  intent: Exclude<Intent, 'person'> | 'personAsk' | 'role' | 'backup';
  weight: number;
}

const CUES: Cue[] = [
  // how: steps of a procedure
  { re: /流程|步骤|环节|程序|手续/, intent: 'flow', weight: 1 },
  { re: /怎么(?:办|弄|走|操作|申请|报|处理|搞)|咋(?:办|弄|走|搞|整)|如何(?:办|申请|操作|处理)|啥流程|什么流程|走什么|流程图|编号/, intent: 'flow', weight: 1 },
  // how long
  { re: /时限|期限|多久|几天|多少天|几个工作日|多少个?工作日|多长时间|多少时间|办结|截止|啥时候能|什么时候能|要多长/, intent: 'timeLimit', weight: 1.5 },
  // who leads
  { re: /分管|主管领导|哪位领导|哪个领导|什么领导|领导是谁|主持/, intent: 'leadership', weight: 1.2 },
  // a leader's 联系 (a town, a village, a project they are the contact for): not "找谁联系" (whom to contact)
  { re: /(?<!找)谁联系(?!人|电话|方式)|(?:联系|挂钩|包保)(?:领导|乡镇|村|点)/, intent: 'leadership', weight: 1.2 },
  // a role asked about
  { re: /(?:局长|科长|股长|主任|组长|书记|队长|所长|站长|处长|一把手|班长)(?=是|有|叫|分管|主管|管|负责|都|呢|啊|吗|们|[？?，,。]|$)/, intent: 'role', weight: 1 },
  // what a person does
  { re: /忙|做什么|干什么|干啥|做啥|干嘛|负责(?:什么|哪些|啥|哪)|管(?:什么|哪些|啥)|哪个岗|什么岗|哪个科|哪个股|哪个部门|哪个单位|在哪|手里|手上|分工|职责|是谁|是做|是干|的工作|有什么事|有哪些事|参与/, intent: 'personAsk', weight: 1 },
  // who stands in for a person (A/B角): "张三外出时谁替他", "张三的B角是谁"
  { re: /(?:不在|外出|请假|出差|休假|离岗|缺岗)[^谁]{0,6}(?:谁|哪位|找)|B角|备岗|替岗|顶岗|代岗|顶替|接替|替(?:他|她|岗|班)|代(?:他|她|班)/, intent: 'backup', weight: 1 },
  // who does it
  { re: /谁|哪个岗位|哪个部门|哪位|找哪|归哪/, intent: 'duty', weight: 0.5 },
];

export interface IntentCues {
  flow: number;
  timeLimit: number;
  leadership: number;
  role: number;
  personAsk: number;
  backup: number;
  duty: number;
}

export function cueScores(q: string): IntentCues {
  const s: IntentCues = { flow: 0, timeLimit: 0, leadership: 0, role: 0, personAsk: 0, backup: 0, duty: 0 };
  for (const c of CUES) if (c.re.test(q)) s[c.intent] += c.weight;
  return s;
}

/**
 * The intent of a question given its cues and what its topic turned out to be:
 * a named person with no other topic is a person question whatever the verb; a role or 分管 question
 * goes to leadership rows; otherwise the heaviest of time limit, flow and duty.
 */
export function classify(c: IntentCues, o: { person: boolean; topicLeft: boolean }): Intent {
  if (o.person && c.leadership > 0 && !o.topicLeft) return 'leadership';
  if (o.person && !o.topicLeft) return 'person';
  // Who stands in for a named person is read from that person's rows, whatever else the question says.
  if (o.person && c.backup > 0) return 'person';
  if (!o.person && (c.leadership > 0 || c.role > 0)) return 'leadership';
  if (c.timeLimit > 0 && c.timeLimit >= c.flow) return 'timeLimit';
  if (c.flow > 0) return 'flow';
  return 'duty';
}
