/** Stable machine codes with the message a person reads, Vietnamese first. `{name}` placeholders
 *  are filled from the error's params. */
export const ERROR_CATALOG = {
  VALIDATION_FAILED: { status: 400, vi: 'Dữ liệu gửi lên không hợp lệ', en: 'The request data is invalid' },
  INVALID_JSON: { status: 400, vi: 'Nội dung gửi lên không phải JSON hợp lệ', en: 'The request body is not valid JSON' },
  INVALID_CSV: { status: 400, vi: 'Tệp CSV không đọc được: {reason}', en: 'The CSV file cannot be read: {reason}' },
  FILE_REQUIRED: { status: 400, vi: 'Cần gửi kèm tệp trong trường "{field}"', en: 'A file is required in field "{field}"' },
  UNAUTHENTICATED: { status: 401, vi: 'Cần đăng nhập', en: 'Authentication required' },
  INVALID_TOKEN: { status: 401, vi: 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn', en: 'The session token is invalid or expired' },
  INVALID_CREDENTIALS: { status: 401, vi: 'Sai tên đăng nhập hoặc mật khẩu', en: 'Wrong username or password' },
  LOGIN_LOCKED: { status: 429, vi: 'Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; thử lại sau {minutes} phút', en: 'Too many wrong passwords; try again in {minutes} minutes' },
  FORBIDDEN_ROLE: { status: 403, vi: 'Vai trò của bạn không được phép thực hiện thao tác này', en: 'Your role may not do this' },
  OUT_OF_SCOPE: { status: 403, vi: 'Đơn vị này nằm ngoài phạm vi quản lý của bạn', en: 'This unit is outside your scope' },
  NOT_FOUND: { status: 404, vi: 'Không tìm thấy {what}', en: '{what} not found' },
  ROUTE_NOT_FOUND: { status: 404, vi: 'Không có địa chỉ {path}', en: 'No such route {path}' },
  CONFLICT: { status: 409, vi: 'Dữ liệu bị trùng hoặc xung đột', en: 'The data conflicts with existing data' },
  UNIT_CODE_TAKEN: { status: 409, vi: 'Mã đơn vị {code} đã tồn tại', en: 'Unit code {code} already exists' },
  USERNAME_TAKEN: { status: 409, vi: 'Tên đăng nhập {username} đã có người dùng', en: 'Username {username} is taken' },
  UNIT_IN_USE: { status: 409, vi: 'Không xóa được đơn vị còn {what}', en: 'Cannot delete a unit that still has {what}' },
  PAYLOAD_TOO_LARGE: { status: 413, vi: 'Dữ liệu gửi lên quá lớn (tối đa {limit})', en: 'The request is too large (limit {limit})' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, vi: 'Định dạng nội dung không được hỗ trợ: {type}', en: 'Unsupported content type: {type}' },
  UNIT_CYCLE: { status: 422, vi: 'Không thể đặt đơn vị vào bên trong chính nó', en: 'A unit cannot be moved under itself' },
  UNIT_KIND_ORDER: { status: 422, vi: 'Đơn vị cấp {kind} không thể nằm dưới đơn vị cấp {parentKind}', en: 'A {kind} cannot be placed under a {parentKind}' },
  ROLE_ABOVE_OWN: { status: 403, vi: 'Không thể cấp vai trò {role} cao hơn hoặc ngoài quyền của bạn', en: 'You cannot grant role {role}' },
  UNIT_REQUIRED: { status: 422, vi: 'Vai trò {role} phải gắn với một đơn vị', en: 'Role {role} must belong to a unit' },
  LAST_ADMIN: { status: 409, vi: 'Không thể vô hiệu hóa quản trị viên toàn quốc cuối cùng', en: 'Cannot disable the last national administrator' },
  WRONG_PASSWORD: { status: 422, vi: 'Mật khẩu hiện tại không đúng', en: 'The current password is wrong' },
  MEDIA_EMPTY: { status: 422, vi: 'Tệp rỗng (0 byte)', en: 'The file is empty' },
  MEDIA_UNDECODABLE: { status: 422, vi: 'Không đọc được tệp âm thanh: tệp hỏng hoặc không phải âm thanh', en: 'The file cannot be decoded as audio' },
  MEDIA_NO_AUDIO: { status: 422, vi: 'Tệp không có kênh âm thanh', en: 'The file has no audio stream' },
  MEDIA_VIDEO_NOT_AUDIO: { status: 422, vi: 'Đây là tệp video; chương trình phát thanh cần tệp âm thanh', en: 'This is a video; an audio file is required' },
  MEDIA_ZERO_DURATION: { status: 422, vi: 'Tệp âm thanh có thời lượng bằng 0', en: 'The audio has zero duration' },
  MEDIA_TOO_LONG: { status: 422, vi: 'Tệp âm thanh dài {minutes} phút, vượt giới hạn {limit} phút', en: 'The audio lasts {minutes} min, over the {limit} min limit' },
  MEDIA_TRUNCATED: { status: 422, vi: 'Tệp âm thanh bị cắt cụt: chỉ có {actual} giây trong {declared} giây khai báo', en: 'The audio is truncated: {actual} s of a declared {declared} s' },
  MEDIA_NOT_VISUAL: { status: 422, vi: 'Tệp không phải ảnh (PNG, JPEG, WebP) hay video đọc được', en: 'The file is not a readable image or video' },
  SPEECH_FAILED: { status: 422, vi: 'Không chuyển được văn bản thành giọng nói: {reason}', en: 'Text-to-speech failed: {reason}' },
  MEDIA_NOT_READY: { status: 409, vi: 'Tệp âm thanh chưa xử lý xong hoặc đã bị từ chối', en: 'The audio is not processed or was rejected' },
  PROGRAM_STATE: { status: 409, vi: 'Không thể {action} chương trình đang ở trạng thái {status}', en: 'Cannot {action} a program in state {status}' },
  FOUR_EYES: { status: 403, vi: 'Người tạo chương trình không được tự duyệt', en: 'The creator of a program cannot approve it' },
  SCHEDULE_CONFLICT: { status: 409, vi: 'Kênh đã có nội dung cùng mức ưu tiên trong khoảng thời gian này', en: 'The channel already has an entry of this priority at that time' },
  PROGRAM_NOT_SCHEDULABLE: { status: 409, vi: 'Chỉ xếp lịch được chương trình đã duyệt và có âm thanh đã xử lý xong', en: 'Only approved programs with ready audio can be scheduled' },
  ENTRY_STATE: { status: 409, vi: 'Mục lịch phát {status}, không xác nhận được', en: 'The entry is {status} and cannot be confirmed' },
  ENTRY_NOT_STARTED: { status: 409, vi: 'Chưa đến giờ phát, chưa xác nhận được', en: 'The entry has not started yet' },
  DEVICE_ONLY: { status: 403, vi: 'Chỉ thiết bị được gọi địa chỉ này', en: 'Only devices may call this' },
  NOT_YOUR_DEVICE: { status: 403, vi: 'Thiết bị chỉ được gửi dữ liệu của chính mình', en: 'A device may only send its own data' },
  TOO_MANY_EVENTS: { status: 413, vi: 'Mỗi lần gửi tối đa {limit} sự kiện', en: 'At most {limit} events per request' },
  ALERT_ACTIVE: { status: 409, vi: 'Kênh {channel} đang phát một cảnh báo khẩn cấp khác; hãy dừng cảnh báo đó trước', en: 'Channel {channel} already has an active alert; stop it first' },
  ALERT_STOPPED: { status: 409, vi: 'Cảnh báo này đã dừng', en: 'This alert has already stopped' },
  PLAYLIST_NOT_READY: { status: 503, vi: 'Danh sách phát của thiết bị đang được lập, hãy thử lại sau ít giây', en: 'The playlist is being compiled; retry in a few seconds' },
  SERVICE_UNAVAILABLE: { status: 503, vi: 'Dịch vụ tạm thời không sẵn sàng', en: 'Service temporarily unavailable' },
  INTERNAL: { status: 500, vi: 'Lỗi hệ thống, đã ghi nhận mã {requestId}', en: 'Internal error, logged as {requestId}' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;
export type Lang = 'vi' | 'en';

export function renderMessage(code: ErrorCode, lang: Lang, params: Record<string, unknown> = {}): string {
  return ERROR_CATALOG[code][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}
