// Vietnamese by default; English switchable (stored in localStorage).
export const texts = {
  vi: {
    title: 'Phát thanh cơ sở', login: 'Đăng nhập', username: 'Tên đăng nhập', password: 'Mật khẩu', logout: 'Đăng xuất', lang: 'English',
    today: 'Hôm nay & ngày mai', calendar: 'Lịch phát', upload: 'Tải nội dung', programs: 'Chương trình', devices: 'Thiết bị', alerts: 'Cảnh báo khẩn cấp', reports: 'Báo cáo',
    aired: 'Đã phát', missed: 'Không phát được', reason: 'Lý do', confirm: 'Xác nhận', nothing: 'Không có lượt phát nào.', confirmed: 'Đã xác nhận',
    required: 'Không được để trống', channel: 'Kênh', unit: 'Đơn vị', file: 'Tệp âm thanh', titleField: 'Tiêu đề', send: 'Gửi', uploading: 'Đang tải lên', processing: 'Đang xử lý',
    ready: 'Đã xử lý xong', rejected: 'Bị từ chối', createProgram: 'Tạo chương trình', submit: 'Gửi duyệt', approve: 'Duyệt', status: 'Trạng thái',
    online: 'Trực tuyến', offline: 'Mất kết nối', lastSeen: 'Lần cuối', version: 'Phiên bản DS phát', volume: 'Âm lượng', name: 'Tên',
    start: 'Phát cảnh báo', stop: 'Dừng', source: 'Nguồn', relay: 'Tiếp âm luồng', program: 'Chương trình đã duyệt', streamUrl: 'Địa chỉ luồng', active: 'Đang phát',
    from: 'Từ ngày', to: 'Đến ngày', period: 'Kỳ báo cáo', h1: '6 tháng đầu năm', h2: '6 tháng cuối năm', year: 'Cả năm', custom: 'Tùy chọn', show: 'Xem',
    rule: 'Quy định', required_: 'Yêu cầu', planned: 'Đã lập lịch', evidenced: 'Có bằng chứng', exportXlsx: 'Xuất Excel', exportPdf: 'Xuất PDF', exportCsv: 'Nhật ký phát (CSV)',
    ok: 'Đạt', at_risk: 'Có nguy cơ', violated: 'Không đạt', share: 'Tỷ lệ đạt theo tháng', month: 'Tháng', series: 'Chuyên mục',
    kind: 'Loại', speaker: 'Cụm loa', led: 'Bảng LED', register: 'Đăng ký thiết bị', tokenOnce: 'Mã bí mật chỉ hiển thị một lần — hãy chép vào cấu hình thiết bị ngay.',
    plan: 'Lập lịch tự động', placed: 'Số lượt đã xếp', broadcastNow: 'Phát ngay', bulletin: 'Bản tin (văn bản sẽ được đọc)', speak: 'Đọc và phát', record: 'Ghi âm',
    stopRecording: 'Dừng ghi và phát', recording: 'Ghi âm', scheduledAt: 'Sẽ phát lúc', noMicrophone: 'Không dùng được micro trên thiết bị này',
    ledContent: 'Nội dung bảng LED', boardWidth: 'Chiều rộng bảng (điểm ảnh)', boardHeight: 'Chiều cao bảng (điểm ảnh)', heading: 'Tiêu đề trang', body: 'Nội dung chữ', ticker: 'Dòng chữ chạy', imageOrClip: 'Hoặc ảnh / đoạn phim',
    communesCompliant: 'Số đơn vị đạt mọi quy định', rules: 'Quy định phát lại', save: 'Lưu', week: 'Tuần', quarter: 'Quý', minPrograms: 'Số chương trình tối thiểu', minAirings: 'Số lượt phát mỗi chương trình',
    maxPerDay: 'Tối đa lượt mỗi ngày', spacing: 'Cách nhau ít nhất (giờ)',
    airing: 'Lượt phát', relay: 'Tiếp âm', slides: 'Trang chiếu', announcement: 'Thông báo', emergency: 'Khẩn cấp', scheduled: 'Đã lập lịch', cancelled: 'Đã hủy',
  },
  en: {
    title: 'Commune broadcasting', login: 'Sign in', username: 'Username', password: 'Password', logout: 'Sign out', lang: 'Tiếng Việt',
    today: 'Today & tomorrow', calendar: 'Calendar', upload: 'Upload', programs: 'Programs', devices: 'Devices', alerts: 'Emergency alerts', reports: 'Reports',
    aired: 'Broadcast', missed: 'Missed', reason: 'Reason', confirm: 'Confirm', nothing: 'No airings.', confirmed: 'Confirmed',
    required: 'Required', channel: 'Channel', unit: 'Unit', file: 'Audio file', titleField: 'Title', send: 'Send', uploading: 'Uploading', processing: 'Processing',
    ready: 'Processed', rejected: 'Rejected', createProgram: 'Create program', submit: 'Submit', approve: 'Approve', status: 'Status',
    online: 'Online', offline: 'Offline', lastSeen: 'Last seen', version: 'Playlist version', volume: 'Volume', name: 'Name',
    start: 'Start alert', stop: 'Stop', source: 'Source', relay: 'Relay a stream', program: 'Approved program', streamUrl: 'Stream URL', active: 'Active',
    from: 'From', to: 'To', period: 'Period', h1: 'First half-year', h2: 'Second half-year', year: 'Whole year', custom: 'Custom', show: 'Show',
    rule: 'Rule', required_: 'Required', planned: 'Planned', evidenced: 'Evidenced', exportXlsx: 'Export Excel', exportPdf: 'Export PDF', exportCsv: 'Broadcast log (CSV)',
    ok: 'Met', at_risk: 'At risk', violated: 'Not met', share: 'Share met per month', month: 'Month', series: 'Series',
    kind: 'Kind', speaker: 'Loudspeaker cluster', led: 'LED board', register: 'Register device', tokenOnce: 'The secret token is shown once — copy it into the device configuration now.',
    plan: 'Plan automatically', placed: 'Airings placed', broadcastNow: 'Broadcast now', bulletin: 'Bulletin (text to be spoken)', speak: 'Speak and broadcast', record: 'Record',
    stopRecording: 'Stop and broadcast', recording: 'Recording', scheduledAt: 'Plays at', noMicrophone: 'No microphone available on this device',
    ledContent: 'LED board content', boardWidth: 'Board width (px)', boardHeight: 'Board height (px)', heading: 'Slide heading', body: 'Slide text', ticker: 'Ticker', imageOrClip: 'Or an image / clip',
    communesCompliant: 'Units meeting every rule', rules: 'Rebroadcast rules', save: 'Save', week: 'Week', quarter: 'Quarter', minPrograms: 'Minimum programs', minAirings: 'Airings per program',
    maxPerDay: 'At most per day', spacing: 'At least hours apart',
    airing: 'Airing', relay: 'Relay', slides: 'Slides', announcement: 'Announcement', emergency: 'Emergency', scheduled: 'Scheduled', cancelled: 'Cancelled',
  },
};
export let lang = localStorage.getItem('bcast.lang') || 'vi';
export const t = (k) => texts[lang][k] ?? k;
export function toggleLang() {
  lang = lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem('bcast.lang', lang);
  document.documentElement.lang = lang;
}
