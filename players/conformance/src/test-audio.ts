/**
 * A short WAV the runner uploads as its test program: tones in a rhythm, 8 kHz mono 16-bit, made
 * here so that the runner needs nothing but Node.js.
 */
export function testWav(seconds: number): Buffer {
  const rate = 8000;
  const n = seconds * rate;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const on = Math.floor(t * 3) % 4 !== 3;
    const f = 400 + 200 * (Math.floor(t) % 4);
    data.writeInt16LE(on ? Math.round(8000 * Math.sin(2 * Math.PI * f * t)) : 0, i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
