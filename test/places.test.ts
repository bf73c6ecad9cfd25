import { describe, expect, it } from 'vitest';
import { buildPlaces, placesIn } from '../retrieval/places.js';

// Invented units only.
const row = (unit: string, scope: 'province' | 'city' | 'district' | 'subdistrict', department: string | null = null, parentUnit: string | null = null) => ({ unit, scope, department, parentUnit });
const places = buildPlaces([
  row('石川省不动产登记中心', 'province'),
  row('松河县不动产登记中心', 'district', null, '松河县自然资源局'),
  row('松河县自然资源局', 'district'),
  row('桐岭区自然资源局', 'district'),
  row('石川市自然资源和规划局', 'city', '执法监察支队'),
  row('松河县自然资源局', 'district', '办公室'),
]);
const named = (q: string) => placesIn(q, places).map((h) => h.place.name);

describe('short names of places', () => {
  it('a level word and a kind of bureau name no one bureau', () => {
    expect(named('县区自然资源局在执法监督里负责什么')).toEqual([]);
    expect(named('溪区自然资源局')).toEqual([]);
    // The region's own name still names it.
    expect(named('桐岭区自然资源局谁负责卫片')).toEqual(['桐岭区自然资源局']);
  });

  it('a level word before a unit’s own name names that unit', () => {
    expect(named('省不动产登记中心主任是谁')).toEqual(['石川省不动产登记中心']);
  });

  it('a kind of body (支队, 大队, 所) alone names no section or unit', () => {
    expect(named('执法支队多久督查一次县区')).toEqual([]);
    expect(named('执法监察支队谁负责')).toEqual(['执法监察支队']);
  });
});
