/** Levels of the organisation tree, highest first. Since 1 July 2025 new deployments have no
 *  districts, but old data does; a unit may sit under any higher level, never under a lower one. */
export const UNIT_KINDS = ['national', 'province', 'district', 'commune', 'village'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  national: 'toàn quốc',
  province: 'tỉnh/thành phố',
  district: 'quận/huyện',
  commune: 'xã/phường/đặc khu',
  village: 'thôn/bản/tổ dân phố',
};

/** Words an office writes in a CSV "kind" column, folded to the code names. */
const ALIASES: Record<string, UnitKind> = {
  'toan quoc': 'national', 'quoc gia': 'national',
  tinh: 'province', 'thanh pho': 'province', 'thanh pho truc thuoc trung uong': 'province',
  huyen: 'district', quan: 'district', 'thi xa': 'district', 'thanh pho thuoc tinh': 'district',
  xa: 'commune', phuong: 'commune', 'thi tran': 'commune', 'dac khu': 'commune',
  thon: 'village', ban: 'village', xom: 'village', ap: 'village', 'to dan pho': 'village', khu: 'village', 'khu pho': 'village',
};

export function foldVietnamese(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** 'Xã' → commune, 'province' → province; undefined when the word is not a known level. */
export function parseUnitKind(input: string): UnitKind | undefined {
  const folded = foldVietnamese(input);
  if ((UNIT_KINDS as readonly string[]).includes(folded)) return folded as UnitKind;
  return ALIASES[folded];
}

/** A child must be of a strictly lower level than its parent. */
export function canNest(parent: UnitKind, child: UnitKind): boolean {
  return UNIT_KINDS.indexOf(child) > UNIT_KINDS.indexOf(parent);
}
