/** SQL: lower case without Vietnamese marks, so "chuyen doi so" finds "Chuyển đổi số" (text is stored NFC). */
export const FOLD = (expr: string) =>
  `translate(lower(${expr}), 'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ', 'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd')`;
