import { createReadStream, existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { basename } from 'node:path';
import type { Clock } from '../clock';
import type { Output, PlayItem, Playback } from './output';

/**
 * An LED board: a local page (served on 127.0.0.1:`port`) that Chromium shows in kiosk mode at the
 * board's resolution. The page asks this server what to show — slides and clips from the cache,
 * the title band, a scrolling ticker — and renders Vietnamese text with the board's fonts.
 * With nothing scheduled it shows the idle loop: the last slides shown, with the time.
 */
export class DisplayOutput implements Output {
  private server: Server | null = null;
  private state: { key: string | null; title: string; files: string[]; displayMs: number[]; ticker: string; on: boolean } = { key: null, title: '', files: [], displayMs: [], ticker: '', on: true };
  private idleFiles: string[] = [];

  constructor(private readonly clock: Clock, private readonly mediaPath: (sha: string) => string, private readonly port: number) {}

  async listen(): Promise<number> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://board');
      if (url.pathname === '/state') {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        const idle = !this.state.key;
        return res.end(JSON.stringify({ ...this.state, files: (idle ? this.idleFiles : this.state.files).map((f) => `/media/${basename(f)}`), idle, now: this.clock.now() }));
      }
      const media = /^\/media\/([0-9a-f]{64})$/.exec(url.pathname);
      if (media && existsSync(this.mediaPath(media[1]))) {
        res.writeHead(200, { 'Cache-Control': 'max-age=86400' });
        return createReadStream(this.mediaPath(media[1])).pipe(res);
      }
      if (url.pathname === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end(PAGE);
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  play(item: PlayItem, _volume: number): Playback {
    this.state = { key: item.key, title: item.title, files: item.files, displayMs: item.displayMs ?? item.files.map(() => 8000), ticker: item.title, on: true };
    if (item.files.length) this.idleFiles = item.files;
    let finish!: (r: { outcome: 'completed' | 'stopped' }) => void;
    const done = new Promise<{ outcome: 'completed' | 'stopped' }>((r) => (finish = r));
    const clear = () => {
      if (this.state.key === item.key) this.state = { ...this.state, key: null, title: '', files: [] };
    };
    const cancel = item.until ? this.clock.at(item.until, () => (clear(), finish({ outcome: 'completed' }))) : () => undefined;
    return { done, stop: () => (cancel(), clear(), finish({ outcome: 'stopped' })) };
  }

  setVolume(): void {}

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const PAGE = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>bcast</title><style>
html,body{margin:0;height:100%;background:#000;color:#fff;font-family:"DejaVu Sans","Noto Sans",sans-serif;overflow:hidden}
#slide{position:absolute;inset:0 0 18% 0;display:flex;align-items:center;justify-content:center}
#slide img,#slide video{max-width:100%;max-height:100%}
#band{position:absolute;left:0;right:0;bottom:8%;height:10%;background:#b00;display:flex;align-items:center;padding:0 2vw;font-size:5vh;font-weight:bold}
#ticker{position:absolute;left:0;right:0;bottom:0;height:8%;background:#222;overflow:hidden;white-space:nowrap;font-size:4.5vh;line-height:8vh}
#ticker span{display:inline-block;padding-left:100%;animation:scroll 18s linear infinite}
@keyframes scroll{from{transform:translateX(0)}to{transform:translateX(-100%)}}
#clock{position:absolute;top:1vh;right:2vw;font-size:4vh;opacity:.8}
</style></head><body><div id="slide"></div><div id="band"></div><div id="ticker"><span></span></div><div id="clock"></div>
<script>
let shown='',i=0,files=[],durations=[],next=0;
function show(){const s=document.getElementById('slide');if(!files.length){s.innerHTML='';return}const f=files[i%files.length];
s.innerHTML=/\\.(mp4|webm)$/.test(f)?'<video autoplay muted src="'+f+'"></video>':'<img src="'+f+'">';next=Date.now()+(durations[i%files.length]||8000);i++}
async function tick(){try{const r=await fetch('/state');const st=await r.json();
const k=JSON.stringify([st.key,st.files]);if(k!==shown){shown=k;files=st.files;durations=st.displayMs;i=0;show()}else if(files.length>1&&Date.now()>next)show();
document.getElementById('band').textContent=st.title||'';document.querySelector('#ticker span').textContent=st.ticker||'';
document.getElementById('clock').textContent=new Date(st.now).toLocaleTimeString('vi-VN',{hour:'2-digit',minute:'2-digit'})}catch(e){}}
setInterval(tick,500);tick();
</script></body></html>`;
