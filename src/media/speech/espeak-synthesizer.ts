import { execFile, execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { SpeechSynthesizer } from './speech-synthesizer';

/** The WebAssembly build of eSpeak NG shipped by the `espeak-ng` npm package, run in a child Node
 *  process because the package is an ES module (and so a long text cannot block the service). */
const WASM_RUNNER = `
import ESpeakNg from 'espeak-ng';
import { readFileSync, writeFileSync } from 'node:fs';
const [voice, textFile, out] = process.argv.slice(1);
const espeak = await ESpeakNg({ arguments: ['-v', voice, '-w', 'out.wav', '-f', '/input.txt'], preRun: [(m) => m.FS.writeFile('/input.txt', readFileSync(textFile))] });
writeFileSync(out, espeak.FS.readFile('out.wav'));
`;

/**
 * Offline Vietnamese text-to-speech with eSpeak NG: the system's `espeak-ng` when installed
 * (Debian package espeak-ng), otherwise the WebAssembly build from npm.
 */
export class EspeakSynthesizer implements SpeechSynthesizer {
  readonly name: string;
  readonly voices = ['vi', 'vi-vn-x-central', 'vi-vn-x-south', 'en'];
  private readonly system: boolean;

  constructor(private readonly moduleDir: string = process.cwd()) {
    this.system = hasSystemEspeak();
    this.name = this.system ? 'espeak-ng (system)' : 'espeak-ng (WebAssembly, npm)';
  }

  async synthesize(text: string, voice: string, outputWav: string): Promise<void> {
    const textFile = `${outputWav}.txt`;
    await writeFile(textFile, text, 'utf8');
    try {
      if (this.system) await run('espeak-ng', ['-v', voice, '-w', outputWav, '-f', textFile]);
      else await run(process.execPath, ['--input-type=module', '-e', WASM_RUNNER, voice, textFile, outputWav], this.moduleDir);
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(textFile, { force: true }));
    }
  }
}

function hasSystemEspeak(): boolean {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { cwd, timeout: 120_000, maxBuffer: 1024 * 1024 }, (err, _out, stderr) =>
      err ? reject(new Error(`${cmd} failed: ${stderr || err.message}`)) : resolve(),
    ),
  );
}
