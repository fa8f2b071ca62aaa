/** The broadcast log's words, as people read them: Vietnamese by default, English on request. */
export type LogLang = 'vi' | 'en';

const WORDS: Record<LogLang, Record<string, Record<string, string>>> = {
  vi: {
    kind: { airing: 'Lượt phát chương trình', relay: 'Tiếp âm', announcement: 'Thông báo', emergency: 'Khẩn cấp', slides: 'Trang chiếu' },
    priority: { normal: 'Thường', priority: 'Ưu tiên', emergency: 'Khẩn cấp' },
    status: { scheduled: 'Đã lên lịch', aired: 'Đã phát', missed: 'Không phát được', cancelled: 'Đã hủy', voided: 'Đã hủy bỏ (ghi sai)' },
  },
  en: {
    kind: { airing: 'Program airing', relay: 'Relay', announcement: 'Announcement', emergency: 'Emergency', slides: 'Slides' },
    priority: { normal: 'Normal', priority: 'Priority', emergency: 'Emergency' },
    status: { scheduled: 'Scheduled', aired: 'Aired', missed: 'Missed', cancelled: 'Cancelled', voided: 'Voided (recorded in error)' },
  },
};

export function logWord(lang: LogLang, field: 'kind' | 'priority' | 'status', code: string): string {
  return WORDS[lang][field][code] ?? code;
}

/** The header, naming the time zone the times are in. */
export function logHeader(lang: LogLang, zone: string): string[] {
  const z = `(${zone})`;
  return lang === 'en'
    ? ['date', `starts ${z}`, `ends ${z}`, 'unit', 'channel', 'kind', 'priority', 'content', 'status', `confirmed at ${z}`, 'confirmed by', 'reason not aired', `device reported completion at ${z}`, 'devices reporting completion', 'reason voided']
    : ['ngày', `bắt đầu ${z}`, `kết thúc ${z}`, 'đơn vị', 'kênh', 'loại', 'mức ưu tiên', 'nội dung', 'trạng thái', `xác nhận lúc ${z}`, 'người xác nhận', 'lý do không phát', `thiết bị báo phát xong lúc ${z}`, 'số thiết bị báo phát xong', 'lý do hủy bỏ'];
}
