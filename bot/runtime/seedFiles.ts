import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Deadline, DeadlineFileError, parseDeadlines, type UnitRecords } from '../reminders/deadlines.js';
import type { ExtraYears } from '../reminders/workCalendar.js';

/** `seeds/deadlines.json`: the recurring deadlines; a broken file is reported, not fatal. */
export function loadDeadlines(seedsDir: string, records: UnitRecords): { deadlines: Deadline[]; warnings: string[]; error: string | null } {
  const path = join(seedsDir, 'deadlines.json');
  if (!existsSync(path)) return { deadlines: [], warnings: [], error: null };
  try {
    return { ...parseDeadlines(readFileSync(path, 'utf8'), records), error: null };
  } catch (e) {
    if (e instanceof DeadlineFileError) return { deadlines: [], warnings: [], error: e.message };
    throw e;
  }
}

/** `seeds/holidays.json`: holiday arrangements for years the bundled calendar does not have yet. */
export function loadExtraYears(seedsDir: string): ExtraYears {
  const path = join(seedsDir, 'holidays.json');
  if (!existsSync(path)) return {};
  const data = JSON.parse(readFileSync(path, 'utf8')) as { years?: ExtraYears };
  const years = data.years ?? {};
  for (const [year, v] of Object.entries(years)) {
    if (!/^\d{4}$/.test(year) || !Array.isArray(v?.holidays) || !Array.isArray(v?.workdays)) {
      throw new Error(`seeds/holidays.json：${year} 应为 {"holidays": [...], "workdays": [...]}`);
    }
  }
  return years;
}
