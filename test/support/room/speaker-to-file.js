// The test loudspeaker (see ./ffplay): decodes the file from the offset asked for, at real-time pace,
// and appends the samples to $SPEAKER_FILE, where the room (./room-monitor.js) hears them.
const { spawn } = require('node:child_process');
const { createWriteStream } = require('node:fs');

const args = process.argv.slice(2);
const ss = args.indexOf('-ss');
const offset = ss >= 0 ? args[ss + 1] : '0';
const source = args[args.length - 1];
const out = createWriteStream(process.env.SPEAKER_FILE, { flags: 'a' });
const ffmpeg = spawn(process.env.FFMPEG || 'ffmpeg', ['-v', 'error', '-re', '-ss', offset, '-i', source, '-ac', '1', '-ar', '16000', '-f', 's16le', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
ffmpeg.stdout.pipe(out);
ffmpeg.on('exit', (code) => out.end(() => process.exit(code ?? 0)));
process.on('SIGTERM', () => {
  ffmpeg.kill('SIGTERM');
  out.end(() => process.exit(0));
});
