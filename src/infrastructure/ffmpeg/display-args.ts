/** ffmpeg argument lists for LED/LCD board content. Pure; tested as arrays. */

const QUIET = ['-hide_banner', '-nostdin', '-nostats', '-y'];

/** Fit inside the board keeping proportions, centred on black: nothing is cropped or stretched. */
export function fitToBoard(width: number, height: number): string {
  return `scale=${width}:${height}:force_original_aspect_ratio=decrease:flags=lanczos,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black`;
}

export function imageToBoardArgs(input: string, width: number, height: number, output: string): string[] {
  return [...QUIET, '-i', input, '-map', '0:v:0', '-vf', `${fitToBoard(width, height)},format=rgb24`, '-frames:v', '1', '-c:v', 'png', '-f', 'image2', output];
}

/** H.264 in MP4 at the board's size, 25 fps, no sound (boards are silent), playable while downloading. */
export function clipToBoardArgs(input: string, width: number, height: number, output: string): string[] {
  return [
    ...QUIET, '-progress', 'pipe:2', '-i', input,
    '-map', '0:v:0', '-an', '-sn', '-dn', '-map_metadata', '-1',
    '-vf', `${fitToBoard(width, height)},fps=25,format=yuv420p`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-movflags', '+faststart',
    '-f', 'mp4', output,
  ];
}

export interface SlideDrawing {
  width: number;
  height: number;
  background: string;
  /** Filled rectangles, drawn first. */
  boxes: Array<{ x: number; y: number; w: number; h: number; color: string }>;
  /** Each text is read from a file (no escaping of what people type). */
  texts: Array<{ file: string; font: string; size: number; color: string; x: number | 'center'; y: number; bandHeight?: number }>;
}

/** One PNG frame: background, boxes, then texts. */
export function slideArgs(d: SlideDrawing, output: string): string[] {
  const filters = [
    ...d.boxes.map((b) => `drawbox=x=${b.x}:y=${b.y}:w=${b.w}:h=${b.h}:color=${ffColor(b.color)}:t=fill`),
    ...d.texts.map((t) => {
      const x = t.x === 'center' ? '(w-text_w)/2' : String(t.x);
      const y = t.bandHeight ? `${t.y}+(${t.bandHeight}-text_h)/2` : String(t.y);
      return `drawtext=fontfile=${escapePath(t.font)}:textfile=${escapePath(t.file)}:fontsize=${t.size}:fontcolor=${ffColor(t.color)}:x=${x}:y=${y}`;
    }),
  ];
  return [
    ...QUIET, '-f', 'lavfi', '-i', `color=c=${ffColor(d.background)}:s=${d.width}x${d.height}:d=1`,
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    '-frames:v', '1', '-c:v', 'png', '-f', 'image2', output,
  ];
}

/** '#c00000' → '0xc00000' (a '#' is fine in ffmpeg colours but not after ':' in some builds). */
export function ffColor(hex: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(hex) ? `0x${hex.slice(1)}` : hex;
}

/** Filter-graph escaping of a path: backslash, colon and quote. */
export function escapePath(path: string): string {
  return path.replace(/\\/g, '\\\\\\\\').replace(/:/g, '\\\\:').replace(/'/g, "\\\\'");
}
