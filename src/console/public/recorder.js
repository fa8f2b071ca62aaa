// Recording from the browser's microphone (a phone's, usually): one button starts and stops.
import { t } from './i18n.js';

/** Wires `button` to record; `onDone(blob)` gets the recording. Returns false where no microphone can be used. */
export function microphoneButton(button, state, onDone, onError) {
  let recorder = null;
  button.onclick = async () => {
    if (recorder) return recorder.stop();
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = (ev) => chunks.push(ev.data);
      recorder.onstop = () => {
        stream.getTracks().forEach((tr) => tr.stop());
        recorder = null;
        button.textContent = t('record');
        state.textContent = '';
        onDone(new Blob(chunks, { type: chunks[0]?.type || 'audio/webm' }));
      };
      recorder.start();
      button.textContent = t('stopRecording');
      state.textContent = '●';
    } catch {
      onError(t('noMicrophone'));
    }
  };
}
