import { clipToBoardArgs, escapePath, ffColor, imageToBoardArgs, slideArgs } from './display-args';

describe('display argument lists', () => {
  it('fits an image into the board without cropping or stretching', () => {
    expect(imageToBoardArgs('/in/a.jpg', 384, 192, '/out/a.png')).toEqual([
      '-hide_banner', '-nostdin', '-nostats', '-y', '-i', '/in/a.jpg', '-map', '0:v:0',
      '-vf', 'scale=384:192:force_original_aspect_ratio=decrease:flags=lanczos,pad=384:192:(ow-iw)/2:(oh-ih)/2:color=black,format=rgb24',
      '-frames:v', '1', '-c:v', 'png', '-f', 'image2', '/out/a.png',
    ]);
  });

  it('makes silent H.264 MP4 clips at 25 fps with faststart', () => {
    const args = clipToBoardArgs('/in/c.mov', 192, 96, '/out/c.mp4');
    expect(args).toContain('-an');
    expect(args[args.indexOf('-vf') + 1]).toMatch(/,fps=25,format=yuv420p$/);
    expect(args.slice(args.indexOf('-c:v'))).toEqual(['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-movflags', '+faststart', '-f', 'mp4', '/out/c.mp4']);
  });

  it('draws boxes then texts read from files', () => {
    const args = slideArgs(
      {
        width: 384, height: 192, background: '#000000',
        boxes: [{ x: 0, y: 0, w: 384, h: 38, color: '#c00000' }],
        texts: [{ file: '/tmp/t1.txt', font: '/f/DejaVuSans-Bold.ttf', size: 22, color: '#ffff00', x: 'center', y: 0, bandHeight: 38 }],
      },
      '/out/s.png',
    );
    expect(args.slice(4, 8)).toEqual(['-f', 'lavfi', '-i', 'color=c=0x000000:s=384x192:d=1']);
    expect(args[args.indexOf('-vf') + 1]).toBe(
      'drawbox=x=0:y=0:w=384:h=38:color=0xc00000:t=fill,drawtext=fontfile=/f/DejaVuSans-Bold.ttf:textfile=/tmp/t1.txt:fontsize=22:fontcolor=0xffff00:x=(w-text_w)/2:y=0+(38-text_h)/2',
    );
  });

  it('escapes colons in paths and converts colours', () => {
    expect(escapePath('C:/x')).toBe('C\\\\:/x');
    expect(ffColor('#ABCDEF')).toBe('0xABCDEF');
    expect(ffColor('red')).toBe('red');
  });
});
