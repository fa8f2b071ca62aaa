import { AppError } from '../infrastructure/http/app-error';

/** Passwords seen first in every leak, and their Vietnamese favourites; compared without case, spaces and accents. */
const COMMON = new Set([
  '123456789', '1234567890', '12345678910', '0123456789', '1234567890a', '123456789a', 'a123456789', '1234567890q', 'qwertyuiop', 'qwertyuiop1',
  'qwerty123456', 'password', 'password1', 'password12', 'password123', 'passw0rd123', 'iloveyou', 'iloveyou12', 'abc123456789', 'abcd123456',
  'asdfghjkl1', 'zxcvbnm123', '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5', 'qazwsxedc1', 'aa123456789', 'admin12345', 'admin123456', 'administrator',
  'matkhau123', 'matkhau1234', 'matkhaumoi', 'matkhau@123', 'anhyeuem123', 'anhyeuem', 'emyeuanh123', 'vietnam123', 'vietnam1234', 'hanoi12345',
  'saigon1234', 'phatthanh1', 'phatthanh123', 'truyenthanh', 'truyenthanh1', 'daitruyenthanh', 'bcast12345', 'changeme123', 'welcome123', 'letmein123',
]);

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').replace(/\s+/g, '').toLowerCase();

/**
 * A password a person sets: at least 10 characters (the DTOs), not blank, not mostly one character
 * repeated or a short pattern repeated, not the username, not one of the most common passwords.
 */
export function checkPassword(password: string, username: string, field = 'password'): void {
  const refuse = (vi: string, en: string) => {
    throw AppError.field(field, 'weakPassword', vi, en);
  };
  const folded = fold(password);
  if (!password.trim()) refuse('không được chỉ có khoảng trắng', 'must not be blank');
  if (new Set(folded).size < 4) refuse('quá đơn giản: cần ít nhất 4 ký tự khác nhau', 'too simple: needs at least 4 different characters');
  if (/^(.{1,4})\1+.{0,3}$/.test(folded)) refuse('quá đơn giản: là một chuỗi ngắn lặp lại', 'too simple: a short pattern repeated');
  const user = fold(username);
  if (user && (folded.includes(user) || user.includes(folded))) refuse('không được chứa tên đăng nhập', 'must not contain the username');
  if (COMMON.has(folded)) refuse('là một trong những mật khẩu phổ biến nhất, dễ bị dò ra', 'is one of the most common passwords');
}
